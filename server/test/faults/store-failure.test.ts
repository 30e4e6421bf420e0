/**
 * The disk fills up under the SQLite store (simulated for real: PRAGMA max_page_count at the
 * file's current size, so SQLite itself fails with SQLITE_FULL "database or disk is full").
 * The client gets a temporary `451 4.3.0` — never a 250 —, the session records why, nothing
 * half-written is kept, and once there is room again the same session delivers the message.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedPattern, expectOpen, open, sendMessage, storedSession, uniqueMessageId } from '../dialog/helpers.js';
import { startTestBouncer, type TestBouncer } from '../support/bouncer.js';

let tmp: string;
let bouncer: TestBouncer;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'bouncer-full-'));
  bouncer = await startTestBouncer({ store: { kind: 'sqlite', path: path.join(tmp, 'b.sqlite') } });
});
afterAll(async () => {
  await bouncer?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The store's own connection (white box: max_page_count is a per-connection setting). */
const db = () => (bouncer.store as unknown as { db: Database.Database }).db;

function body(subject: string): string {
  // big enough to need new pages whatever free space the file has
  return [`From: a@example.com`, `To: b@example.org`, `Subject: ${subject}`, `Message-ID: ${uniqueMessageId()}`, 'Date: Mon, 01 Jan 2024 00:00:00 +0000', '', ...Array.from({ length: 800 }, (_, i) => `line ${i} ${'x'.repeat(90)}`), '.'].join('\r\n');
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${bouncer.http.url}/metrics`)).text();
  return Number(new RegExp(`^${name.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
}

describe('store write failure (disk full)', () => {
  it('451 4.3.0 and never 250 while the disk is full; the session says why; the same session delivers once there is room', async () => {
    expect(bouncer.store.kind).toBe('sqlite');
    const s = await open(bouncer);
    expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
    expect((await sendMessage(s, { body: body('before') })).last).toMatch(acceptedPattern(s.id));

    const pages = db().pragma('page_count', { simple: true }) as number;
    db().pragma(`max_page_count = ${pages}`);
    try {
      const failed = await sendMessage(s, { body: body('while full') });
      expect(failed.lines).toEqual([`451 4.3.0 Temporary System Problem. Try again later. ${s.id} - gsmtp`]);
      // a second try while still full: the same temporary failure
      const again = await sendMessage(s, { body: body('while full') });
      expect(again.lines).toEqual([`451 4.3.0 Temporary System Problem. Try again later. ${s.id} - gsmtp`]);
      await expectOpen(s);

      const live = bouncer.live.get(s.id)!;
      const decisions = live.decisions.filter((d) => d.ruleId === 'store.write-failed');
      expect(decisions).toHaveLength(2);
      expect(decisions[0]).toMatchObject({ phase: 'message', verdict: 'reject', reply: { code: 451, enhanced: '4.3.0' } });
      expect(decisions[0]!.why).toBe('The message could not be stored: database or disk is full');
      expect(decisions[0]!.fix).toMatch(/temporary failure/);
      expect(live.messageIds).toHaveLength(1);
      expect(await metric('bouncer_messages_total{listener="smtp",profile="gmail-mx",outcome="temp-failed"}')).toBe(2);
      expect(await metric('bouncer_store_commit_failures_total')).toBeGreaterThanOrEqual(2);
    } finally {
      db().pragma('max_page_count = 1073741823');
    }

    // room again: the retry in the same session is accepted and stored once
    expect((await sendMessage(s, { body: body('while full') })).last).toMatch(acceptedPattern(s.id));
    expect((await s.c.command('QUIT')).code).toBe(221);
    const stored = await storedSession(bouncer, s.id);
    expect(stored.outcome).toBe('accepted');
    expect(stored.decisions.filter((d) => d.ruleId === 'store.write-failed')).toHaveLength(2);
    expect(stored.lines.filter((l) => l.dir === 'S' && l.text.startsWith('451 4.3.0'))).toHaveLength(2);
    // the display fields of the message stored just before the disk filled up could not be
    // written then; they are retried until the store takes them
    await bouncer.settled();
    const deadline = Date.now() + 5000;
    let messages = bouncer.store.listMessages({ sessionId: s.id }).items;
    while (messages.some((m) => m.subject === undefined) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      messages = bouncer.store.listMessages({ sessionId: s.id }).items;
    }
    expect(messages.map((m) => m.subject).sort()).toEqual(['before', 'while full']);
    expect(bouncer.store.pendingDisplay()).toEqual([]);
    expect(stored.messageIds.sort()).toEqual(messages.map((m) => m.id).sort());
    expect(db().pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
