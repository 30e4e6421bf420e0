/**
 * What the SMTP adapter relies on: once saveMessage returns, the message is in the file,
 * visible to any other connection, even if this one is never closed (the process is
 * killed). The SIGKILL test of the whole server lives with the server tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite.js';
import type { NewMessage, SessionRecord } from './types.js';

const N = 200;

function session(id: string, messageIds: string[]): SessionRecord {
  return {
    id,
    listener: 'mx',
    profile: 'gmail-mx',
    startedAt: 1_000,
    clientAddress: '192.0.2.1',
    clientPort: 25025,
    tls: false,
    outcome: 'open',
    lines: [{ t: 0, dir: 'S', text: '220 ready' }],
    decisions: [],
    warnings: [],
    messageIds,
  };
}

function message(id: string, sessionId: string, receivedAt: number): NewMessage {
  const content = Buffer.from(`attachment of ${id}`);
  return {
    record: {
      id,
      sessionId,
      receivedAt,
      status: 'accepted',
      mailFrom: 'a@example.org',
      rcptTo: ['b@example.com'],
      size: 64,
      truncated: false,
      subject: id,
      from: [],
      to: [],
      cc: [],
      text: `body ${id}`,
      headers: [],
      attachments: [{ index: 0, filename: 'a.txt', contentType: 'text/plain', size: content.length }],
    },
    raw: Buffer.from(`Subject: ${id}\r\n\r\nbody ${id}\r\n`),
    attachments: [{ index: 0, filename: 'a.txt', contentType: 'text/plain', size: content.length, content }],
  };
}

describe('SqliteStore durability', () => {
  let dir: string;
  const open: SqliteStore[] = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bouncer-durability-'));
  });

  afterEach(() => {
    for (const store of open.splice(0)) store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a second connection sees every committed message while the writer is still open', () => {
    const file = path.join(dir, 'bouncer.db');
    const writer = new SqliteStore(file);
    open.push(writer);

    const messageIds: string[] = [];
    for (let i = 0; i < N; i++) {
      const id = `m${i}`;
      messageIds.push(id);
      writer.saveMessage(message(id, 's1', i), session('s1', [...messageIds]));
    }
    // No writer.close(): nothing is checkpointed or flushed beyond what each commit did.

    const reader = new SqliteStore(file);
    open.push(reader);
    expect(reader.counts()).toEqual({ sessions: 1, messages: N, accepted: N, rejected: 0 });
    expect(reader.getSession('s1')?.messageIds).toHaveLength(N);
    expect(reader.listMessages({ limit: 1 }).items[0]?.id).toBe(`m${N - 1}`);
    expect(reader.getRaw('m0')?.toString()).toContain('body m0');
    expect(reader.getAttachment(`m${N - 1}`, 0)?.content.toString()).toBe(`attachment of m${N - 1}`);

    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(2);
    } finally {
      db.close();
    }
  });

  it('reopening an existing file keeps its data (the schema set-up is idempotent)', () => {
    const file = path.join(dir, 'bouncer.db');
    const first = new SqliteStore(file);
    first.saveMessage(message('m1', 's1', 1), session('s1', ['m1']));
    first.close();

    const second = new SqliteStore(file);
    open.push(second);
    expect(second.getMessage('m1')?.text).toBe('body m1');
  });

  it('migrates a schema-1 file: the tag moves from an expression index into a column, nothing is lost', () => {
    const file = path.join(dir, 'schema1.db');
    const writer = new SqliteStore(file);
    const m = message('m1', 's1', 1);
    writer.saveMessage({ ...m, record: { ...m.record, tag: 't-old' } }, { ...session('s1', ['m1']), tag: 't-old' });
    writer.close();
    // turn it back into what schema 1 wrote: no tag column, the tag indexed out of the summary JSON
    const db = new Database(file);
    for (const table of ['sessions', 'messages']) {
      db.exec(`DROP INDEX ${table}_tag_col; ALTER TABLE ${table} DROP COLUMN tag; CREATE INDEX ${table}_tag ON ${table} (json_extract(summary, '$.tag'));`);
    }
    db.pragma('user_version = 1');
    db.close();

    const migrated = new SqliteStore(file);
    open.push(migrated);
    expect(migrated.listMessages({ tag: 't-old' }).items.map((x) => x.id)).toEqual(['m1']);
    expect(migrated.listSessions({ tag: 't-old' }).items.map((x) => x.id)).toEqual(['s1']);
    expect(migrated.getMessage('m1')?.text).toBe('body m1');
    const check = new Database(file, { readonly: true });
    try {
      expect(check.pragma('user_version', { simple: true })).toBe(2);
      const indexes = check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%tag%' ORDER BY name").pluck().all();
      expect(indexes).toEqual(['messages_tag_col', 'sessions_tag_col']);
    } finally {
      check.close();
    }
  });

  it('refuses a file written by a newer schema', () => {
    const file = path.join(dir, 'future.db');
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => new SqliteStore(file)).toThrow(/newer/);
  });
});
