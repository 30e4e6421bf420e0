/**
 * The adapter announces a message to the group commit when its transaction starts (MAIL
 * accepted), so that a commit under load waits for it (store/write-queue.ts, siblingWaitMs),
 * and withdraws it when the transaction ends without one (RSET, QUIT, a closed connection).
 * siblingWaitMs is raised to its maximum, 1 s, so that the wait is unmistakable: a reply that does not
 * come within 300 ms is waiting; the release is what ends it. A lone client's reply must come
 * well within that second (500 ms), or it would be waiting for nobody.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBouncer, type TestBouncer } from '../support/bouncer.js';
import { acceptedPattern, messageBody, open, sendMessage, type OpenSession } from './helpers.js';

let bouncer: TestBouncer;
beforeAll(async () => {
  bouncer = await startTestBouncer({ store: { kind: 'memory', siblingWaitMs: 1000 } });
});
afterAll(async () => bouncer?.stop());

// Every test's sessions are closed and their last writes committed before the next test: a
// queue holding only lazy writes (a closed session's snapshot, display fields) commits within
// 10 ms (LAZY_WAIT_MS), and a message joining it would be committed with them. The display
// parse of the first message waits for the parse worker to start (~100 ms, more on a busy
// machine), so the wait is for the parses and the closing snapshots, not a fixed time.
const sessions: OpenSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) s.c.close();
  await bouncer.settled();
  await bouncer.live.drained(5_000);
  expect(bouncer.live.size).toBe(0);
  await new Promise((r) => setTimeout(r, 100));
});

const PENDING = Symbol('pending');
const within = <T>(p: Promise<T>, ms: number): Promise<T | typeof PENDING> => Promise.race([p, new Promise<typeof PENDING>((r) => setTimeout(() => r(PENDING), ms))]);

async function opened(): Promise<OpenSession> {
  const s = await open(bouncer);
  sessions.push(s);
  return s;
}

async function inTransaction(): Promise<OpenSession> {
  const s = await opened();
  expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
  expect((await s.c.command('MAIL FROM:<alice@example.com>')).lines).toEqual([`250 2.1.0 OK ${s.id} - gsmtp`]);
  return s;
}

async function messageUpToData(): Promise<OpenSession> {
  const s = await opened();
  expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
  expect((await s.c.command('MAIL FROM:<alice@example.com>')).code).toBe(250);
  expect((await s.c.command('RCPT TO:<bob@example.org>')).code).toBe(250);
  expect((await s.c.command('DATA')).code).toBe(354);
  return s;
}

describe('a commit waits for a transaction another session has started', () => {
  it.each([
    ['RSET', (a: OpenSession) => a.c.command('RSET').then((r) => expect(r.code).toBe(250))],
    ['QUIT', (a: OpenSession) => a.c.command('QUIT').then((r) => expect(r.code).toBe(221))],
    ['the connection closing', async (a: OpenSession) => a.c.close()],
  ] as const)('until %s withdraws it', async (_label, release) => {
    const a = await inTransaction();
    const b = await messageUpToData();
    const reply = b.c.command(messageBody());
    expect(await within(reply, 300)).toBe(PENDING);
    await release(a);
    expect((await reply).last).toMatch(acceptedPattern(b.id));
  });

  it('until its message arrives', async () => {
    const a = await inTransaction();
    expect((await a.c.command('RCPT TO:<bob@example.org>')).code).toBe(250);
    expect((await a.c.command('DATA')).code).toBe(354);
    const b = await messageUpToData();
    const replyB = b.c.command(messageBody());
    expect(await within(replyB, 300)).toBe(PENDING);
    const replyA = a.c.command(messageBody());
    expect((await replyA).last).toMatch(acceptedPattern(a.id));
    expect((await replyB).last).toMatch(acceptedPattern(b.id));
  });
});

describe('a lone client waits for nobody', () => {
  it('its own announced message is committed at once, and so is the next one on the connection', async () => {
    const s = await opened();
    expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
    for (let i = 0; i < 2; i++) {
      const reply = await within(sendMessage(s), 500);
      expect(reply).not.toBe(PENDING);
      expect(reply !== PENDING && reply.last).toMatch(acceptedPattern(s.id));
    }
  });

  it('a refused MAIL announces nothing', async () => {
    const refused = await opened();
    expect((await refused.c.command('EHLO mail.example.com')).code).toBe(250);
    // gmail-mx refuses a declared size over its limit (mail.size-declared)
    expect((await refused.c.command('MAIL FROM:<alice@example.com> SIZE=999999999')).code).toBe(552);
    const b = await messageUpToData();
    const reply = await within(b.c.command(messageBody()), 500);
    expect(reply !== PENDING && reply.last).toMatch(acceptedPattern(b.id));
  });
});
