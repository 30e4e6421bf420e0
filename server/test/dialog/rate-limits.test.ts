/**
 * Rate limits on a real server with a fake clock: counts come from accepted messages, time
 * moves when the test says so (no sleeps). Small limits come from profiles that extend the
 * built-in ones, as a user would write them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBouncer, type TestBouncer } from '../support/bouncer.js';
import { acceptedPattern, expectOpen, messageBody, open, plainToken, sendMessage, storedSession, tempProfileDir, TEST_LISTENERS, type OpenSession } from './helpers.js';

/** The fake clock: epoch milliseconds the test advances. */
const clock = { t: Date.parse('2026-03-02T09:00:00Z'), now: () => clock.t, advance: (ms: number) => (clock.t += ms) };

const PROFILES = tempProfileDir({
  'tight-mx': `
name: tight-mx
extends: gmail-mx
description: gmail-mx with small unusual-rate limits, for tests.
rules:
  message:
    - id: message.duplicate-message-id
      description: "G26: 421 4.7.28; 2 a day here."
      params: { windows: [{ limit: 2, seconds: 86400 }] }
      reply: { code: 421, enhanced: 4.7.28, text: ["Gmail has detected this sender exceeded the quota for sending messages that", "have the same Message-ID:. To best protect our users, the message has been", "temporarily rejected. {sessionId} - gsmtp"], close: true }
    - id: message.sender-rate
      description: "purelymail-issues#354: 3 an hour here."
      params: { windows: [{ limit: 3, seconds: 3600 }] }
      reply:
        code: 421
        enhanced: 4.7.28
        text:
          - "Gmail has detected an unusual rate of mail originating from your SPF"
          - "domain [{domain}]. To protect our users from"
          - "spam, mail sent from your domain has been temporarily rate limited."
          - "For more information, go to"
          - " https://support.google.com/mail/?p=UnsolicitedRateLimitError to"
          - "review our Bulk Email Senders Guidelines. {sessionId} - gsmtp"
        close: true
    - id: message.ip-rate
      description: "mail-in-a-box/mailinabox#1771: 5 a minute here."
      params: { windows: [{ limit: 5, seconds: 60 }] }
      reply:
        code: 421
        enhanced: 4.7.28
        text:
          - "[{ip}] Our system has detected an unusual rate of"
          - "unsolicited mail originating from your IP address. To protect our"
          - "users from spam, mail sent from your IP address has been temporarily"
          - "rate limited. Please visit"
          - " https://support.google.com/mail/?p=UnsolicitedRateLimitError to"
          - "review our Bulk Email Senders Guidelines. {sessionId} - gsmtp"
        close: true
`,
  'tight-submission': `
name: tight-submission
extends: gmail-submission
description: gmail-submission with a daily limit of 3, for tests.
rules:
  mail:
    - id: mail.daily-limit
      description: "LIM: 550 5.4.5; 3 a day here."
      params: { windows: [{ limit: 3, seconds: 86400 }] }
      reply: { code: 550, enhanced: 5.4.5, text: ["Daily user sending limit exceeded. For more information on Gmail sending limits go to", " https://support.google.com/a/answer/166852 {sessionId} - gsmtp"] }
`,
});

let b: TestBouncer;
beforeAll(async () => {
  b = await startTestBouncer(
    {
      profileDirs: [PROFILES],
      listeners: [...TEST_LISTENERS, { name: 'tight', port: 0, profile: 'tight-mx', tls: 'none' }, { name: 'tight-sub', port: 0, profile: 'tight-submission', tls: 'implicit' }],
      dns: { records: { '203.0.113.50': { PTR: ['mx.sender.example'] }, 'mx.sender.example': { A: ['203.0.113.50'] } } },
    },
    { now: clock.now },
  );
});
afterAll(async () => b?.stop());

const rate450 = (id: string) => [
  '450-4.2.1 The user you are trying to contact is receiving email too quickly. Please',
  '450-4.2.1 resend your message at a later time. If the user is able to receive email at',
  `450 4.2.1 that time, your message will be delivered. ${id} - gsmtp`,
];

async function ehlo(s: OpenSession): Promise<void> {
  expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
}

describe('receiving rate per recipient (gmail-mx: 60 a minute, 450 4.2.1 at RCPT)', () => {
  it('the 61st message within a minute is deferred at RCPT; a minute later it goes through', async () => {
    const s = await open(b);
    await ehlo(s);
    for (let i = 0; i < 60; i++) {
      expect((await sendMessage(s, { to: 'busy@gmail.com', body: messageBody(`n${i}`) })).last).toMatch(acceptedPattern(s.id));
      clock.advance(500); // 60 messages over 30 s
    }
    expect((await s.c.command('MAIL FROM:<alice@example.com>')).code).toBe(250);
    expect((await s.c.command('RCPT TO:<Busy@gmail.com>')).lines).toEqual(rate450(s.id));
    // another recipient is not affected
    expect((await s.c.command('RCPT TO:<calm@gmail.com>')).lines).toEqual([`250 2.1.5 OK ${s.id} - gsmtp`]);
    expect((await s.c.command('RSET')).code).toBe(250);
    clock.advance(30_001); // the first message is now more than 60 s old
    expect((await sendMessage(s, { to: 'busy@gmail.com' })).last).toMatch(acceptedPattern(s.id));
    s.c.close();
    const stored = await storedSession(b, s.id);
    const decision = stored.decisions.find((d) => d.ruleId === 'rcpt.receiving-rate')!;
    expect(decision).toMatchObject({ phase: 'rcpt', verdict: 'reject', reply: { code: 450, enhanced: '4.2.1', close: false } });
    expect(decision.why).toBe('Busy@gmail.com already received 60 messages in the last 1 minute; Gmail accepts 60 per 1 minute for one account.');
  });

  it('refused messages are not counted', async () => {
    const s = await open(b);
    await ehlo(s);
    for (let i = 0; i < 70; i++) {
      // no Message-ID: 550 5.7.1 each time, nothing counted
      expect((await sendMessage(s, { to: 'refused@gmail.com', body: 'From: a@example.com\r\nSubject: x\r\n\r\nx\r\n.' })).code).toBe(550);
    }
    expect((await sendMessage(s, { to: 'refused@gmail.com' })).last).toMatch(acceptedPattern(s.id));
    s.c.close();
  });
});

describe('unusual rates (421 4.7.28, closing) with a profile’s small limits', () => {
  it('the same Message-ID a third time in a day', async () => {
    // one RateLimiter serves every listener: let the loopback messages above leave the 1-minute IP window
    clock.advance(120_000);
    const body = messageBody('same id');
    for (let i = 0; i < 2; i++) {
      const s = await open(b, 'tight');
      await ehlo(s);
      expect((await sendMessage(s, { from: `dup${i}@dup.example`, to: `r${i}@gmail.com`, body })).last).toMatch(acceptedPattern(s.id));
      s.c.close();
    }
    clock.advance(23 * 3600_000);
    const s = await open(b, 'tight');
    await ehlo(s);
    expect((await sendMessage(s, { from: 'dup9@dup.example', to: 'r9@gmail.com', body })).lines).toEqual([
      '421-4.7.28 Gmail has detected this sender exceeded the quota for sending messages that',
      '421-4.7.28 have the same Message-ID:. To best protect our users, the message has been',
      `421 4.7.28 temporarily rejected. ${s.id} - gsmtp`,
    ]);
    expect(await s.c.waitClosed()).toBe(true);
    expect((await storedSession(b, s.id)).rejection).toEqual({ phase: 'message', ruleId: 'message.duplicate-message-id', code: 421, enhanced: '4.7.28' });
  });

  it('a fourth message in an hour from one SPF domain; an hour later it passes', async () => {
    for (let i = 0; i < 3; i++) {
      const s = await open(b, 'tight');
      await ehlo(s);
      expect((await sendMessage(s, { from: `user${i}@burst.example`, to: `x${i}@gmail.com` })).last).toMatch(acceptedPattern(s.id));
      s.c.close();
      clock.advance(1000);
    }
    const s = await open(b, 'tight');
    await ehlo(s);
    expect((await sendMessage(s, { from: 'other@BURST.example', to: 'y@gmail.com' })).lines).toEqual([
      '421-4.7.28 Gmail has detected an unusual rate of mail originating from your SPF',
      '421-4.7.28 domain [burst.example]. To protect our users from',
      '421-4.7.28 spam, mail sent from your domain has been temporarily rate limited.',
      '421-4.7.28 For more information, go to',
      '421-4.7.28  https://support.google.com/mail/?p=UnsolicitedRateLimitError to',
      `421 4.7.28 review our Bulk Email Senders Guidelines. ${s.id} - gsmtp`,
    ]);
    expect(await s.c.waitClosed()).toBe(true);
    clock.advance(3600_000);
    const later = await open(b, 'tight');
    await ehlo(later);
    expect((await sendMessage(later, { from: 'other@burst.example', to: 'y@gmail.com' })).last).toMatch(acceptedPattern(later.id));
    later.c.close();
  });

  it('a sixth message in a minute from one (claimed) client address', async () => {
    clock.advance(3600_000);
    for (let i = 0; i < 5; i++) {
      const s = await open(b, 'tight');
      expect((await s.c.command('XCLIENT ADDR=203.0.113.50')).code).toBe(220);
      await ehlo(s);
      expect((await sendMessage(s, { from: `a@d${i}.example`, to: `z${i}@gmail.com` })).last).toMatch(acceptedPattern(s.id));
      s.c.close();
    }
    const s = await open(b, 'tight');
    expect((await s.c.command('XCLIENT ADDR=203.0.113.50')).code).toBe(220);
    await ehlo(s);
    expect((await sendMessage(s, { from: 'a@d9.example', to: 'z9@gmail.com' })).lines).toEqual([
      '421-4.7.28 [203.0.113.50] Our system has detected an unusual rate of',
      '421-4.7.28 unsolicited mail originating from your IP address. To protect our',
      '421-4.7.28 users from spam, mail sent from your IP address has been temporarily',
      '421-4.7.28 rate limited. Please visit',
      '421-4.7.28  https://support.google.com/mail/?p=UnsolicitedRateLimitError to',
      `421 4.7.28 review our Bulk Email Senders Guidelines. ${s.id} - gsmtp`,
    ]);
    expect(await s.c.waitClosed()).toBe(true);
    // loopback itself is another address
    const local = await open(b, 'tight');
    await ehlo(local);
    expect((await sendMessage(local, { from: 'a@d10.example', to: 'z10@gmail.com' })).last).toMatch(acceptedPattern(local.id));
    local.c.close();
  });
});

describe('daily sending limit per submission user (550 5.4.5 at MAIL)', () => {
  it('the fourth message of the day is refused at MAIL; 24 hours after the first it is allowed again', async () => {
    const s = await open(b, 'tight-sub', { tls: true });
    await ehlo(s);
    expect((await s.c.command(`AUTH PLAIN ${plainToken('daily@example.com', 'pw')}`)).code).toBe(235);
    for (let i = 0; i < 3; i++) {
      expect((await sendMessage(s, { from: 'daily@example.com', to: `d${i}@gmail.com` })).last).toMatch(acceptedPattern(s.id));
      clock.advance(3600_000);
    }
    expect((await s.c.command('MAIL FROM:<daily@example.com>')).lines).toEqual([
      '550-5.4.5 Daily user sending limit exceeded. For more information on Gmail sending limits go to',
      `550 5.4.5  https://support.google.com/a/answer/166852 ${s.id} - gsmtp`,
    ]);
    await expectOpen(s);
    clock.advance(21 * 3600_000 + 1); // the first message is now 24 h old
    expect((await sendMessage(s, { from: 'daily@example.com', to: 'd9@gmail.com' })).last).toMatch(acceptedPattern(s.id));
    s.c.close();
    const stored = await storedSession(b, s.id);
    expect(stored.decisions.find((d) => d.ruleId === 'mail.daily-limit')!.why).toBe('daily@example.com already sent 3 messages in the last 24 hours; the limit is 3.');
  });
});
