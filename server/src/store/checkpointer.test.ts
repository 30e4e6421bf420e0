/**
 * WAL checkpoints in their own thread (checkpointer.ts), with real SQLite files and a real
 * worker thread: the writing connection checkpoints only as a backstop while the thread is
 * there, which keeps the WAL bounded; the thread's PASSIVE checkpoints move every committed
 * frame into the database file; the thread retires when idle and comes back with the next
 * commit; and if it dies the writing connection checkpoints by itself again.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Checkpointer } from './checkpointer.js';
import { SqliteStore } from './sqlite.js';
import type { SessionRecord } from './types.js';
import { until } from '../../test/support/until.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'bouncer-checkpoint-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A WAL database with autocheckpoint off, and `rows` 4 KB rows committed one by one. */
function walWith(file: string, rows: number): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body BLOB)');
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  for (let i = 0; i < rows; i++) insert.run(Buffer.alloc(4000, i % 256));
  return db;
}

describe('Checkpointer', () => {
  let cp: Checkpointer | undefined;
  let db: Database.Database | undefined;
  afterEach(() => {
    cp?.close();
    db?.close();
    cp = undefined;
    db = undefined;
  });

  it('copies every committed frame into the database file, in its own thread', async () => {
    const file = path.join(dir, 'a.sqlite');
    db = walWith(file, 300);
    const before = statSync(file).size;
    cp = new Checkpointer(file, () => {});
    expect(cp.threads).toBe(0);
    const result = await cp.checkpoint();
    expect(cp.threads).toBe(1);
    expect(result).toBeDefined();
    expect(result!.busy).toBe(0);
    expect(result!.log).toBeGreaterThanOrEqual(300);
    expect(result!.checkpointed).toBe(result!.log);
    // the rows are in the main file now
    expect(statSync(file).size).toBeGreaterThan(before + 300 * 4000);
  });

  it('nudges at most one checkpoint per interval, and retires when idle; the next nudge starts it again', async () => {
    const file = path.join(dir, 'b.sqlite');
    db = walWith(file, 10);
    cp = new Checkpointer(file, () => {}, 150);
    cp.nudge();
    cp.nudge(); // within the interval: nothing more
    expect(cp.threads).toBe(1);
    expect(await until(() => cp!.threads === 0, 5_000)).toBe(true);
    // past the nudge interval (50 ms) since the first nudge
    await new Promise((r) => setTimeout(r, 250));
    cp.nudge();
    expect(cp.threads).toBe(1);
    expect((await cp.checkpoint())!.checkpointed).toBeGreaterThan(0);
  });

  it('reports a thread that dies, once, and then does nothing more', async () => {
    const file = path.join(dir, 'c.sqlite');
    db = walWith(file, 10);
    const failures: Error[] = [];
    cp = new Checkpointer(file, (err) => failures.push(err));
    await cp.checkpoint();
    // white box: the worker thread is killed from outside
    await (cp as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    expect(await until(() => failures.length > 0, 5_000)).toBe(true);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.message).toMatch(/the checkpoint thread exited/);
    expect(cp.threads).toBe(0);
    cp.nudge();
    expect(cp.threads).toBe(0);
    expect(await cp.checkpoint()).toBeUndefined();
  });
});

describe('SqliteStore with checkpointThread', () => {
  const pragma = (store: SqliteStore, sql: string) => (store as unknown as { db: Database.Database }).db.pragma(sql, { simple: true });

  it('its own connection checkpoints only as a backstop (4,000 pages) while the thread is there, and as usual once the thread is gone', async () => {
    const store = new SqliteStore(path.join(dir, 'd.sqlite'), { checkpointThread: true });
    try {
      expect(pragma(store, 'wal_autocheckpoint')).toBe(4000);
      const result = await store.checkpointInThread();
      expect(result?.busy).toBe(0);
      await (store as unknown as { checkpointer: { worker: { terminate(): Promise<number> } } }).checkpointer.worker.terminate();
      expect(await until(() => pragma(store, 'wal_autocheckpoint') === 1000, 5_000)).toBe(true);
    } finally {
      store.close();
    }
  });

  it('keeps the WAL bounded under a steady stream of commits (the thread alone never catches up to the last frame)', async () => {
    const file = path.join(dir, 'steady.sqlite');
    const store = new SqliteStore(file, { checkpointThread: true });
    try {
      const lines = Array.from({ length: 8 }, (_, i) => ({ t: i, dir: 'C' as const, text: `${i} ${'x'.repeat(1000)}` }));
      let largest = 0;
      // 6,000 commits of ~9 KB (≈ 13,000 pages, 3× the backstop), yielding between them as
      // the SMTP path does, so that the thread checkpoints beside the commits
      for (let i = 0; i < 6_000; i++) {
        const record: SessionRecord = { id: `s${i}`, listener: 'mx', profile: 'gmail-mx', startedAt: i, clientAddress: '192.0.2.1', clientPort: 1, tls: false, outcome: 'accepted', lines, decisions: [], warnings: [], messageIds: [] };
        store.writeBatch([{ kind: 'session', session: record }]);
        if (i % 20 === 0) {
          await new Promise((r) => setImmediate(r));
          largest = Math.max(largest, statSync(`${file}-wal`).size);
        }
      }
      // the backstop is 4,000 pages (16 MB); what is written between two checks comes on top
      expect(largest).toBeGreaterThan(0);
      expect(largest).toBeLessThan(24 * 2 ** 20);
    } finally {
      store.close();
    }
  });

  it('starts the thread only for a write that changed something (retention pruning runs every 10 s, idle or not)', () => {
    const store = new SqliteStore(path.join(dir, 'idle.sqlite'), { checkpointThread: true });
    const threads = () => store.checkpointThreads;
    try {
      expect(store.prune({ sessions: 10, messages: 10 })).toEqual({ sessions: 0, messages: 0 });
      expect(store.deleteMessage('no-such-message')).toBe(false);
      expect(store.deleteAllMessages()).toBe(0);
      expect(threads()).toBe(0);
      const record: SessionRecord = { id: 's1', listener: 'mx', profile: 'gmail-mx', startedAt: 1, clientAddress: '192.0.2.1', clientPort: 1, tls: false, outcome: 'accepted', lines: [], decisions: [], warnings: [], messageIds: [] };
      store.writeBatch([{ kind: 'session', session: record }]);
      expect(threads()).toBe(1);
    } finally {
      store.close();
    }
  });

  it('without it, SQLite checkpoints inside the commits as usual', async () => {
    const store = new SqliteStore(path.join(dir, 'e.sqlite'));
    try {
      expect(pragma(store, 'wal_autocheckpoint')).toBe(1000);
      expect(await store.checkpointInThread()).toBeUndefined();
    } finally {
      store.close();
    }
  });

  it('is ignored for a private in-memory database', () => {
    const store = new SqliteStore(':memory:', { checkpointThread: true });
    try {
      expect(pragma(store, 'wal_autocheckpoint')).toBe(1000);
    } finally {
      store.close();
    }
  });
});
