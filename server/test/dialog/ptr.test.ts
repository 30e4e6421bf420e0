/**
 * Forward-confirmed reverse DNS at the end of DATA (Gmail's 550 5.7.25), with client addresses
 * claimed through XCLIENT and a DNS world declared in the config.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BouncerConfigInput } from '../../src/config/schema.js';
import { startTestBouncer, type TestBouncer } from '../support/bouncer.js';
import { acceptedPattern, expectOpen, messageBody, mxEhloLines, open, sendMessage, storedSession, type OpenSession } from './helpers.js';

function ptr550(ip: string, id: string): string[] {
  return [
    `550-5.7.25 [${ip}] The IP address sending this message does not have a PTR record`,
    '550-5.7.25 setup, or the corresponding forward DNS entry does not point to the sending',
    '550-5.7.25 IP. As a policy, Gmail does not accept messages from IPs with missing PTR',
    '550-5.7.25 records. For more information, go to',
    `550 5.7.25  https://support.google.com/mail/answer/81126#ip-practices ${id} - gsmtp`,
  ];
}

function ptr451(ip: string, id: string): string[] {
  return [
    `451-4.7.23 [${ip}] The IP address sending this message does not have a PTR record setup, or the`,
    `451 4.7.23 corresponding forward DNS entry does not point to the sending IP. Try again later. ${id} - gsmtp`,
  ];
}

const started: TestBouncer[] = [];
async function bouncerWith(overrides: BouncerConfigInput): Promise<TestBouncer> {
  const b = await startTestBouncer(overrides);
  started.push(b);
  return b;
}
afterAll(async () => {
  await Promise.all(started.map((b) => b.stop()));
});

/** XCLIENT ADDR=<ip>: the new greeting, then EHLO shows the claimed address and no XCLIENT. */
async function claim(s: OpenSession, ip: string): Promise<void> {
  expect((await s.c.command(`XCLIENT ADDR=${ip}`)).lines).toEqual([`220 mx.google.com ESMTP ${s.id} - gsmtp`]);
  expect((await s.c.command('EHLO mail.example.com')).lines).toEqual(mxEhloLines(ip).slice(0, -2).concat(['250 SMTPUTF8']));
}

/** The stored session and message agree that message.ptr (or another rule) refused the message. */
async function expectRefusedBy(b: TestBouncer, id: string, ruleId: string, code: number, enhanced: string, ip: string): Promise<void> {
  const { items } = b.store.listMessages({ sessionId: id });
  expect(items).toHaveLength(1);
  expect(items[0]).toMatchObject({ status: 'rejected', rejection: { phase: 'message', ruleId, code, enhanced } });
  const stored = await storedSession(b, id);
  expect(stored.outcome).toBe('rejected');
  expect(stored.rejection).toEqual({ phase: 'message', ruleId, code, enhanced });
  const decision = stored.decisions.find((d) => d.ruleId === ruleId);
  expect(decision).toBeDefined();
  expect(decision).toMatchObject({ phase: 'message', verdict: 'reject', reply: { code, enhanced, close: false } });
  expect(decision!.why).toContain(ip);
  expect(decision!.fix.length).toBeGreaterThan(10);
  expect(stored.claimedAddress ?? stored.clientAddress).toBe(ip);
}

describe('default DNS world (loopback is sender.bouncer.test)', () => {
  let b: TestBouncer;
  beforeAll(async () => {
    b = await bouncerWith({});
  });

  it('a plain loopback session passes the PTR check', async () => {
    const s = await open(b);
    expect((await s.c.command('EHLO mail.example.com')).lines).toEqual(mxEhloLines());
    expect((await sendMessage(s)).last).toMatch(acceptedPattern(s.id));
    s.c.close();
    expect((await storedSession(b, s.id)).outcome).toBe('accepted');
  });

  it('XCLIENT ADDR=203.0.113.7 (no PTR) → the 5-line 550 5.7.25 after DATA; stored rejected by message.ptr', async () => {
    const s = await open(b);
    await claim(s, '203.0.113.7');
    expect((await sendMessage(s)).lines).toEqual(ptr550('203.0.113.7', s.id));
    await expectOpen(s);
    s.c.close();
    await expectRefusedBy(b, s.id, 'message.ptr', 550, '5.7.25', '203.0.113.7');
    const stored = await storedSession(b, s.id);
    expect(stored.decisions.find((d) => d.ruleId === 'message.ptr')!.why).toBe('203.0.113.7 has no PTR record.');
  });

  it('MAIL and RCPT are still accepted: the PTR rule answers at the end of DATA, like Gmail', async () => {
    const s = await open(b);
    await claim(s, '203.0.113.7');
    expect((await s.c.command('MAIL FROM:<a@example.com>')).lines).toEqual([`250 2.1.0 OK ${s.id} - gsmtp`]);
    expect((await s.c.command('RCPT TO:<b@example.org>')).lines).toEqual([`250 2.1.5 OK ${s.id} - gsmtp`]);
    expect((await s.c.command('DATA')).lines).toEqual([`354 Go ahead ${s.id} - gsmtp`]);
    expect((await s.c.command(messageBody())).lines).toEqual(ptr550('203.0.113.7', s.id));
    s.c.close();
  });

  it('an IPv6 claim without a PTR gets the same reply with the IPv6 address', async () => {
    const s = await open(b);
    expect((await s.c.command('XCLIENT ADDR=IPv6:2001:db8::7')).lines).toEqual([`220 mx.google.com ESMTP ${s.id} - gsmtp`]);
    expect((await s.c.command('EHLO mail.example.com')).lines[0]).toBe('250-mx.google.com at your service, [2001:db8::7]');
    expect((await sendMessage(s)).lines).toEqual(ptr550('2001:db8::7', s.id));
    s.c.close();
    await expectRefusedBy(b, s.id, 'message.ptr', 550, '5.7.25', '2001:db8::7');
  });

  it('the submission profile does not check the PTR', async () => {
    const s = await open(b, 'smtps', { tls: true });
    expect((await s.c.command('XCLIENT ADDR=203.0.113.7')).lines).toEqual([`220 smtp.gmail.com ESMTP ${s.id} - gsmtp`]);
    expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
    expect((await s.c.command(`AUTH PLAIN ${Buffer.from('\0u@example.com\0p').toString('base64')}`)).lines).toEqual(['235 2.7.0 Accepted']);
    expect((await sendMessage(s)).last).toMatch(acceptedPattern(s.id));
    s.c.close();
  });
});

describe('declared DNS worlds', () => {
  it("PTR mail.example.com whose A is the client → 250 (the brief's exact world)", async () => {
    const b = await bouncerWith({ dns: { records: { '203.0.113.7': { PTR: ['mail.example.com'] }, 'mail.example.com': { A: ['203.0.113.7'] } } } });
    const s = await open(b);
    await claim(s, '203.0.113.7');
    expect((await sendMessage(s)).last).toMatch(acceptedPattern(s.id));
    s.c.close();
    const stored = await storedSession(b, s.id);
    expect(stored.outcome).toBe('accepted');
    expect(stored.rejection).toBeUndefined();
    expect(b.store.listMessages({ sessionId: s.id }).items[0]!.status).toBe('accepted');
  });

  describe('one world, several claimed addresses', () => {
    let b: TestBouncer;
    beforeAll(async () => {
      b = await bouncerWith({
        dns: {
          records: {
            '203.0.113.7': { PTR: ['mail.example.com'] },
            'mail.example.com': { A: ['198.51.100.1'] },
            '203.0.113.8': { PTR: ['nowhere.example.com'] },
            '203.0.113.9': { PTR: 'SERVFAIL' },
            '203.0.113.10': { PTR: ['broken.example.com'] },
            'broken.example.com': { A: 'SERVFAIL' },
            '203.0.113.11': { PTR: ['other.example.com', 'good.example.com'] },
            'good.example.com': { A: ['203.0.113.11'] },
            '2001:db8::8': { PTR: ['v6.example.com'] },
            'v6.example.com': { AAAA: ['2001:db8::8'] },
          },
        },
      });
    });

    it.each([
      ['203.0.113.7', 'PTR present, its A points elsewhere', '203.0.113.7 has the PTR mail.example.com, but mail.example.com does not resolve back to 203.0.113.7.'],
      ['203.0.113.8', 'PTR present, its name has no A record', '203.0.113.8 has the PTR nowhere.example.com, but nowhere.example.com does not resolve back to 203.0.113.8.'],
    ])('%s (%s) → 550 5.7.25', async (ip, _label, why) => {
      const s = await open(b);
      await claim(s, ip);
      expect((await sendMessage(s)).lines).toEqual(ptr550(ip, s.id));
      s.c.close();
      await expectRefusedBy(b, s.id, 'message.ptr', 550, '5.7.25', ip);
      expect((await storedSession(b, s.id)).decisions.find((d) => d.ruleId === 'message.ptr')!.why).toBe(why);
    });

    it.each([
      ['203.0.113.9', 'the PTR lookup answers SERVFAIL'],
      ['203.0.113.10', 'the forward lookup of the PTR name answers SERVFAIL'],
    ])('%s (%s) → the 451 4.7.23 temporary variant', async (ip) => {
      const s = await open(b);
      await claim(s, ip);
      expect((await sendMessage(s)).lines).toEqual(ptr451(ip, s.id));
      await expectOpen(s);
      s.c.close();
      await expectRefusedBy(b, s.id, 'message.ptr-tempfail', 451, '4.7.23', ip);
    });

    it('one of several PTR names resolving back is enough → 250', async () => {
      const s = await open(b);
      await claim(s, '203.0.113.11');
      expect((await sendMessage(s)).last).toMatch(acceptedPattern(s.id));
      s.c.close();
    });

    it('IPv6: a PTR whose AAAA resolves back → 250', async () => {
      const s = await open(b);
      expect((await s.c.command('XCLIENT ADDR=IPv6:2001:db8::8')).code).toBe(220);
      expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
      expect((await sendMessage(s)).last).toMatch(acceptedPattern(s.id));
      s.c.close();
    });
  });

  it('dns.loopbackName: null → a plain loopback session gets 550 5.7.25 for [127.0.0.1]', async () => {
    const b = await bouncerWith({ dns: { loopbackName: null } });
    const s = await open(b);
    expect((await s.c.command('EHLO mail.example.com')).lines).toEqual(mxEhloLines());
    expect((await sendMessage(s)).lines).toEqual(ptr550('127.0.0.1', s.id));
    await expectOpen(s);
    s.c.close();
    await expectRefusedBy(b, s.id, 'message.ptr', 550, '5.7.25', '127.0.0.1');
  });

  it('a custom loopbackName is what the strict profile expects in EHLO', async () => {
    const b = await bouncerWith({
      dns: { loopbackName: 'relay.example.net' },
      listeners: [{ name: 'strict', port: 0, profile: 'strict', tls: 'none' }],
    });
    const s = await open(b, 'strict');
    expect((await s.c.command('EHLO sender.bouncer.test')).code).toBe(550);
    expect((await s.c.command('EHLO relay.example.net')).lines).toEqual(mxEhloLines());
    expect((await sendMessage(s)).last).toMatch(acceptedPattern(s.id));
    s.c.close();
  });
});
