/**
 * Clients that misbehave: over-long lines, binary junk, talking before the greeting, HTTP on
 * the SMTP port, idling, too many connections, malformed MIME, a server shutting down. Each
 * gets the profile's reply with the right connection behaviour, and the server keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBouncer, type TestBouncer } from '../support/bouncer.js';
import { RawSmtp, sessionIdOf } from '../support/smtp-client.js';
import { acceptedPattern, expectOpen, messageBody, mxEhloLines, open, sendMessage, storedSession, TEST_LISTENERS, tempProfileDir, uniqueMessageId, writeBytes } from './helpers.js';

let bouncer: TestBouncer;
beforeAll(async () => {
  const dir = tempProfileDir({
    'slow-mx': 'name: slow-mx\nextends: gmail-mx\ndescription: gmail-mx with a greeting delay\ngreetingDelayMs: 300\n',
    'idle-mx': 'name: idle-mx\nextends: gmail-mx\ndescription: gmail-mx with a short idle timeout\nlimits: {idleTimeoutMs: 300}\n',
  });
  bouncer = await startTestBouncer({
    profileDirs: [dir],
    listeners: [
      ...TEST_LISTENERS,
      { name: 'slow', port: 0, profile: 'slow-mx', tls: 'none' },
      { name: 'idle', port: 0, profile: 'idle-mx', tls: 'none' },
    ],
  });
});
afterAll(async () => bouncer?.stop());

/** A fresh session on the MX still gets its greeting and can deliver a message. */
async function expectServerStillServes(b: TestBouncer = bouncer): Promise<void> {
  const s = await open(b);
  expect(s.greeting.lines).toEqual([`220 mx.google.com ESMTP ${s.id} - gsmtp`]);
  expect((await s.c.command('EHLO mail.example.com')).lines).toEqual(mxEhloLines());
  expect((await sendMessage(s)).last).toMatch(acceptedPattern(s.id));
  expect((await s.c.command('QUIT')).code).toBe(221);
  expect(await s.c.waitClosed()).toBe(true);
}

describe('over-long command lines (limit 4096)', () => {
  it.each([
    ['a 5000-byte line', `EHLO ${'a'.repeat(4995)}\r\n`],
    ['a 5000-byte MAIL line', `MAIL FROM:<${'a'.repeat(4985)}@x.org>\r\n`],
    ['5000 bytes without a line end', 'x'.repeat(5000)],
    ['a 4097-byte NOOP', `NOOP ${'x'.repeat(4092)}\r\n`],
  ])('%s → 500 5.5.2 Line too long, closes; the server keeps serving', async (_label, data) => {
    const s = await open(bouncer);
    s.c.write(data);
    expect((await s.c.reply()).lines).toEqual([`500 5.5.2 Line too long, closing connection. ${s.id} - gsmtp`]);
    expect(await s.c.waitClosed()).toBe(true);
    await storedSession(bouncer, s.id);
    await expectServerStillServes();
  });

  it('a line of exactly 4096 bytes is still a command', async () => {
    const s = await open(bouncer);
    const line = `NOOP ${'x'.repeat(4091)}`;
    expect(line.length).toBe(4096);
    expect((await s.c.command(line)).lines).toEqual([`250 2.0.0 OK ${s.id} - gsmtp`]);
    s.c.close();
  });

  it('long lines inside DATA are message content, not commands', async () => {
    const s = await open(bouncer);
    expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
    const body = `From: a@example.com\r\nMessage-ID: ${uniqueMessageId()}\r\nSubject: long\r\n\r\n${'z'.repeat(10_000)}\r\n.`;
    expect((await sendMessage(s, { body })).last).toMatch(acceptedPattern(s.id));
    s.c.close();
  });
});

describe('binary junk', () => {
  it.each([
    ['NUL and 0xff bytes', Buffer.from('\x00\xff\xfe junk\r\n', 'latin1')],
    ['a lone 0x80', Buffer.from([0x80, 0x0d, 0x0a])],
    ['control characters', Buffer.from('\x01\x02\x03\x1b[2J\r\n', 'latin1')],
  ])('%s → 502 5.5.1 Unrecognized command., the session goes on', async (_label, bytes) => {
    const s = await open(bouncer);
    writeBytes(s.c, bytes);
    expect((await s.c.reply()).lines).toEqual([`502 5.5.1 Unrecognized command. ${s.id} - gsmtp`]);
    await expectOpen(s);
    expect((await s.c.command('EHLO mail.example.com')).lines).toEqual(mxEhloLines());
    expect((await sendMessage(s)).last).toMatch(acceptedPattern(s.id));
    s.c.close();
  });

  it('an empty line → 502 5.5.1 Unrecognized command.', async () => {
    const s = await open(bouncer);
    expect((await s.c.command('')).lines).toEqual([`502 5.5.1 Unrecognized command. ${s.id} - gsmtp`]);
    await expectOpen(s);
    s.c.close();
  });

  it('bare LF line ends are accepted', async () => {
    const s = await open(bouncer);
    s.c.write('NOOP\n');
    expect((await s.c.reply()).lines).toEqual([`250 2.0.0 OK ${s.id} - gsmtp`]);
    s.c.close();
  });
});

describe('early talker (profile with greetingDelayMs: 300)', () => {
  it('a client that talks before the greeting → 554 5.5.1 and the connection closes, without a greeting', async () => {
    const c = await RawSmtp.connect(bouncer.port('slow'));
    c.write('EHLO mail.example.com\r\n');
    const reply = await c.reply();
    const id = sessionIdOf(reply);
    expect(reply.lines).toEqual([`554 5.5.1 Client sent data before the greeting, closing connection. ${id} - gsmtp`]);
    expect(await c.waitClosed()).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    await expect(c.reply(50)).rejects.toThrow(/connection closed; unread: ""/);
    const stored = await storedSession(bouncer, id);
    expect(stored.lines.filter((l) => l.dir === 'S').map((l) => l.text)).toEqual(reply.lines);
  });

  it('a patient client gets the greeting after the delay and carries on', async () => {
    const started = Date.now();
    const s = await open(bouncer, 'slow');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(s.greeting.lines).toEqual([`220 mx.google.com ESMTP ${s.id} - gsmtp`]);
    expect((await s.c.command('EHLO mail.example.com')).lines).toEqual(mxEhloLines());
    s.c.close();
  });
});

describe('HTTP on the SMTP port', () => {
  it.each(['GET / HTTP/1.1', 'POST /api/v1/messages HTTP/1.0', 'OPTIONS /x HTTP/1.1', 'get /index.html HTTP/1.1'])(
    '%s → 421 4.7.0 HTTP requests are not allowed, closes',
    async (line) => {
      const s = await open(bouncer);
      s.c.write(`${line}\r\nHost: localhost:1025\r\n\r\n`);
      expect((await s.c.reply()).lines).toEqual([`421 4.7.0 HTTP requests are not allowed on an SMTP port, closing connection. ${s.id} - gsmtp`]);
      expect(await s.c.waitClosed()).toBe(true);
      await expectServerStillServes();
    },
  );

  it('also after EHLO', async () => {
    const s = await open(bouncer);
    expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
    expect((await s.c.command('GET / HTTP/1.1')).lines).toEqual([`421 4.7.0 HTTP requests are not allowed on an SMTP port, closing connection. ${s.id} - gsmtp`]);
    expect(await s.c.waitClosed()).toBe(true);
  });
});

describe('idle timeout (profile with idleTimeoutMs: 300)', () => {
  it('an idle client → 451 4.4.2 Timeout - closing connection. and closed', async () => {
    const s = await open(bouncer, 'idle');
    const started = Date.now();
    expect((await s.c.reply(3000)).lines).toEqual([`451 4.4.2 Timeout - closing connection. ${s.id} - gsmtp`]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(await s.c.waitClosed()).toBe(true);
    const stored = await storedSession(bouncer, s.id);
    // nothing is rejected without a rule id: the timeout leaves a decision with why and fix
    expect(stored.outcome).toBe('rejected');
    expect(stored.rejection).toEqual({ phase: 'command', ruleId: 'limits.idle-timeout', code: 451, enhanced: '4.4.2' });
    expect(stored.decisions.at(-1)?.why).toMatch(/idle timeout/);
  });

  it('a client idle in the middle of a transaction gets the same', async () => {
    const s = await open(bouncer, 'idle');
    expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
    expect((await s.c.command('MAIL FROM:<a@example.com>')).code).toBe(250);
    expect((await s.c.reply(3000)).lines).toEqual([`451 4.4.2 Timeout - closing connection. ${s.id} - gsmtp`]);
    expect(await s.c.waitClosed()).toBe(true);
  });

  it('a client that keeps talking is not timed out', async () => {
    const s = await open(bouncer, 'idle');
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await expectOpen(s);
    }
    s.c.close();
  });
});

describe('connection cap (smtp.maxConnections: 2)', () => {
  let capped: TestBouncer;
  beforeAll(async () => {
    capped = await startTestBouncer({ smtp: { maxConnections: 2 } });
  });
  afterAll(async () => capped?.stop());

  it('the third connection → 421 4.4.5 Server busy and closed; the first two still work; a slot frees on QUIT', async () => {
    const one = await open(capped);
    const two = await open(capped);
    const c3 = await RawSmtp.connect(capped.port('smtp'));
    const busy = await c3.reply();
    const id3 = sessionIdOf(busy);
    expect(busy.lines).toEqual([`421 4.4.5 Server busy, try again later. ${id3} - gsmtp`]);
    expect(await c3.waitClosed()).toBe(true);
    const refused = await storedSession(capped, id3);
    expect(refused.rejection).toEqual({ phase: 'connect', ruleId: 'limits.max-connections', code: 421, enhanced: '4.4.5' });
    expect(refused.decisions[0]?.fix).toMatch(/Retry later/);

    for (const s of [one, two]) {
      expect((await s.c.command('EHLO mail.example.com')).lines).toEqual(mxEhloLines());
      await expectOpen(s);
    }
    expect((await sendMessage(one)).last).toMatch(acceptedPattern(one.id));

    expect((await one.c.command('QUIT')).code).toBe(221);
    expect(await one.c.waitClosed()).toBe(true);
    const four = await open(capped);
    expect(four.greeting.lines).toEqual([`220 mx.google.com ESMTP ${four.id} - gsmtp`]);
    two.c.close();
    four.c.close();
  });

  it('the cap is per listener: the submission listener still has its own two slots', async () => {
    const a = await open(capped);
    const b = await open(capped);
    const sub = await open(capped, 'submission');
    expect(sub.greeting.lines).toEqual([`220 smtp.gmail.com ESMTP ${sub.id} - gsmtp`]);
    for (const s of [a, b, sub]) s.c.close();
  });
});

describe('malformed MIME', () => {
  const bodies: Array<[string, string]> = [
    [
      'a multipart with a broken boundary and invalid base64',
      [
        'From: a@example.com',
        'To: b@example.org',
        'Subject: broken',
        'Message-ID: <broken-mime@example.com>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="abc',
        '',
        '--abd',
        'Content-Type: application/pdf; name="x.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        '!!!!not base64$$$$',
        '--abc',
        'Content-Type: text/plain; charset=no-such-charset',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        '=ZZ=',
        '.',
      ].join('\r\n'),
    ],
    ['no header/body separator at all', 'just some text without headers\r\n.'],
    [
      'an unterminated nested multipart',
      'From: a@example.com\r\nMessage-ID: <nested@example.com>\r\nContent-Type: multipart/alternative; boundary=x\r\n\r\n--x\r\nContent-Type: multipart/mixed; boundary=y\r\n\r\n--y\r\n.',
    ],
    ['8-bit garbage', `From: a@example.com\r\nMessage-ID: <garbage@example.com>\r\nSubject: \x01\x02\r\n\r\n${'\u00ff'.repeat(100)}\r\n.`],
  ];

  it.each(bodies)('%s still gets a definite reply, and the next session works', async (_label, body) => {
    const s = await open(bouncer);
    expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
    const reply = await sendMessage(s, { body });
    const malformed = [`554 5.6.0 Mail message is malformed. Not accepted. ${s.id} - gsmtp`];
    // a message without any header has no Message-ID either: Gmail's RFC 5322 reply
    const noMessageId = [
      '550-5.7.1 [127.0.0.1] Messages missing a valid Message-ID header are not',
      '550-5.7.1 accepted. For more information, go to',
      '550-5.7.1  https://support.google.com/mail/?p=RfcMessageNonCompliant and review',
      `550 5.7.1 RFC 5322 specifications. ${s.id} - gsmtp`,
    ];
    if (reply.code === 250) expect(reply.last).toMatch(acceptedPattern(s.id));
    else if (reply.code === 550) expect(reply.lines).toEqual(noMessageId);
    else expect(reply.lines).toEqual(malformed);
    await expectOpen(s);
    const { items } = bouncer.store.listMessages({ sessionId: s.id });
    expect(items).toHaveLength(1);
    expect(items[0]!.status).toBe(reply.code === 250 ? 'accepted' : 'rejected');
    s.c.close();
    await expectServerStillServes();
  });
});

describe('a client that goes away', () => {
  it('in the middle of DATA: the session is stored closed, no half message is stored, the server keeps serving', async () => {
    const s = await open(bouncer);
    expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
    expect((await s.c.command('MAIL FROM:<a@example.com>')).code).toBe(250);
    expect((await s.c.command('RCPT TO:<b@example.org>')).code).toBe(250);
    expect((await s.c.command('DATA')).code).toBe(354);
    s.c.write('Subject: cut\r\n\r\nthe first half of a message\r\n');
    await new Promise((r) => setTimeout(r, 50));
    s.c.close();
    const stored = await storedSession(bouncer, s.id);
    expect(stored.outcome).toBe('no-mail');
    expect(stored.lines.at(-1)).toMatchObject({ dir: '*', text: 'connection closed' });
    expect(bouncer.store.listMessages({ sessionId: s.id }).total).toBe(0);
    await expectServerStillServes();
  });

  it('right after connecting, without a word: the session is stored as no-mail', async () => {
    const s = await open(bouncer);
    s.c.close();
    const stored = await storedSession(bouncer, s.id);
    expect(stored.outcome).toBe('no-mail');
    expect(stored.lines.map((l) => `${l.dir}: ${l.text}`)).toEqual([`S: 220 mx.google.com ESMTP ${s.id} - gsmtp`, '*: connection closed']);
  });
});

describe('server shutdown', () => {
  it('a command during the shutdown grace period → 421 4.3.2 and closed', async () => {
    const b = await startTestBouncer();
    const s = await open(b);
    expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
    const stopping = b.stop();
    await new Promise((r) => setTimeout(r, 50));
    expect((await s.c.command('NOOP')).lines).toEqual([`421 4.3.2 System not accepting network messages. ${s.id} - gsmtp`]);
    expect(await s.c.waitClosed()).toBe(true);
    await stopping;
  });

  it('an idle connection is told 421 4.3.2 when the grace period ends', async () => {
    const b = await startTestBouncer();
    const s = await open(b);
    const stopping = b.stop();
    expect((await s.c.reply(5000)).lines).toEqual([`421 4.3.2 System not accepting network messages. ${s.id} - gsmtp`]);
    expect(await s.c.waitClosed()).toBe(true);
    await stopping;
  });
});

describe('after all of this', () => {
  it('a well-behaved message still goes through', async () => {
    const s = await open(bouncer);
    expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
    expect((await sendMessage(s, { body: messageBody('final') })).last).toMatch(acceptedPattern(s.id));
    s.c.close();
  });
});
