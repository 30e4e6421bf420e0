/**
 * A 250 means the message is on disk. The compiled server (bin/bouncer.mjs, SQLite store) is
 * loaded by 20 sessions at once and killed with SIGKILL right after the N-th 250, while other
 * messages are in flight (group commits queued, display parses running); restarted on the
 * same file (WAL recovery), it must serve every acknowledged message exactly once, with its
 * display fields. Five kill/restart cycles, loopback only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, startCliServer, stopAllChildren, type CliServer as Server } from './support/cli-server.js';
import { RawSmtp, sessionIdOf } from './support/smtp-client.js';

/** Starts `node bin/bouncer.mjs ...` and resolves once the banner (smtp listener on gmail-mx) is printed. */
const startServer = (args: string[], cwd: string) => startCliServer(args, cwd, { timeoutMs: 10_000, profile: 'gmail-mx' });

// ---- the test ------------------------------------------------------------------------------

interface Ack {
  subject: string;
  sessionId: string;
}

const N = 100;
const CONNECTIONS = 20;
/** Messages queued beyond N, so that other connections are mid-transaction at the kill. */
const EXTRA = 60;
const CYCLES = 5;
const ACCEPTED = /^250 2\.0\.0 OK \d{10} (\S+) - gsmtp$/;

/**
 * Sends over CONNECTIONS parallel connections until N messages got a 250, then SIGKILLs the
 * server at once (in the same tick as the N-th 250). Returns every 250 seen (a reply already
 * on its way when the kill landed counts too: the server wrote it, so it must be durable) and
 * every subject that was sent at all.
 */
async function sendUntilKilled(server: Server, cycle: number): Promise<{ acked: Ack[]; attempted: string[] }> {
  const queue = Array.from({ length: N + EXTRA }, (_, i) => `durability c${cycle} m${String(i).padStart(2, '0')} ${process.pid}-${Date.now()}`);
  const attempted: string[] = [];
  const acked: Ack[] = [];
  let killed = false;

  async function worker(): Promise<void> {
    let c: RawSmtp;
    try {
      c = await RawSmtp.connect(server.smtpPort);
    } catch {
      return; // the server is already gone
    }
    try {
      const greeting = await c.reply();
      const sessionId = sessionIdOf(greeting);
      expect((await c.command('EHLO mail.example.com')).code).toBe(250);
      while (!killed && queue.length) {
        const subject = queue.shift()!;
        attempted.push(subject);
        expect((await c.command('MAIL FROM:<sender@example.com>')).code).toBe(250);
        // one recipient per message: gmail-mx defers the 61st message a minute to one recipient (450 4.2.1)
        const rcpt = `rcpt.${attempted.length}.${process.pid}@example.org`;
        expect((await c.command(`RCPT TO:<${rcpt}>`)).code).toBe(250);
        expect((await c.command('DATA')).code).toBe(354);
        const reply = await c.command(`From: sender@example.com\r\nTo: ${rcpt}\r\nSubject: ${subject}\r\nDate: Mon, 01 Jan 2024 00:00:00 +0000\r\nMessage-ID: <${subject.replace(/\s+/g, '.')}@example.com>\r\n\r\nbody of ${subject}\r\n.`);
        if (reply.code !== 250) throw new Error(`unexpected reply to the message: ${reply.last}`);
        const m = ACCEPTED.exec(reply.last);
        expect(m, reply.last).not.toBeNull();
        expect(m![1]).toBe(sessionId);
        acked.push({ subject, sessionId });
        if (acked.length === N && !killed) {
          killed = true;
          server.child.kill('SIGKILL');
        }
      }
    } catch (err) {
      // after the kill, a connection dying mid-transaction is the point of the test
      if (!killed || (err as Error).name === 'AssertionError') throw err;
    } finally {
      c.close();
    }
  }

  await Promise.all(Array.from({ length: CONNECTIONS }, () => worker()));
  expect(killed).toBe(true);
  const { signal } = await server.exited;
  expect(signal).toBe('SIGKILL');
  return { acked, attempted };
}

interface ListedMessage {
  id: string;
  sessionId: string;
  subject?: string;
  status: string;
}

async function listMessages(server: Server): Promise<ListedMessage[]> {
  const res = await fetch(`${server.httpUrl}/api/v1/messages?limit=1000`);
  expect(res.status).toBe(200);
  const page = (await res.json()) as { items: ListedMessage[]; total: number };
  expect(page.total).toBe(page.items.length);
  return page.items;
}

/** Every acknowledged message exactly once (same session), nothing sent appears twice. */
async function verify(server: Server, acked: Ack[], attempted: Set<string>): Promise<void> {
  const health = await fetch(`${server.httpUrl}/api/v1/health`);
  expect(await health.json()).toMatchObject({ status: 'ok', store: 'sqlite' });
  const items = await listMessages(server);
  const bySubject = new Map<string, ListedMessage[]>();
  for (const m of items) {
    expect(attempted.has(m.subject ?? ''), `a message nobody sent: ${JSON.stringify(m.subject)}`).toBe(true);
    bySubject.set(m.subject!, [...(bySubject.get(m.subject!) ?? []), m]);
  }
  const twice = [...bySubject].filter(([, list]) => list.length > 1).map(([s]) => s);
  expect(twice, 'messages stored twice').toEqual([]);
  const lost = acked.filter((a) => !bySubject.has(a.subject)).map((a) => a.subject);
  expect(lost, 'acknowledged with 250 but missing after SIGKILL').toEqual([]);
  for (const a of acked) {
    const [m] = bySubject.get(a.subject)!;
    expect(m!.sessionId).toBe(a.sessionId);
    expect(m!.status).toBe('accepted');
  }
  // the store came up without complaint (the server logs at warn; nothing at error or fatal)
  const bad = server.stderr.split('\n').filter((l) => /"level":(50|60)/.test(l));
  expect(bad).toEqual([]);
}

let tmp: string;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'bouncer-durability-'));
  await ensureBuilt();
}, 120_000);

afterAll(async () => {
  await stopAllChildren(3000);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('SIGKILL during a 20-session load (compiled server, SQLite file)', () => {
  it('every acknowledged message survives five kill/restart cycles, none twice', async () => {
    const data = path.join(tmp, 'b.sqlite');
    const args = ['--smtp-port', '0', '--submission-port', '0', '--smtps-port', '0', '--http-port', '0', '--data', data, '--log-level', 'warn'];
    const acked: Ack[] = [];
    const attempted = new Set<string>();
    const timings: number[] = [];

    let server = await startServer(args, tmp);
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const started = Date.now();
      const sent = await sendUntilKilled(server, cycle);
      expect(sent.acked.length).toBeGreaterThanOrEqual(N);
      acked.push(...sent.acked);
      sent.attempted.forEach((s) => attempted.add(s));
      server = await startServer(args, tmp);
      await verify(server, acked, attempted);
      timings.push(Date.now() - started);
      expect(timings.at(-1)!, `cycle ${cycle} took too long`).toBeLessThan(20_000);
    }
    expect(acked.length).toBeGreaterThanOrEqual(CYCLES * N);

    // a clean stop at the end, then the file itself passes SQLite's own check
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    const db = new Database(data, { readonly: true, fileMustExist: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const subjects = db.prepare('SELECT subject FROM messages').all() as Array<{ subject: string }>;
      expect(new Set(subjects.map((r) => r.subject)).size).toBe(subjects.length);
      // every message has its display fields: those a kill interrupted were parsed at the restart
      expect(db.prepare('SELECT count(*) FROM pending_display').pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM messages WHERE subject IS NULL').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
    console.info(`durability: ${acked.length} acknowledged messages over ${CYCLES} cycles; cycle times ${timings.join(', ')} ms`);
  }, 150_000);
});
