/**
 * Command sequence on gmail-mx: out-of-order commands get Gmail's 503s and the session goes
 * on; unknown verbs get 502 until the 10th, which ends the session; RSET, NOOP, HELP, VRFY
 * and QUIT get Gmail's texts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBouncer, type TestBouncer } from '../support/bouncer.js';
import { acceptedPattern, expectOpen, messageBody, open, storedSession, type OpenSession } from './helpers.js';

let bouncer: TestBouncer;
beforeAll(async () => {
  bouncer = await startTestBouncer();
});
afterAll(async () => bouncer?.stop());

async function ehlo(s: OpenSession): Promise<void> {
  expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
}

describe('mail commands before EHLO', () => {
  it.each(['MAIL FROM:<a@example.com>', 'RCPT TO:<b@example.org>', 'DATA', 'mail from:<a@example.com>'])(
    '%s → 503 5.5.1 EHLO/HELO first., stays open',
    async (line) => {
      const s = await open(bouncer);
      expect((await s.c.command(line)).lines).toEqual([`503 5.5.1 EHLO/HELO first. ${s.id} - gsmtp`]);
      await expectOpen(s);
      s.c.close();
      const stored = await storedSession(bouncer, s.id);
      expect(stored.outcome).toBe('rejected');
      expect(stored.rejection).toEqual({ phase: 'command', ruleId: 'command.helo-first', code: 503, enhanced: '5.5.1' });
      const d = stored.decisions[0]!;
      expect(d).toMatchObject({ phase: 'command', ruleId: 'command.helo-first', verdict: 'reject' });
      expect(d.why.length).toBeGreaterThan(0);
      expect(d.fix.length).toBeGreaterThan(0);
    },
  );

  it('AUTH before EHLO on the submission listener → 503 5.5.1 EHLO/HELO first.', async () => {
    const s = await open(bouncer, 'submission');
    expect((await s.c.command('AUTH PLAIN AGFAYg==')).lines).toEqual([`503 5.5.1 EHLO/HELO first. ${s.id} - gsmtp`]);
    expect((await s.c.command('NOOP')).lines).toEqual([`250 2.0.0 OK ${s.id} - gsmtp`]);
    s.c.close();
    const stored = await storedSession(bouncer, s.id);
    expect(stored.rejection).toEqual({ phase: 'command', ruleId: 'command.helo-first', code: 503, enhanced: '5.5.1' });
  });

  it('after the 503 the client can still EHLO and send a message', async () => {
    const s = await open(bouncer);
    expect((await s.c.command('MAIL FROM:<a@example.com>')).lines).toEqual([`503 5.5.1 EHLO/HELO first. ${s.id} - gsmtp`]);
    await ehlo(s);
    expect((await s.c.command('MAIL FROM:<a@example.com>')).lines).toEqual([`250 2.1.0 OK ${s.id} - gsmtp`]);
    expect((await s.c.command('RCPT TO:<b@example.org>')).lines).toEqual([`250 2.1.5 OK ${s.id} - gsmtp`]);
    expect((await s.c.command('DATA')).lines).toEqual([`354 Go ahead ${s.id} - gsmtp`]);
    expect((await s.c.command(messageBody())).last).toMatch(acceptedPattern(s.id));
    expect((await s.c.command('QUIT')).lines).toEqual([`221 2.0.0 closing connection ${s.id} - gsmtp`]);
    expect(await s.c.waitClosed()).toBe(true);
    const stored = await storedSession(bouncer, s.id);
    expect(stored.outcome).toBe('accepted');
  });
});

describe('transaction order', () => {
  it('RCPT before MAIL → 503 5.5.1 MAIL first., stays open', async () => {
    const s = await open(bouncer);
    await ehlo(s);
    expect((await s.c.command('RCPT TO:<b@example.org>')).lines).toEqual([`503 5.5.1 MAIL first. ${s.id} - gsmtp`]);
    await expectOpen(s);
    s.c.close();
    const stored = await storedSession(bouncer, s.id);
    expect(stored.rejection).toEqual({ phase: 'command', ruleId: 'command.mail-first', code: 503, enhanced: '5.5.1' });
  });

  it.each([
    ['right after EHLO', [] as string[]],
    ['after MAIL without RCPT', ['MAIL FROM:<a@example.com>']],
    ['after MAIL and a refused RCPT', ['MAIL FROM:<a@example.com>', 'RCPT TO:<>']],
  ])('DATA %s → 503 5.5.1 RCPT first., stays open', async (_label, before) => {
    const s = await open(bouncer);
    await ehlo(s);
    for (const line of before) await s.c.command(line);
    expect((await s.c.command('DATA')).lines).toEqual([`503 5.5.1 RCPT first. ${s.id} - gsmtp`]);
    await expectOpen(s);
    s.c.close();
    const stored = await storedSession(bouncer, s.id);
    expect(stored.rejection).toEqual({ phase: 'command', ruleId: 'command.rcpt-first', code: 503, enhanced: '5.5.1' });
  });

  it('a nested MAIL → 503 5.5.1 Bad sequence of commands.', async () => {
    const s = await open(bouncer);
    await ehlo(s);
    expect((await s.c.command('MAIL FROM:<a@example.com>')).lines).toEqual([`250 2.1.0 OK ${s.id} - gsmtp`]);
    expect((await s.c.command('MAIL FROM:<a@example.com>')).lines).toEqual([`503 5.5.1 Bad sequence of commands. ${s.id} - gsmtp`]);
    await expectOpen(s);
    s.c.close();
  });

  it('RSET → 250 2.1.5 Flushed and ends the transaction', async () => {
    const s = await open(bouncer);
    await ehlo(s);
    expect((await s.c.command('MAIL FROM:<a@example.com>')).lines).toEqual([`250 2.1.0 OK ${s.id} - gsmtp`]);
    expect((await s.c.command('RSET')).lines).toEqual([`250 2.1.5 Flushed ${s.id} - gsmtp`]);
    expect((await s.c.command('RCPT TO:<b@example.org>')).lines).toEqual([`503 5.5.1 MAIL first. ${s.id} - gsmtp`]);
    s.c.close();
  });

  it('RSET before EHLO is allowed', async () => {
    const s = await open(bouncer);
    expect((await s.c.command('RSET')).lines).toEqual([`250 2.1.5 Flushed ${s.id} - gsmtp`]);
    s.c.close();
  });

  it('pipelined commands are answered in order', async () => {
    const s = await open(bouncer);
    await ehlo(s);
    s.c.write('MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.org>\r\nRCPT TO:<c@example.org>\r\nDATA\r\n');
    expect((await s.c.reply()).lines).toEqual([`250 2.1.0 OK ${s.id} - gsmtp`]);
    expect((await s.c.reply()).lines).toEqual([`250 2.1.5 OK ${s.id} - gsmtp`]);
    expect((await s.c.reply()).lines).toEqual([`250 2.1.5 OK ${s.id} - gsmtp`]);
    expect((await s.c.reply()).lines).toEqual([`354 Go ahead ${s.id} - gsmtp`]);
    expect((await s.c.command(messageBody())).last).toMatch(acceptedPattern(s.id));
    s.c.close();
  });
});

describe('simple commands', () => {
  it('NOOP → 250 2.0.0 OK, before and after EHLO', async () => {
    const s = await open(bouncer);
    await expectOpen(s);
    await ehlo(s);
    await expectOpen(s);
    s.c.close();
  });

  it('HELP → 214 2.0.0 with the RFC 5321 link', async () => {
    const s = await open(bouncer);
    expect((await s.c.command('HELP')).lines).toEqual([`214 2.0.0 https://www.google.com/search?btnI&q=RFC+5321 ${s.id} - gsmtp`]);
    s.c.close();
  });

  it("VRFY <address> → 252 2.1.5 Send some mail, I'll try my best", async () => {
    const s = await open(bouncer);
    await ehlo(s);
    expect((await s.c.command('VRFY alice@example.com')).lines).toEqual([`252 2.1.5 Send some mail, I'll try my best ${s.id} - gsmtp`]);
    expect((await s.c.command('VRFY')).lines).toEqual([`501 5.5.4 Invalid argument. ${s.id} - gsmtp`]);
    s.c.close();
  });

  it('QUIT → 221 2.0.0 closing connection, closed; the session is stored as no-mail', async () => {
    const s = await open(bouncer);
    await ehlo(s);
    expect((await s.c.command('QUIT')).lines).toEqual([`221 2.0.0 closing connection ${s.id} - gsmtp`]);
    expect(await s.c.waitClosed()).toBe(true);
    const stored = await storedSession(bouncer, s.id);
    expect(stored.outcome).toBe('no-mail');
    expect(stored.rejection).toBeUndefined();
    expect(stored.lines.map((l) => `${l.dir}: ${l.text}`)).toEqual([
      `S: 220 mx.google.com ESMTP ${s.id} - gsmtp`,
      'C: EHLO mail.example.com',
      ...[
        '250-mx.google.com at your service, [127.0.0.1]',
        '250-SIZE 157286400',
        '250-8BITMIME',
        '250-ENHANCEDSTATUSCODES',
        '250-PIPELINING',
        '250-SMTPUTF8',
        '250 XCLIENT NAME ADDR PORT PROTO HELO LOGIN',
      ].map((l) => `S: ${l}`),
      'C: QUIT',
      `S: 221 2.0.0 closing connection ${s.id} - gsmtp`,
      '*: connection closed',
    ]);
  });

  it('QUIT before EHLO also closes', async () => {
    const s = await open(bouncer);
    expect((await s.c.command('QUIT')).lines).toEqual([`221 2.0.0 closing connection ${s.id} - gsmtp`]);
    expect(await s.c.waitClosed()).toBe(true);
  });
});

describe('unknown and unimplemented verbs', () => {
  it.each(['FOO', 'XYZZY bar', 'MAILFROM:<a@example.com>', 'WIZ secret', 'SHELL', 'KILL', 'XFORWARD ADDR=1.2.3.4', 'LHLO mail.example.com'])(
    '%s → 502 5.5.1 Unrecognized command., stays open',
    async (line) => {
      const s = await open(bouncer);
      await ehlo(s);
      expect((await s.c.command(line)).lines).toEqual([`502 5.5.1 Unrecognized command. ${s.id} - gsmtp`]);
      await expectOpen(s);
      s.c.close();
      const stored = await storedSession(bouncer, s.id);
      expect(stored.rejection).toEqual({ phase: 'command', ruleId: 'command.unrecognized', code: 502, enhanced: '5.5.1' });
    },
  );

  it('unknown verbs before EHLO get the same 502', async () => {
    const s = await open(bouncer);
    expect((await s.c.command('FOO')).lines).toEqual([`502 5.5.1 Unrecognized command. ${s.id} - gsmtp`]);
    await expectOpen(s);
    s.c.close();
  });

  it('the 9th unknown verb still gets 502 and the session stays open', async () => {
    const s = await open(bouncer);
    for (let i = 1; i <= 9; i++) {
      expect((await s.c.command(`FOO${i}`)).lines).toEqual([`502 5.5.1 Unrecognized command. ${s.id} - gsmtp`]);
    }
    await expectOpen(s);
    s.c.close();
  });

  it('the 10th unknown verb → 502 5.5.1 Too many unrecognized commands, goodbye. and closes', async () => {
    const s = await open(bouncer);
    await ehlo(s);
    for (let i = 1; i <= 9; i++) {
      expect((await s.c.command(`FOO${i}`)).lines).toEqual([`502 5.5.1 Unrecognized command. ${s.id} - gsmtp`]);
    }
    expect((await s.c.command('FOO10')).lines).toEqual([`502 5.5.1 Too many unrecognized commands, goodbye. ${s.id} - gsmtp`]);
    expect(await s.c.waitClosed()).toBe(true);
    const stored = await storedSession(bouncer, s.id);
    expect(stored.outcome).toBe('rejected');
    expect(stored.rejection).toEqual({ phase: 'command', ruleId: 'command.too-many-unrecognized', code: 502, enhanced: '5.5.1' });
    expect(stored.decisions.map((d) => d.ruleId)).toEqual([...Array(9).fill('command.unrecognized'), 'command.too-many-unrecognized']);
  });

  it('known commands in between do not reset the count', async () => {
    const s = await open(bouncer);
    for (let i = 1; i <= 9; i++) {
      await s.c.command(`FOO${i}`);
      await expectOpen(s);
    }
    expect((await s.c.command('FOO10')).lines).toEqual([`502 5.5.1 Too many unrecognized commands, goodbye. ${s.id} - gsmtp`]);
    expect(await s.c.waitClosed()).toBe(true);
  });
});

