/**
 * Recipients against the mailboxes declared in the config: unknown local parts of a declared
 * domain get Gmail's 550 5.1.1; +tags and case do not matter; undeclared domains take anyone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBouncer, type TestBouncer } from '../support/bouncer.js';
import { acceptedPattern, expectOpen, messageBody, open, plainToken, startTls, storedSession, type OpenSession } from './helpers.js';

let bouncer: TestBouncer;
beforeAll(async () => {
  bouncer = await startTestBouncer({ mailboxes: { 'example.com': ['alice'], 'Example.NET': ['Carol.Smith'] } });
});
afterAll(async () => bouncer?.stop());

const noSuchUser = (id: string) => [
  '550-5.1.1 The email account that you tried to reach does not exist. Please try',
  "550-5.1.1 double-checking the recipient's email address for typos or",
  '550-5.1.1 unnecessary spaces. Learn more at',
  `550 5.1.1  https://support.google.com/mail/?p=NoSuchUser ${id} - gsmtp`,
];

async function inTransaction(): Promise<OpenSession> {
  const s = await open(bouncer);
  expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
  expect((await s.c.command('MAIL FROM:<sender@example.org>')).lines).toEqual([`250 2.1.0 OK ${s.id} - gsmtp`]);
  return s;
}

describe('declared domain example.com: [alice]', () => {
  it.each(['bob@example.com', 'alice2@example.com', 'bob@EXAMPLE.COM', 'ali@example.com'])('RCPT TO:<%s> → the 4-line 550 5.1.1, stays open', async (address) => {
    const s = await inTransaction();
    expect((await s.c.command(`RCPT TO:<${address}>`)).lines).toEqual(noSuchUser(s.id));
    await expectOpen(s);
    s.c.close();
    const stored = await storedSession(bouncer, s.id);
    expect(stored.outcome).toBe('rejected');
    expect(stored.rejection).toEqual({ phase: 'rcpt', ruleId: 'rcpt.no-such-user', code: 550, enhanced: '5.1.1' });
    expect(stored.decisions[0]!.why).toContain(address);
  });

  it.each(['alice@example.com', 'alice+tag@example.com', 'ALICE@example.com', 'alice@EXAMPLE.com', 'alice+a+b@example.com'])('RCPT TO:<%s> → 250', async (address) => {
    const s = await inTransaction();
    expect((await s.c.command(`RCPT TO:<${address}>`)).lines).toEqual([`250 2.1.5 OK ${s.id} - gsmtp`]);
    s.c.close();
  });

  it.each(['carol.smith@example.net', 'CAROL.SMITH+x@example.net'])('a declared domain written in mixed case in the config: %s → 250', async (address) => {
    const s = await inTransaction();
    expect((await s.c.command(`RCPT TO:<${address}>`)).lines).toEqual([`250 2.1.5 OK ${s.id} - gsmtp`]);
    expect((await s.c.command('RCPT TO:<dave@example.net>')).lines).toEqual(noSuchUser(s.id));
    s.c.close();
  });
});

describe('undeclared domains', () => {
  it.each(['any@undeclared.org', 'bob@sub.example.com', 'postmaster@example.org'])('RCPT TO:<%s> → 250', async (address) => {
    const s = await inTransaction();
    expect((await s.c.command(`RCPT TO:<${address}>`)).lines).toEqual([`250 2.1.5 OK ${s.id} - gsmtp`]);
    s.c.close();
  });
});

describe('mixed recipients in one transaction', () => {
  it('the refused one is left out; the message goes to the accepted ones', async () => {
    const s = await inTransaction();
    expect((await s.c.command('RCPT TO:<alice@example.com>')).lines).toEqual([`250 2.1.5 OK ${s.id} - gsmtp`]);
    expect((await s.c.command('RCPT TO:<bob@example.com>')).lines).toEqual(noSuchUser(s.id));
    expect((await s.c.command('RCPT TO:<any@undeclared.org>')).lines).toEqual([`250 2.1.5 OK ${s.id} - gsmtp`]);
    expect((await s.c.command('DATA')).lines).toEqual([`354 Go ahead ${s.id} - gsmtp`]);
    expect((await s.c.command(messageBody())).last).toMatch(acceptedPattern(s.id));
    const [msg] = bouncer.store.listMessages({ sessionId: s.id }).items;
    expect(msg!.rcptTo).toEqual(['alice@example.com', 'any@undeclared.org']);
    expect(msg!.status).toBe('accepted');
    s.c.close();
    const stored = await storedSession(bouncer, s.id);
    // a delivered message makes the session accepted even though one recipient was refused
    expect(stored.outcome).toBe('accepted');
    expect(stored.decisions.map((d) => d.ruleId)).toEqual(['rcpt.no-such-user']);
  });

  it('only refused recipients: DATA → 503 5.5.1 RCPT first.', async () => {
    const s = await inTransaction();
    expect((await s.c.command('RCPT TO:<bob@example.com>')).lines).toEqual(noSuchUser(s.id));
    expect((await s.c.command('DATA')).lines).toEqual([`503 5.5.1 RCPT first. ${s.id} - gsmtp`]);
    s.c.close();
  });
});

describe('submission relays to anyone', () => {
  it('bob@example.com is accepted on the submission listener (rcpt.no-such-user is disabled there)', async () => {
    const s = await open(bouncer, 'submission');
    await startTls(s);
    expect((await s.c.command(`AUTH PLAIN ${plainToken('u@example.org', 'p')}`)).code).toBe(235);
    expect((await s.c.command('MAIL FROM:<u@example.org>')).code).toBe(250);
    expect((await s.c.command('RCPT TO:<bob@example.com>')).lines).toEqual([`250 2.1.5 OK ${s.id} - gsmtp`]);
    s.c.close();
  });
});
