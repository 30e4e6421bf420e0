/**
 * EHLO/HELO on a real listener: empty, invalid and non-fully-qualified names are refused with
 * the profile's reply and the connection closes; good names get Gmail's EHLO reply. The strict
 * profile adds "EHLO, not HELO" and "the EHLO name is the client's PTR name".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBouncer, type TestBouncer } from '../support/bouncer.js';
import { HELO_FALLBACK_MS } from '../../src/smtp/connection.js';
import { SESSION_ID_PATTERN } from '../../src/smtp/session-id.js';
import { expectOpen, mxEhloLines, open, storedSession, TEST_LISTENERS } from './helpers.js';

let bouncer: TestBouncer;
beforeAll(async () => {
  bouncer = await startTestBouncer({ listeners: [...TEST_LISTENERS, { name: 'strict', port: 0, profile: 'strict', tls: 'none' }] });
});
afterAll(async () => bouncer?.stop());

describe('greeting', () => {
  it('greets like mx.google.com with a Gmail-shaped session id', async () => {
    const s = await open(bouncer);
    expect(s.greeting.lines).toEqual([`220 mx.google.com ESMTP ${s.id} - gsmtp`]);
    expect(s.id).toMatch(SESSION_ID_PATTERN);
    s.c.close();
  });
});

describe('empty EHLO/HELO argument', () => {
  it.each(['EHLO', 'HELO', 'EHLO   ', 'helo'])('%j → 501 5.5.4 and the connection closes', async (line) => {
    const s = await open(bouncer);
    expect((await s.c.command(line)).lines).toEqual([
      '501-5.5.4 Empty HELO/EHLO argument not allowed, closing connection.',
      `501 5.5.4  https://support.google.com/mail/?p=helo ${s.id} - gsmtp`,
    ]);
    expect(await s.c.waitClosed()).toBe(true);
    const stored = await storedSession(bouncer, s.id);
    expect(stored.outcome).toBe('rejected');
    expect(stored.rejection).toEqual({ phase: 'helo', ruleId: 'helo.empty', code: 501, enhanced: '5.5.4' });
  });
});

describe('EHLO argument that is neither a domain nor an address literal', () => {
  it.each([
    ['EHLO', 'bad_host!'],
    ['EHLO', 'a b'],
    ['EHLO', '[999.1.1.1]'],
    ['EHLO', '[IPv6:not-an-address]'],
    ['EHLO', 'exa mple.com'],
    ['HELO', 'bad_host!'],
    ['EHLO', '-leading-hyphen.example.com'],
  ])('%s %s → 501 5.5.4 naming the argument, closes', async (verb, arg) => {
    const s = await open(bouncer);
    expect((await s.c.command(`${verb} ${arg}`)).lines).toEqual([
      `501-5.5.4 HELO/EHLO argument "${arg}" invalid, closing connection.`,
      `501 5.5.4  https://support.google.com/mail/?p=helo ${s.id} - gsmtp`,
    ]);
    expect(await s.c.waitClosed()).toBe(true);
    const stored = await storedSession(bouncer, s.id);
    expect(stored.outcome).toBe('rejected');
    expect(stored.rejection).toEqual({ phase: 'helo', ruleId: 'helo.invalid', code: 501, enhanced: '5.5.4' });
  });
});

describe('names that are not fully qualified', () => {
  const names = [
    'localhost',
    'localhost.localdomain',
    'myserver',
    '3f4e5a6b7c8d',
    '192.0.2.1',
    '[127.0.0.1]',
    '[10.1.2.3]',
    '[192.168.1.1]',
    '[IPv6:::1]',
  ];
  const cases = names.flatMap((name) => [['EHLO', name] as const, ['HELO', name] as const]);

  it.each(cases)('%s %s → 504 5.5.2 need fully-qualified hostname, closes', async (verb, name) => {
    const s = await open(bouncer);
    expect((await s.c.command(`${verb} ${name}`)).lines).toEqual([`504 5.5.2 <${name}>: Helo command rejected: need fully-qualified hostname`]);
    expect(await s.c.waitClosed()).toBe(true);
    const stored = await storedSession(bouncer, s.id);
    expect(stored.outcome).toBe('rejected');
    expect(stored.rejection).toEqual({ phase: 'helo', ruleId: 'helo.non-fqdn', code: 504, enhanced: '5.5.2' });
    const decision = stored.decisions.find((d) => d.ruleId === 'helo.non-fqdn');
    expect(decision).toMatchObject({ phase: 'helo', verdict: 'reject', reply: { code: 504, enhanced: '5.5.2', close: true } });
    expect(decision!.why).toContain(name);
    expect(decision!.fix.length).toBeGreaterThan(0);
    expect(stored.lines.filter((l) => l.dir === 'C').map((l) => l.text)).toEqual([`${verb} ${name}`]);
    expect(stored.lines.at(-1)).toMatchObject({ dir: '*', text: 'connection closed' });
  });
});

describe('after a closing EHLO rejection the connection waits briefly for the HELO fallback', () => {
  const fallback = HELO_FALLBACK_MS;

  it('silence: the connection closes after the wait', async () => {
    const s = await open(bouncer);
    const sent = Date.now();
    expect((await s.c.command('EHLO localhost')).lines).toEqual(['504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname']);
    expect(await s.c.waitClosed(fallback + 2000)).toBe(true);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(fallback - 50);
  });

  it.each([
    ['localhost', ['504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname']],
    ['mail.example.com', ['250 mx.google.com at your service']],
  ])('HELO %s as the fallback gets its own reply, then the connection closes', async (name, reply) => {
    const s = await open(bouncer);
    expect((await s.c.command('EHLO localhost')).code).toBe(504);
    expect((await s.c.command(`HELO ${name}`)).lines).toEqual(reply);
    expect(await s.c.waitClosed(fallback)).toBe(true);
    const stored = await storedSession(bouncer, s.id);
    expect(stored.lines.filter((l) => l.dir === 'C').map((l) => l.text)).toEqual(['EHLO localhost', `HELO ${name}`]);
  });

  it('anything else than HELO closes the connection at once, unanswered', async () => {
    const s = await open(bouncer);
    expect((await s.c.command('EHLO')).code).toBe(501);
    s.c.write('MAIL FROM:<a@example.com>\r\n');
    expect(await s.c.waitClosed(fallback)).toBe(true);
    await expect(s.c.reply(10)).rejects.toThrow(/connection closed; unread: ""/);
  });

  it('a closing HELO rejection closes at once (no second fallback)', async () => {
    const s = await open(bouncer);
    const sent = Date.now();
    expect((await s.c.command('HELO localhost')).code).toBe(504);
    expect(await s.c.waitClosed(fallback)).toBe(true);
    expect(Date.now() - sent).toBeLessThan(fallback);
  });
});

describe('accepted names', () => {
  it.each(['mail.example.com', '[203.0.113.7]', 'MAIL.Example.COM', 'mail.example.com.', 'smtp-1.mail_relay.example.co.uk'])(
    'EHLO %s → the exact gmail-mx EHLO reply (no CHUNKING), stays open',
    async (name) => {
      const s = await open(bouncer);
      const reply = await s.c.command(`EHLO ${name}`);
      expect(reply.lines).toEqual(mxEhloLines());
      expect(reply.lines.join('\n')).not.toContain('CHUNKING');
      await expectOpen(s);
      expect((await s.c.command('QUIT')).lines).toEqual([`221 2.0.0 closing connection ${s.id} - gsmtp`]);
      expect(await s.c.waitClosed()).toBe(true);
      const stored = await storedSession(bouncer, s.id);
      expect(stored.outcome).toBe('no-mail');
      expect(stored.rejection).toBeUndefined();
      expect(stored.heloVerb).toBe('EHLO');
      expect(stored.heloName).toBe(name.toLowerCase());
    },
  );

  it.each(['mail.example.com', '[203.0.113.7]'])('HELO %s → 250 mx.google.com at your service', async (name) => {
    const s = await open(bouncer);
    expect((await s.c.command(`HELO ${name}`)).lines).toEqual(['250 mx.google.com at your service']);
    await expectOpen(s);
    s.c.close();
    const stored = await storedSession(bouncer, s.id);
    expect(stored.heloVerb).toBe('HELO');
    expect(stored.rejection).toBeUndefined();
  });

  it('a second EHLO in the same session gets the same reply', async () => {
    const s = await open(bouncer);
    expect((await s.c.command('EHLO mail.example.com')).lines).toEqual(mxEhloLines());
    expect((await s.c.command('EHLO other.example.com')).lines).toEqual(mxEhloLines());
    s.c.close();
  });
});

describe('strict profile', () => {
  it('HELO is refused with "Please use EHLO." and the session stays open', async () => {
    const s = await open(bouncer, 'strict');
    expect(s.greeting.lines).toEqual([`220 mx.google.com ESMTP ${s.id} - gsmtp`]);
    expect((await s.c.command('HELO mail.example.com')).lines).toEqual([`502 5.5.1 Please use EHLO. ${s.id} - gsmtp`]);
    await expectOpen(s);
    // HELO was not accepted, so mail commands are still out of sequence
    expect((await s.c.command('MAIL FROM:<a@example.com>')).lines).toEqual([`503 5.5.1 EHLO/HELO first. ${s.id} - gsmtp`]);
    s.c.close();
    const stored = await storedSession(bouncer, s.id);
    expect(stored.decisions.map((d) => d.ruleId)).toEqual(['helo.require-ehlo', 'command.helo-first']);
    expect(stored.rejection).toEqual({ phase: 'command', ruleId: 'command.helo-first', code: 503, enhanced: '5.5.1' });
  });

  it('EHLO with a name that is not the PTR of 127.0.0.1 → 550 5.7.1 not authorized', async () => {
    const s = await open(bouncer, 'strict');
    expect((await s.c.command('EHLO mail.example.com')).lines).toEqual([
      "550-5.7.1 [127.0.0.1] The IP you're using to send mail is not authorized to send email directly to our servers.",
      '550-5.7.1 Please use the SMTP relay at your service provider instead. For more information, go to',
      `550 5.7.1  https://support.google.com/mail/?p=NotAuthorizedError ${s.id} - gsmtp`,
    ]);
    await expectOpen(s);
    s.c.close();
    const stored = await storedSession(bouncer, s.id);
    expect(stored.rejection).toEqual({ phase: 'helo', ruleId: 'helo.match-ptr', code: 550, enhanced: '5.7.1' });
    const decision = stored.decisions.find((d) => d.ruleId === 'helo.match-ptr')!;
    expect(decision.why).toContain('sender.bouncer.test');
  });

  it('EHLO with the PTR name sender.bouncer.test is accepted', async () => {
    const s = await open(bouncer, 'strict');
    expect((await s.c.command('EHLO sender.bouncer.test')).lines).toEqual(mxEhloLines());
    await expectOpen(s);
    s.c.close();
    const stored = await storedSession(bouncer, s.id);
    expect(stored.rejection).toBeUndefined();
    expect(stored.decisions).toEqual([]);
  });

  it('still refuses a non-FQDN name first (504), before the PTR check', async () => {
    const s = await open(bouncer, 'strict');
    expect((await s.c.command('EHLO localhost')).lines).toEqual(['504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname']);
    expect(await s.c.waitClosed()).toBe(true);
  });
});
