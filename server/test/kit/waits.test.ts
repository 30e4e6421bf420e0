/**
 * Server-side waits against a real in-process Bouncer, through the testing client: a match
 * already stored, one that arrives later, a timeout, 200 concurrent waiters (one bus
 * subscription between them), and a client that goes away.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BouncerApiError, WaitTimeoutError } from '../../src/testing/client.js';
import { startBouncer, type RunningBouncer } from '../../src/testing/start.js';
import { send } from './helpers.js';

let bouncer: RunningBouncer;
let baseMessageListeners: number;
let baseSessionListeners: number;

beforeAll(async () => {
  // gmail-mx with a declared mailbox list, so that unknown recipients are rejected at RCPT
  bouncer = await startBouncer({ config: { mailboxes: { 'known.example': ['alice'] } } });
  baseMessageListeners = bouncer.server.bus.listenerCount('message.stored');
  baseSessionListeners = bouncer.server.bus.listenerCount('session.closed');
});
afterAll(async () => bouncer?.stop());

describe('waitForMessage', () => {
  it('answers at once with a message already stored, parsed', async () => {
    const sent = await send(bouncer.smtp, { to: 'present@example.com', subject: 'Already here', text: 'body text' });
    expect(sent.ok).toBe(true);
    const m = await bouncer.client.waitForMessage({ to: 'present@example.com' }, { timeout: 0 });
    expect(m).toMatchObject({ subject: 'Already here', rcptTo: ['present@example.com'], status: 'accepted', mailFrom: 'app@example.org' });
    expect(m.text).toBe('body text\n');
  });

  it('holds the request until a matching message arrives', async () => {
    const since = Date.now();
    const waiting = bouncer.client.waitForMessage({ to: 'later@example.com', since }, { timeout: 20_000 });
    await bouncer.server.waits.whenSize(1);
    await send(bouncer.smtp, { to: 'other@example.com', subject: 'Not this one' });
    expect(bouncer.server.waits.size).toBe(1);
    const sent = await send(bouncer.smtp, { to: 'later@example.com', subject: 'Arrived later' });
    const m = await waiting;
    expect(m.subject).toBe('Arrived later');
    expect(sent.response).toContain(m.sessionId);
  });

  it('ignores matches stored before `since`', async () => {
    await send(bouncer.smtp, { to: 'since@example.com', subject: 'Old' });
    const since = Date.now() + 1;
    const waiting = bouncer.client.waitForMessage({ to: 'since@example.com', since: new Date(since) }, { timeout: 20_000 });
    await bouncer.server.waits.whenSize(1);
    await new Promise((r) => setTimeout(r, 2)); // so that the next message is stored after `since`
    await send(bouncer.smtp, { to: 'since@example.com', subject: 'New' });
    expect((await waiting).subject).toBe('New');
  });

  it('matches a regex subject on the server', async () => {
    await send(bouncer.smtp, { to: 'regex@example.com', subject: 'Please CONFIRM your account' });
    const m = await bouncer.client.waitForMessage({ to: 'regex@example.com', subject: /confirm your/i }, { timeout: 0 });
    expect(m.subject).toBe('Please CONFIRM your account');
    await expect(bouncer.client.waitForMessage({ to: 'regex@example.com', subject: /^confirm/i }, { timeout: 0 })).rejects.toThrow(WaitTimeoutError);
  });

  it('times out with 408 wait_timeout', async () => {
    const err = await bouncer.client.waitForMessage({ subject: 'never sent' }, { timeout: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as WaitTimeoutError).message).toBe('no message matching {subject: "never sent"} within 50 ms');
    const res = await fetch(`${bouncer.url}/api/v1/messages/wait?subject=never&timeout=10`);
    expect(res.status).toBe(408);
    expect(await res.json()).toEqual({ error: 'wait_timeout', message: 'no message matched within 10 ms' });
  });

  it('refuses bad parameters, listing every problem', async () => {
    const res = await fetch(`${bouncer.url}/api/v1/messages/wait?timeout=999999999&subject=/(a)\\1/&since=yesterday&tag=no%20spaces`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('bad_request');
    expect(body.message).toBe(
      'invalid query: subject: /(a)\\1/: it cannot be matched in linear time (backreferences, lookarounds and large {n,m} repetitions are not allowed); ' +
        'tag: a tag is 1-64 characters: letters, digits, ".", "_" and "-"; since: must be epoch milliseconds or an ISO 8601 date; timeout: must be at most 300000',
    );
    await expect(bouncer.client.waitForMessage({}, { timeout: 300_001 })).rejects.toThrow(RangeError);
  });
});

describe('waitForSession', () => {
  it('waits for the session that ends rejected, with its decisions', async () => {
    const since = Date.now();
    const waiting = bouncer.client.waitForSession({ to: 'bob@known.example', outcome: 'rejected', since }, { timeout: 20_000 });
    await bouncer.server.waits.whenSize(1);
    const sent = await send(bouncer.smtp, { to: 'bob@known.example' });
    expect(sent).toMatchObject({ ok: false, responseCode: 550 });
    const s = await waiting;
    expect(s.recipients).toEqual(['bob@known.example']);
    // nodemailer pipelines DATA after the RCPT, so the last rejection is DATA's 503
    expect(s.decisions.map((d) => d.ruleId)).toEqual(['rcpt.no-such-user', 'command.rcpt-first']);
    expect(s.decisions[0]).toMatchObject({ phase: 'rcpt', verdict: 'reject', reply: { code: 550, enhanced: '5.1.1' } });
    expect(s.outcome).toBe('rejected');
    // already there now: answered at once, also by rule id
    expect((await bouncer.client.waitForSession({ rule: 'rcpt.no-such-user', since }, { timeout: 0 })).id).toBe(s.id);
  });

  it('never answers with a session that is still open', async () => {
    const res = await bouncer.client.waitForSession({ outcome: 'open' }, { timeout: 20 }).catch((e: unknown) => e);
    expect(res).toBeInstanceOf(WaitTimeoutError);
  });
});

describe('many waiters', () => {
  it('200 concurrent waiters share one bus subscription, an SMTP session completes meanwhile, each gets its own message', async () => {
    const tags = Array.from({ length: 200 }, (_, i) => `many${i}`);
    const since = Date.now();
    const waits = tags.map((tag) => bouncer.client.withTag(tag).waitForMessage({ since }, { timeout: 60_000 }));
    await bouncer.server.waits.whenSize(200);
    expect(bouncer.server.bus.listenerCount('message.stored')).toBe(baseMessageListeners + 1);

    // the SMTP path is not held up: a full session completes and is stored while they wait
    const during = await send(bouncer.smtp, { to: 'bystander@example.com', subject: 'during the waits' });
    expect(during.ok).toBe(true);
    expect(during.response).toMatch(/^250 2\.0\.0 OK /);
    expect(bouncer.server.waits.size).toBe(200);

    const sent = await Promise.all(tags.map((tag) => send(bouncer.smtp, { to: `user+${tag}@example.com`, subject: `for ${tag}` })));
    expect(sent.every((s) => s.ok)).toBe(true);
    const got = await Promise.all(waits);
    expect(got.map((m) => m.subject)).toEqual(tags.map((t) => `for ${t}`));
    expect(got.map((m) => m.tag)).toEqual(tags);
    await bouncer.server.waits.whenSize(0);
    expect(bouncer.server.bus.listenerCount('message.stored')).toBe(baseMessageListeners);
  });

  it('a client that goes away stops its wait and leaves no listener behind', async () => {
    const controller = new AbortController();
    const res = fetch(`${bouncer.url}/api/v1/sessions/wait?to=nobody-ever&timeout=60000`, { signal: controller.signal }).catch((e: unknown) => e);
    await bouncer.server.waits.whenSize(1);
    expect(bouncer.server.bus.listenerCount('session.closed')).toBe(baseSessionListeners + 1);
    controller.abort();
    await bouncer.server.waits.whenSize(0);
    expect(bouncer.server.bus.listenerCount('session.closed')).toBe(baseSessionListeners);
    expect(await res).toBeInstanceOf(Error);
  });

  it('an unknown id is a BouncerApiError with the stable id', async () => {
    const err = await bouncer.client.message('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BouncerApiError);
    expect(err).toMatchObject({ status: 404, error: 'not_found', message: 'no message "nope"' });
  });
});
