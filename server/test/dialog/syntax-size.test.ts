/**
 * Path syntax (555 5.5.2), declared SIZE over the advertised limit (552 5.3.4 at MAIL) and a
 * body over the limit (552 5.3.4 at end of DATA; the excess is discarded while streaming).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBouncer, type TestBouncer } from '../support/bouncer.js';
import {
  acceptedPattern,
  expectOpen,
  messageBody,
  open,
  plainToken,
  startTls,
  storedSession,
  TEST_LISTENERS,
  tempProfileDir,
  type OpenSession,
} from './helpers.js';

const SMALL_LIMIT = 1000;
let bouncer: TestBouncer;
beforeAll(async () => {
  const dir = tempProfileDir({
    'small-mx': `name: small-mx\nextends: gmail-mx\ndescription: gmail-mx with a 1000-byte size limit\nlimits: {maxMessageSize: ${SMALL_LIMIT}}\n`,
  });
  bouncer = await startTestBouncer({
    profileDirs: [dir],
    listeners: [...TEST_LISTENERS, { name: 'small', port: 0, profile: 'small-mx', tls: 'none' }],
  });
});
afterAll(async () => bouncer?.stop());

function syntax555(id: string): string[] {
  return [
    '555-5.5.2 Syntax error, cannot decode response. For more information, go to',
    '555-5.5.2  https://support.google.com/a/answer/3221692 and review RFC 5321',
    `555 5.5.2 specifications. ${id} - gsmtp`,
  ];
}

function size552(id: string): string[] {
  return [
    "552-5.3.4 Your message exceeded Google's message size limits. For more information, go to",
    `552 5.3.4  https://support.google.com/mail/?p=MaxSizeError ${id} - gsmtp`,
  ];
}

async function ehlo(s: OpenSession): Promise<void> {
  expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
}

describe('MAIL FROM path syntax', () => {
  it.each([
    'MAIL FROM:<a@example.com',
    'MAIL FROM:a@b c',
    'MAIL FROM:a@example.com',
    'MAIL FROM:<a..b@example.com>',
    'MAIL FROM:<a@exa mple.com>',
    'MAIL FROM:<a@>',
    'MAIL FROM',
    'MAIL TO:<a@example.com>',
  ])('%s → the 3-line 555 5.5.2, stays open', async (line) => {
    const s = await open(bouncer);
    await ehlo(s);
    expect((await s.c.command(line)).lines).toEqual(syntax555(s.id));
    await expectOpen(s);
    // the transaction did not start
    expect((await s.c.command('RCPT TO:<b@example.org>')).lines).toEqual([`503 5.5.1 MAIL first. ${s.id} - gsmtp`]);
    s.c.close();
    const stored = await storedSession(bouncer, s.id);
    expect(stored.decisions[0]).toMatchObject({ phase: 'mail', ruleId: 'mail.syntax', verdict: 'reject', reply: { code: 555, enhanced: '5.5.2' } });
  });

  it.each(['MAIL FROM:<a@example.com>', 'MAIL FROM: <a@example.com>', 'MAIL FROM:<>', 'MAIL FROM:<a@[203.0.113.7]>'])(
    '%s → 250 2.1.0 OK',
    async (line) => {
      const s = await open(bouncer);
      await ehlo(s);
      expect((await s.c.command(line)).lines).toEqual([`250 2.1.0 OK ${s.id} - gsmtp`]);
      s.c.close();
    },
  );
});

describe('RCPT TO path syntax', () => {
  it.each(['RCPT TO:<>', 'RCPT TO:bad', 'RCPT TO:<bad>', 'RCPT TO:<b@example.org', 'RCPT TO:b@example.org', 'RCPT FROM:<b@example.org>'])(
    '%s → the 3-line 555 5.5.2, stays open',
    async (line) => {
      const s = await open(bouncer);
      await ehlo(s);
      expect((await s.c.command('MAIL FROM:<a@example.com>')).lines).toEqual([`250 2.1.0 OK ${s.id} - gsmtp`]);
      expect((await s.c.command(line)).lines).toEqual(syntax555(s.id));
      await expectOpen(s);
      s.c.close();
      const stored = await storedSession(bouncer, s.id);
      expect(stored.rejection).toEqual({ phase: 'rcpt', ruleId: 'rcpt.syntax', code: 555, enhanced: '5.5.2' });
    },
  );
});

describe('declared SIZE', () => {
  it('SIZE=157286401 on the MX → 552 5.3.4, stays open', async () => {
    const s = await open(bouncer);
    await ehlo(s);
    expect((await s.c.command('MAIL FROM:<a@example.com> SIZE=157286401')).lines).toEqual(size552(s.id));
    await expectOpen(s);
    s.c.close();
    const stored = await storedSession(bouncer, s.id);
    expect(stored.rejection).toEqual({ phase: 'mail', ruleId: 'mail.size-declared', code: 552, enhanced: '5.3.4' });
    expect(stored.decisions[0]!.why).toContain('157286401');
  });

  it.each(['SIZE=157286400', 'SIZE=0', 'size=1000'])('%s on the MX → 250', async (param) => {
    const s = await open(bouncer);
    await ehlo(s);
    expect((await s.c.command(`MAIL FROM:<a@example.com> ${param}`)).lines).toEqual([`250 2.1.0 OK ${s.id} - gsmtp`]);
    s.c.close();
  });

  it.each([
    ['35882578', false],
    ['35882577', true],
  ] as const)('submission (after STARTTLS and AUTH): SIZE=%s accepted=%s', async (size, accepted) => {
    const s = await open(bouncer, 'submission');
    const ehloReply = await startTls(s);
    expect(ehloReply.lines).toContain('250-SIZE 35882577');
    expect((await s.c.command(`AUTH PLAIN ${plainToken('alice@example.com', 'x')}`)).lines).toEqual(['235 2.7.0 Accepted']);
    const reply = await s.c.command(`MAIL FROM:<alice@example.com> SIZE=${size}`);
    expect(reply.lines).toEqual(accepted ? [`250 2.1.0 OK ${s.id} - gsmtp`] : size552(s.id));
    s.c.close();
  });

  it('the small profile advertises its own limit and refuses SIZE above it', async () => {
    const s = await open(bouncer, 'small');
    expect((await s.c.command('EHLO mail.example.com')).lines).toContain(`250-SIZE ${SMALL_LIMIT}`);
    expect((await s.c.command(`MAIL FROM:<a@example.com> SIZE=${SMALL_LIMIT + 1}`)).lines).toEqual(size552(s.id));
    expect((await s.c.command(`MAIL FROM:<a@example.com> SIZE=${SMALL_LIMIT}`)).lines).toEqual([`250 2.1.0 OK ${s.id} - gsmtp`]);
    s.c.close();
  });
});

describe('message body over the limit (small-mx: 1000 bytes)', () => {
  /** Headers plus body lines padded to exactly `total` bytes of message content (CRLF included). */
  function contentOf(total: number): string {
    const head = 'From: a@example.com\r\nTo: b@example.org\r\nSubject: big\r\nMessage-ID: <big@example.com>\r\n\r\n';
    let body = '';
    while (head.length + body.length + 80 < total) body += `${'x'.repeat(78)}\r\n`;
    const rest = total - head.length - body.length - 2;
    body += `${'y'.repeat(rest)}\r\n`;
    const content = head + body;
    expect(content.length).toBe(total);
    return content;
  }

  async function sendContent(s: OpenSession, content: string) {
    await ehlo(s);
    expect((await s.c.command('MAIL FROM:<a@example.com>')).lines).toEqual([`250 2.1.0 OK ${s.id} - gsmtp`]);
    expect((await s.c.command('RCPT TO:<b@example.org>')).lines).toEqual([`250 2.1.5 OK ${s.id} - gsmtp`]);
    expect((await s.c.command('DATA')).lines).toEqual([`354 Go ahead ${s.id} - gsmtp`]);
    return s.c.command(`${content}.`);
  }

  it('a message of exactly the limit is accepted and stored whole', async () => {
    const s = await open(bouncer, 'small');
    const content = contentOf(SMALL_LIMIT);
    expect((await sendContent(s, content)).last).toMatch(acceptedPattern(s.id));
    const [msg] = bouncer.store.listMessages({ sessionId: s.id }).items;
    expect(msg).toMatchObject({ status: 'accepted', size: SMALL_LIMIT, truncated: false });
    // stored whole, below the Authentication-Results header the receiver prepends (RFC 8601 §5)
    expect(msg!.auth!.header).toMatch(/^Authentication-Results: mx\.google\.com;/);
    expect(bouncer.store.getRaw(msg!.id)!.toString('latin1')).toBe(`${msg!.auth!.header}\r\n${content}`);
    s.c.close();
  });

  it.each([SMALL_LIMIT + 1, 5000, 200_000])('a %i-byte message → 552 5.3.4 at end of DATA; stored rejected, truncated, at most the limit', async (total) => {
    const s = await open(bouncer, 'small');
    const content = contentOf(total);
    expect((await sendContent(s, content)).lines).toEqual(size552(s.id));
    await expectOpen(s);
    await bouncer.settled(); // display fields are parsed just after the reply
    const { items } = bouncer.store.listMessages({ sessionId: s.id });
    expect(items).toHaveLength(1);
    const full = bouncer.store.getMessage(items[0]!.id)!;
    expect(full.status).toBe('rejected');
    expect(full.truncated).toBe(true);
    expect(full.size).toBe(total);
    expect(full.rejection).toMatchObject({ phase: 'message', ruleId: 'message.size', code: 552, enhanced: '5.3.4', text: size552(s.id).map((l) => l.slice(10)) });
    const raw = bouncer.store.getRaw(full.id)!;
    expect(raw.length).toBeLessThanOrEqual(SMALL_LIMIT);
    // a message is still possible in the same session after the 552
    expect((await s.c.command('MAIL FROM:<a@example.com>')).lines).toEqual([`250 2.1.0 OK ${s.id} - gsmtp`]);
    s.c.close();
    const stored = await storedSession(bouncer, s.id);
    expect(stored.outcome).toBe('rejected');
    expect(stored.rejection).toEqual({ phase: 'message', ruleId: 'message.size', code: 552, enhanced: '5.3.4' });
    const decision = stored.decisions.find((d) => d.ruleId === 'message.size')!;
    expect(decision.why).toContain(String(total));
  });

  it('the MX accepts a normal message after a refused big one on the small listener', async () => {
    const s = await open(bouncer);
    await ehlo(s);
    expect((await s.c.command('MAIL FROM:<a@example.com>')).code).toBe(250);
    expect((await s.c.command('RCPT TO:<b@example.org>')).code).toBe(250);
    expect((await s.c.command('DATA')).code).toBe(354);
    expect((await s.c.command(messageBody())).last).toMatch(acceptedPattern(s.id));
    s.c.close();
  });
});
