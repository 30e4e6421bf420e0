/**
 * 200 slowloris connections against a profile with a 1 s idle timeout: half of them say
 * nothing after the greeting, half trickle a byte of a never-finished command every 200 ms
 * (which re-arms a socket timeout, but is no progress). All 200 get `451 4.4.2 Timeout -
 * closing connection. <id> - gsmtp` at the configured timeout, not before, not much after,
 * and are closed; a client that keeps sending complete commands is not timed out; the
 * server keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedPattern, open, sendMessage, tempProfileDir } from '../dialog/helpers.js';
import { startTestBouncer, type TestBouncer } from '../support/bouncer.js';
import { RawSmtp, sessionIdOf } from '../support/smtp-client.js';

const IDLE_MS = 1000;
const CONNECTIONS = 200;

let bouncer: TestBouncer;
beforeAll(async () => {
  const dir = tempProfileDir({
    'short-idle': `name: short-idle\nextends: gmail-mx\ndescription: gmail-mx with a 1 s idle timeout\nlimits: {idleTimeoutMs: ${IDLE_MS}}\n`,
  });
  bouncer = await startTestBouncer({
    profileDirs: [dir],
    listeners: [{ name: 'smtp', port: 0, profile: 'short-idle', tls: 'none' }],
    smtp: { maxConnections: 500 },
  });
});
afterAll(async () => bouncer?.stop());

interface Outcome {
  id: string;
  lines: string[];
  afterMs: number;
  closed: boolean;
}

/** Opens a connection, then idles (or trickles) until the server speaks; times its reply. */
async function slowClient(trickle: boolean): Promise<Outcome> {
  // the server's idle clock starts when it accepts the connection, before the greeting
  const started = Date.now();
  const c = await RawSmtp.connect(bouncer.port('smtp'));
  const greeting = await c.reply();
  const id = sessionIdOf(greeting);
  let trickler: NodeJS.Timeout | undefined;
  if (trickle) {
    const bytes = 'NOOP and never a line end';
    let i = 0;
    trickler = setInterval(() => {
      if (!c.closed) c.write(bytes[i++ % bytes.length]!);
    }, 200);
  }
  try {
    const reply = await c.reply(IDLE_MS * 5);
    const afterMs = Date.now() - started;
    return { id, lines: reply.lines, afterMs, closed: await c.waitClosed(2000) };
  } finally {
    clearInterval(trickler);
    c.close();
  }
}

describe(`${CONNECTIONS} slowloris connections (idle timeout ${IDLE_MS} ms)`, () => {
  it('all get 451 4.4.2 at the configured timeout and are closed; a talking client is not timed out', async () => {
    // a client that keeps sending complete commands all along
    const talker = await open(bouncer);
    let talking = true;
    const talk = (async () => {
      const replies: string[] = [];
      while (talking) {
        await new Promise((r) => setTimeout(r, 300));
        replies.push((await talker.c.command('NOOP')).last);
      }
      return replies;
    })();

    const outcomes = await Promise.all(Array.from({ length: CONNECTIONS }, (_, i) => slowClient(i % 2 === 1)));
    talking = false;
    const talked = await talk;

    for (const o of outcomes) {
      expect(o.lines).toEqual([`451 4.4.2 Timeout - closing connection. ${o.id} - gsmtp`]);
      expect(o.closed).toBe(true);
      // at the configured timeout: not before it, and not long after (timers, a loaded machine)
      expect(o.afterMs).toBeGreaterThanOrEqual(IDLE_MS - 20);
      expect(o.afterMs).toBeLessThan(IDLE_MS + 1500);
    }
    expect(talked.length).toBeGreaterThanOrEqual(3);
    for (const line of talked) expect(line).toBe(`250 2.0.0 OK ${talker.id} - gsmtp`);
    expect((await talker.c.command('NOOP')).last).toBe(`250 2.0.0 OK ${talker.id} - gsmtp`);
    talker.c.close();

    // each timeout is on record with its rule
    const deadline = Date.now() + 5000;
    while (bouncer.live.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const o of outcomes.slice(0, 10)) {
      expect(bouncer.store.getSession(o.id)?.rejection).toEqual({ phase: 'command', ruleId: 'limits.idle-timeout', code: 451, enhanced: '4.4.2' });
    }

    // and the server still serves
    const s = await open(bouncer);
    expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
    expect((await sendMessage(s)).last).toMatch(acceptedPattern(s.id));
    s.c.close();
  }, 30_000);
});
