/**
 * A message that may carry attachments is parsed in full for the rules at the end of DATA
 * (mail/rule-facts.ts); it is stored complete, once: its attachments are not written a second
 * time by a display parse after the reply. With the SQLite store that second write broke the
 * attachments' primary key, so the message's display write failed and was retried every
 * second, forever (left pending); with the memory store the attachments were kept twice.
 * Real nodemailer, a real Bouncer, both stores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { BouncerConfigInput } from '../src/config/schema.js';
import { startTestBouncer, type TestBouncer } from './support/bouncer.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'bouncer-attachments-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stores: Array<[string, BouncerConfigInput['store']]> = [
  ['memory', { kind: 'memory' }],
  ['sqlite', { kind: 'sqlite', path: path.join(dir, 'store.sqlite') }],
];

describe.each(stores)('a message with attachments, %s store', (_, store) => {
  let bouncer: TestBouncer | undefined;
  afterEach(async () => {
    await bouncer?.stop();
    bouncer = undefined;
  });

  it('is stored once, complete, with one copy of each attachment and one message.stored', async () => {
    bouncer = await startTestBouncer({ store, listeners: [{ name: 'smtp', port: 0, profile: 'permissive', tls: 'none' }] });
    const stored: string[] = [];
    bouncer.bus.subscribe('message.stored', ({ message }) => stored.push(message.subject ?? ''));
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: bouncer.port('smtp'), secure: false, ignoreTLS: true });
    await transport.sendMail({
      from: 'a@example.com',
      to: 'b@example.com',
      subject: 'with two files',
      text: 'see the files',
      attachments: [
        { filename: 'notes.txt', content: 'hello notes' },
        { filename: 'data.csv', content: 'a,b\n1,2\n' },
      ],
    });
    await transport.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'plain', text: 'no files' });
    await bouncer.settled();

    const list = (await (await fetch(`${bouncer.http.url}/api/v1/messages`)).json()) as { items: Array<{ id: string; subject: string }> };
    const withFiles = list.items.find((m) => m.subject === 'with two files')!;
    const message = (await (await fetch(`${bouncer.http.url}/api/v1/messages/${withFiles.id}`)).json()) as {
      text: string;
      attachments: Array<{ index: number; filename: string; size: number }>;
    };
    expect(message.text).toBe('see the files');
    expect(message.attachments.map((a) => [a.index, a.filename, a.size])).toEqual([
      [0, 'notes.txt', 11],
      [1, 'data.csv', 8],
    ]);
    expect(await (await fetch(`${bouncer.http.url}/api/v1/messages/${withFiles.id}/attachments/1`)).text()).toBe('a,b\n1,2\n');
    if (bouncer.store.kind === 'memory') {
      // white box: the API shows attachments by index, so a second copy of each is only visible inside
      const kept = (bouncer.store as unknown as { messages: Map<string, { attachments: Array<{ index: number }> }> }).messages.get(withFiles.id);
      expect(kept?.attachments.map((a) => a.index)).toEqual([0, 1]);
    }
    // nothing left to parse or retry, and each message announced once
    await new Promise((r) => setTimeout(r, 1200));
    expect(bouncer.store.pendingDisplay()).toEqual([]);
    expect(stored.sort()).toEqual(['plain', 'with two files']);
    const plain = list.items.find((m) => m.subject === 'plain')!;
    expect(((await (await fetch(`${bouncer.http.url}/api/v1/messages/${plain.id}`)).json()) as { text: string }).text).toBe('no files\n');
  });
});
