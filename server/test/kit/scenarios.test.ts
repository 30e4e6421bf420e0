/**
 * Scenarios on the wire: a real in-process Bouncer, raw SMTP dialogues (exact replies and
 * connection behaviour) and nodemailer (what an app sees). The `smtp` listener runs the
 * permissive profile, so that only the scenarios decide here.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Scenario } from '../../src/scenarios/spec.js';
import { BouncerApiError } from '../../src/testing/client.js';
import { startBouncer, type RunningBouncer } from '../../src/testing/start.js';
import { RawSmtp } from '../support/smtp-client.js';
import { send } from './helpers.js';

let bouncer: RunningBouncer;
beforeAll(async () => {
  bouncer = await startBouncer({ profile: 'permissive' });
});
afterAll(async () => bouncer?.stop());
afterEach(async () => {
  await bouncer.client.deleteScenarios();
});

/** Connects, reads the greeting, says EHLO and MAIL FROM. */
async function mailStarted(from = 'app@example.org'): Promise<RawSmtp> {
  const c = await RawSmtp.connect(bouncer.smtp.port);
  expect((await c.reply()).code).toBe(220);
  expect((await c.command('EHLO app.example.com')).code).toBe(250);
  expect((await c.command(`MAIL FROM:<${from}>`)).last).toBe('250 2.1.0 Ok');
  return c;
}

const GMAIL_NO_SUCH_USER = (id: string) => [
  '550-5.1.1 The email account that you tried to reach does not exist. Please try',
  "550-5.1.1 double-checking the recipient's email address for typos or",
  '550-5.1.1 unnecessary spaces. Learn more at',
  `550 5.1.1  https://support.google.com/mail/?p=NoSuchUser ${id} - gsmtp`,
];

describe('scenarios on the wire', () => {
  it('count expiry: the next 2 sessions whose RCPT matches get 421 4.7.0 and are closed; the 3rd is accepted', async () => {
    const scenario = await bouncer.client.scenario({
      name: 'mx overloaded',
      match: { rcpt: '*@fail.example' },
      action: { phase: 'rcpt', reply: { code: 421, enhanced: '4.7.0', text: 'Try again later, closing connection.', close: true } },
      times: 2,
    });
    const replies: string[][] = [];
    const closed: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await mailStarted();
      replies.push((await c.command('RCPT TO:<someone@fail.example>')).lines);
      closed.push(await c.waitClosed(i < 2 ? 2000 : 50));
      c.close();
    }
    expect(replies).toEqual([['421 4.7.0 Try again later, closing connection.'], ['421 4.7.0 Try again later, closing connection.'], ['250 2.1.5 Ok']]);
    expect(closed).toEqual([true, true, false]);

    const after = await bouncer.client.getScenario(scenario.id);
    expect(after).toMatchObject({ fired: 2, state: 'exhausted', times: 2 });
    const sessions = await Promise.all(after.firings.map((f) => bouncer.client.waitForSession({ q: f.sessionId }, { timeout: 5000 })));
    for (const s of sessions) {
      expect(s.decisions).toEqual([
        {
          at: expect.any(Number),
          phase: 'rcpt',
          ruleId: 'scenario.reply',
          verdict: 'reject',
          reply: { code: 421, enhanced: '4.7.0', lines: ['Try again later, closing connection.'], close: true },
          why: `Scenario ${scenario.id} "mx overloaded" fired (${s.id === after.firings[0]!.sessionId ? 1 : 2} of 2): replied 421 4.7.0 and closed the connection.`,
          fix: expect.stringContaining('Injected by a Bouncer test scenario'),
          scenarioId: scenario.id,
        },
      ]);
      expect(s.rejection).toEqual({ phase: 'rcpt', ruleId: 'scenario.reply', code: 421, enhanced: '4.7.0' });
    }
    const byScenario = await bouncer.client.sessions({ scenario: scenario.id });
    expect(byScenario.total).toBe(2);
  });

  it('tag scope: only the tagged recipient gets the rule’s Gmail reply', async () => {
    await bouncer.client.scenario({ match: { tag: 'w1' }, action: { rule: 'rcpt.no-such-user' }, times: 'unlimited' });
    const c = await mailStarted();
    expect((await c.command('RCPT TO:<bob+w2@example.com>')).lines).toEqual(['250 2.1.5 Ok']);
    expect((await c.command('RCPT TO:<bob@example.com>')).lines).toEqual(['250 2.1.5 Ok']);
    const rejected = await c.command('RCPT TO:<bob+W1@example.com>');
    const live = bouncer.server.live.list().find((s) => s.recipients?.includes('bob+W1@example.com'))!;
    expect(rejected.lines).toEqual(GMAIL_NO_SUCH_USER(live.id));
    expect((await c.command('QUIT')).code).toBe(221);
    const s = await bouncer.client.waitForSession({ tag: 'w2' }, { timeout: 5000 });
    // the session's tag is the first one it showed
    expect(s.id).toBe(live.id);
    expect(s.recipients).toEqual(['bob+w2@example.com', 'bob@example.com', 'bob+W1@example.com']);
    expect(s.decisions.map((d) => [d.ruleId, d.scenarioId !== undefined])).toEqual([['rcpt.no-such-user', true]]);
  });

  it('a message tagged with X-Bouncer-Tag is rejected at end of DATA and kept, flagged, with its tag', async () => {
    const scenario = await bouncer.client.scenario({
      match: { tag: 'hdr' },
      action: { phase: 'message', reply: { code: 554, enhanced: '5.7.1', text: ['Message rejected by test scenario'] } },
    });
    const sent = await send(bouncer.smtp, { to: 'x@example.com', subject: 'tagged by header', headers: { 'X-Bouncer-Tag': 'HDR' } });
    expect(sent).toMatchObject({ ok: false, responseCode: 554, response: '554 5.7.1 Message rejected by test scenario' });
    const m = await bouncer.client.waitForMessage({ tag: 'hdr' }, { timeout: 5000 });
    expect(m).toMatchObject({
      status: 'rejected',
      subject: 'tagged by header',
      tag: 'hdr',
      rejection: { phase: 'message', ruleId: 'scenario.reply', code: 554, enhanced: '5.7.1', text: ['Message rejected by test scenario'] },
    });
    expect((await bouncer.client.session(m.sessionId)).decisions.map((d) => d.scenarioId)).toEqual([scenario.id]);
  });

  it('delay: the DATA reply waits, the session records why', async () => {
    const scenario = await bouncer.client.scenario({ match: { rcpt: 'slow@example.com' }, action: { phase: 'data', delayMs: 300 } });
    const c = await mailStarted();
    expect((await c.command('RCPT TO:<slow@example.com>')).code).toBe(250);
    const t0 = performance.now();
    const go = await c.command('DATA');
    const waited = performance.now() - t0;
    expect(go.lines).toEqual(['354 End data with <CR><LF>.<CR><LF>']);
    // a lower bound only: the reply did not come before the delay
    expect(waited).toBeGreaterThanOrEqual(295);
    expect((await c.command('Subject: slow\r\n\r\nhi\r\n.')).code).toBe(250);
    expect((await c.command('QUIT')).code).toBe(221);
    const s = await bouncer.client.waitForSession({ scenario: scenario.id }, { timeout: 5000 });
    expect(s.outcome).toBe('accepted');
    expect(s.decisions).toMatchObject([{ phase: 'data', ruleId: 'scenario.delay', verdict: 'accept', scenarioId: scenario.id }]);
    expect(s.decisions[0]!.why).toBe(`Scenario ${scenario.id} fired (1 of 1): the reply waited 300 ms.`);
    expect(s.lines.map((l) => l.text)).toContain('reply delayed 300 ms by a scenario');
  });

  it('drop: the connection closes after MAIL without a reply', async () => {
    const scenario = await bouncer.client.scenario({ match: { mailFrom: 'dropme@*' }, action: { phase: 'mail', drop: 'no-reply' } });
    const c = await RawSmtp.connect(bouncer.smtp.port);
    await c.reply();
    await c.command('EHLO app.example.com');
    c.write('MAIL FROM:<dropme@example.org>\r\n');
    await expect(c.reply()).rejects.toThrow('connection closed; unread: ""');
    const s = await bouncer.client.waitForSession({ scenario: scenario.id }, { timeout: 5000 });
    expect(s.senders).toEqual(['dropme@example.org']);
    expect(s.decisions).toMatchObject([{ phase: 'mail', ruleId: 'scenario.drop', verdict: 'reject', scenarioId: scenario.id }]);
    expect(s.decisions[0]!.reply).toBeUndefined();
    expect(s.lines.filter((l) => l.dir !== 'C').map((l) => l.text).slice(-2)).toEqual([`connection dropped by scenario ${scenario.id}`, 'connection closed']);
    expect(s.outcome).toBe('no-mail');
  });

  it('drop after the reply: MAIL is answered, then the connection closes', async () => {
    await bouncer.client.scenario({ match: { mailFrom: 'cut@*' }, action: { phase: 'mail', drop: 'after-reply' } });
    const c = await RawSmtp.connect(bouncer.smtp.port);
    await c.reply();
    await c.command('EHLO app.example.com');
    expect((await c.command('MAIL FROM:<cut@example.org>')).lines).toEqual(['250 2.1.0 Ok']);
    expect(await c.waitClosed()).toBe(true);
  });

  it('the 3rd message from this sender gets 421 4.7.0 and the connection closes', async () => {
    await bouncer.client.scenario({
      match: { mailFrom: 'app@example.org', nth: 3 },
      action: { phase: 'mail', reply: { code: 421, enhanced: '4.7.0', text: 'Connection expired, try reconnecting.', close: true } },
    });
    const results = [];
    for (const from of ['app@example.org', 'app@example.org', 'other@example.org', 'app@example.org', 'app@example.org']) {
      results.push(await send(bouncer.smtp, { from, to: 'x@example.com' }));
    }
    expect(results.map((r) => (r.ok ? 'ok' : `${r.responseCode} ${r.response}`))).toEqual([
      'ok',
      'ok',
      'ok',
      '421 421 4.7.0 Connection expired, try reconnecting.',
      'ok',
    ]);
  });

  it('the AUTH username tags the session; a scenario scoped to it fires at AUTH', async () => {
    await bouncer.client.scenario({ match: { tag: 'w9' }, action: { phase: 'auth', reply: { code: 454, enhanced: '4.7.0', text: 'Temporary authentication failure' } } });
    const failed = await send(bouncer.smtp, { to: 'x@example.com', auth: { user: 'w9', pass: 'secret' } });
    expect(failed).toMatchObject({ ok: false, code: 'EAUTH', responseCode: 454 });
    const ok = await send(bouncer.smtp, { to: 'x@example.com', subject: 'as w9', auth: { user: 'someone+W9@example.com', pass: 'secret' } });
    expect(ok.ok).toBe(true);
    const m = await bouncer.client.withTag('w9').waitForMessage({ subject: 'as w9' }, { timeout: 5000 });
    expect(m.tag).toBe('w9');
    expect((await bouncer.client.session(m.sessionId)).tag).toBe('w9');
  });
});

describe('the scenarios API', () => {
  it('creates, lists (scoped), gets and deletes', async () => {
    const a = await bouncer.client.withTag('api1').scenario({ action: { phase: 'mail', delayMs: 5 } });
    const b = await bouncer.client.scenario({ action: { rule: 'rcpt.no-such-user' }, ttlMs: 60_000 });
    expect(a.match).toEqual({ tag: 'api1' });
    expect(b).toMatchObject({ times: 'unlimited', ttlMs: 60_000, expiresAt: b.createdAt + 60_000, state: 'active' });
    expect((await bouncer.client.scenarios()).map((s: Scenario) => s.id)).toEqual([a.id, b.id]);
    expect((await bouncer.client.withTag('api1').scenarios()).map((s) => s.id)).toEqual([a.id]);
    expect(await bouncer.client.withTag('api1').deleteScenarios()).toBe(1);
    await bouncer.client.deleteScenario(b.id);
    await expect(bouncer.client.deleteScenario(b.id)).rejects.toMatchObject({ status: 404, error: 'not_found', message: `no scenario "${b.id}"` });
    await expect(bouncer.client.getScenario('sc-nope')).rejects.toBeInstanceOf(BouncerApiError);
    expect(await bouncer.client.scenarios()).toEqual([]);
  });

  it('answers an invalid scenario with bad_request listing every problem', async () => {
    const res = await fetch(`${bouncer.url}/api/v1/scenarios`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ match: { rcpt: '*@x' }, action: { phase: 'mail', rule: 'rcpt.unknown', drop: 'no-reply' } }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'bad_request',
      message:
        'invalid scenario: action.rule: no profile has a rule "rcpt.unknown"; ' +
        'action.drop: "no-reply" closes the connection without answering, so it cannot come with a reply or rule (use reply.close or drop "after-reply"); ' +
        'match.rcpt: recipients are known from the rcpt phase on, but action.phase is mail',
    });
    const notJson = await fetch(`${bouncer.url}/api/v1/scenarios`, { method: 'POST', body: 'x' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { message: string }).message).toBe('invalid scenario: Invalid input: expected object, received undefined');
  });
});
