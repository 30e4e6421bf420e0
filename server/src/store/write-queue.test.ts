import { describe, expect, it } from 'vitest';
import { MemoryStore } from './memory.js';
import type { NewMessage, SessionRecord, WriteOp } from './types.js';
import { REFRESH_LINES, StoreWriter } from './write-queue.js';

function session(id: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id,
    listener: 'smtp',
    profile: 'gmail-mx',
    startedAt: 1000,
    clientAddress: '127.0.0.1',
    clientPort: 40000,
    tls: false,
    outcome: 'open',
    lines: [{ t: 0, dir: 'S', text: '220 ready' }],
    decisions: [],
    warnings: [],
    messageIds: [],
    ...overrides,
  };
}

function message(id: string, sessionId: string): NewMessage {
  return {
    record: {
      id,
      sessionId,
      receivedAt: 2000,
      status: 'accepted',
      mailFrom: 'a@example.com',
      rcptTo: ['b@example.org'],
      size: 10,
      truncated: false,
      from: [],
      to: [],
      cc: [],
      headers: [{ name: 'subject', value: id }],
      attachments: [],
    },
    raw: Buffer.from(`Subject: ${id}\r\n\r\nbody`),
    attachments: [],
  };
}

/** A MemoryStore that records each batch and can be told to fail. */
class RecordingStore extends MemoryStore {
  batches: WriteOp[][] = [];
  failWhen: ((ops: WriteOp[]) => boolean) | undefined;
  override writeBatch(ops: WriteOp[]): void {
    this.batches.push(ops);
    if (this.failWhen?.(ops)) throw new Error('disk full (simulated)');
    super.writeBatch(ops);
  }
}

const tick = () => new Promise((r) => setImmediate(r));

describe('StoreWriter (group commit)', () => {
  it('a caller is answered only after the commit that holds its write', async () => {
    const store = new RecordingStore();
    const writer = new StoreWriter(store);
    const s = session('s1', { messageIds: ['m1'] });
    let done = false;
    const saved = writer.saveMessage(message('m1', 's1'), s).then(() => {
      done = true;
      // the message is in the store by the time the caller hears of it
      expect(store.getMessage('m1')).toBeDefined();
    });
    expect(store.getMessage('m1')).toBeUndefined();
    expect(done).toBe(false);
    await saved;
    expect(done).toBe(true);
  });

  it('writes queued in one event-loop turn share one transaction', async () => {
    const store = new RecordingStore();
    const writer = new StoreWriter(store);
    const saves = Array.from({ length: 20 }, (_, i) => writer.saveMessage(message(`m${i}`, `s${i}`), session(`s${i}`)));
    await Promise.all(saves);
    expect(store.batches).toHaveLength(1);
    expect(store.batches[0]!.filter((op) => op.kind === 'message')).toHaveLength(20);
    // each session's row is made sure of before its message
    expect(store.batches[0]!.map((op) => op.kind).slice(0, 2)).toEqual(['session-exists', 'message']);
  });

  it('commits at once when maxBatch writes are waiting', async () => {
    const store = new RecordingStore();
    const writer = new StoreWriter(store, { maxBatch: 5, maxDelayMs: 10_000 });
    const saves = Array.from({ length: 10 }, (_, i) => writer.saveMessage(message(`m${i}`, 's1'), session('s1')));
    await Promise.all(saves);
    expect(store.batches.length).toBeGreaterThanOrEqual(2);
    expect(store.counts().messages).toBe(10);
  });

  it('the session row: a stub with its first message, then only made sure of until sessionRefreshMs passed, then a full snapshot', async () => {
    const store = new RecordingStore();
    let now = 0;
    const writer = new StoreWriter(store, { sessionRefreshMs: 1000, now: () => now });
    const s = session('s1');
    await writer.saveMessage(message('m1', 's1'), s);
    await writer.saveMessage(message('m2', 's1'), s);
    now = 1500;
    await writer.saveMessage(message('m3', 's1'), s);
    const kinds = store.batches.map((b) => b.find((op) => op.kind.startsWith('session'))?.kind);
    expect(kinds).toEqual(['session-exists', 'session-exists', 'session']);
    expect(store.getSession('s1')).toEqual(s);
  });

  it('a long transcript is rewritten less often: sessionRefreshMs per REFRESH_LINES lines', async () => {
    const store = new RecordingStore();
    let now = 0;
    const writer = new StoreWriter(store, { sessionRefreshMs: 1000, now: () => now });
    const line = { t: 0, dir: 'S' as const, text: '250 2.0.0 OK' };
    const s = { ...session('s1'), lines: Array.from({ length: 3 * REFRESH_LINES }, () => line) };
    await writer.saveMessage(message('m1', 's1'), s);
    now = 2999; // 3,000 lines: due after 3 s, not after 1 s
    await writer.saveMessage(message('m2', 's1'), s);
    now = 3000;
    await writer.saveMessage(message('m3', 's1'), s);
    const kinds = store.batches.map((b) => b.find((op) => op.kind.startsWith('session'))?.kind);
    expect(kinds).toEqual(['session-exists', 'session-exists', 'session']);
  });

  it('several writes of one session in a batch become one, with its latest snapshot', async () => {
    const store = new RecordingStore();
    const writer = new StoreWriter(store);
    const s = session('s1');
    const a = writer.saveMessage(message('m1', 's1'), s);
    const closed = { ...s, outcome: 'accepted' as const, endedAt: 3000 };
    const b = writer.saveSession(closed, { final: true });
    const c = writer.saveSession(closed, { final: true });
    await Promise.all([a, b, c]);
    expect(store.batches).toHaveLength(1);
    expect(store.batches[0]!.filter((op) => op.kind === 'session')).toHaveLength(1);
    expect(store.getSession('s1')?.outcome).toBe('accepted');
  });

  it('a failed batch is retried write by write: only the failing write’s caller is refused', async () => {
    const store = new RecordingStore();
    const writer = new StoreWriter(store);
    store.failWhen = (ops) => ops.some((op) => op.kind === 'message' && op.message.record.id === 'bad');
    const good = writer.saveMessage(message('good', 's1'), session('s1'));
    const bad = writer.saveMessage(message('bad', 's2'), session('s2'));
    await expect(good).resolves.toBeUndefined();
    await expect(bad).rejects.toThrow('disk full (simulated)');
    expect(store.getMessage('good')).toBeDefined();
    expect(store.getMessage('bad')).toBeUndefined();
  });

  it('while the store fails every write is refused; once it recovers writes succeed again', async () => {
    const store = new RecordingStore();
    const writer = new StoreWriter(store);
    store.failWhen = () => true;
    await expect(writer.saveMessage(message('m1', 's1'), session('s1'))).rejects.toThrow('disk full');
    store.failWhen = undefined;
    await expect(writer.saveMessage(message('m2', 's1'), session('s1'))).resolves.toBeUndefined();
    // the session row was never written while failing: it is written with the next message
    expect(store.getSession('s1')).toBeDefined();
  });

  it('reports each commit (ops, seconds, error)', async () => {
    const store = new RecordingStore();
    const commits: Array<{ ops: number; error?: Error }> = [];
    const writer = new StoreWriter(store, { onCommit: (c) => commits.push(c) });
    await writer.saveMessage(message('m1', 's1'), session('s1'));
    store.failWhen = () => true;
    await writer.saveMessage(message('m2', 's1'), session('s1')).catch(() => undefined);
    expect(commits.map((c) => [c.ops, !!c.error])).toEqual([
      [2, false],
      [2, true],
    ]);
  });

  it('close() commits what is queued and refuses later writes', async () => {
    const store = new RecordingStore();
    const writer = new StoreWriter(store, { maxDelayMs: 10_000 });
    const pending = writer.saveMessage(message('m1', 's1'), session('s1'));
    await writer.close();
    await pending;
    expect(store.getMessage('m1')).toBeDefined();
    await expect(writer.saveMessage(message('m2', 's1'), session('s1'))).rejects.toThrow(/closed/);
    await tick();
  });

  describe('waiting for announced messages (siblingWaitMs)', () => {
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

    it('a commit waits for a message another session is still receiving, then both share one transaction', async () => {
      const store = new RecordingStore();
      const writer = new StoreWriter(store, { siblingWaitMs: 10_000 });
      const a = writer.expectMessage();
      const b = writer.expectMessage();
      const first = writer.saveMessage(message('m1', 's1'), session('s1'), { expected: a });
      await tick();
      await tick();
      // m2 is announced and not here yet: nothing is committed, m1's caller is not answered
      expect(store.batches).toHaveLength(0);
      const second = writer.saveMessage(message('m2', 's2'), session('s2'), { expected: b });
      await Promise.all([first, second]);
      expect(store.batches).toHaveLength(1);
      expect(store.batches[0]!.filter((op) => op.kind === 'message')).toHaveLength(2);
    });

    it('a message given up (dropped, connection closed) stops the wait at once', async () => {
      const store = new RecordingStore();
      const writer = new StoreWriter(store, { siblingWaitMs: 10_000 });
      const a = writer.expectMessage();
      const gone = writer.expectMessage();
      const saved = writer.saveMessage(message('m1', 's1'), session('s1'), { expected: a });
      await tick();
      expect(store.batches).toHaveLength(0);
      gone.settle();
      gone.settle(); // twice is harmless: the count does not go below the truth
      await saved;
      expect(store.batches).toHaveLength(1);
      // nobody is announced any more: the next write commits at the end of its turn
      await writer.saveMessage(message('m2', 's1'), session('s1'));
      expect(store.batches).toHaveLength(2);
    });

    it('the wait is bounded by siblingWaitMs from the batch’s first write', async () => {
      const store = new RecordingStore();
      const writer = new StoreWriter(store, { siblingWaitMs: 30 });
      writer.expectMessage(); // never arrives
      const a = writer.expectMessage();
      const started = Date.now();
      await writer.saveMessage(message('m1', 's1'), session('s1'), { expected: a });
      expect(Date.now() - started).toBeGreaterThanOrEqual(25);
      expect(store.batches).toHaveLength(1);
    });

    it('a lone client waits for nobody: its own announced message commits at the end of the turn', async () => {
      const store = new RecordingStore();
      const writer = new StoreWriter(store, { siblingWaitMs: 10_000 });
      const a = writer.expectMessage();
      await Promise.race([
        writer.saveMessage(message('m1', 's1'), session('s1'), { expected: a }),
        wait(2000).then(() => {
          throw new Error('the commit waited for its own message');
        }),
      ]);
      expect(store.batches).toHaveLength(1);
    });
  });

  describe('lazy writes (lazyWaitMs)', () => {
    const display = (id: string) => message(id, 's1').record;

    it('display fields alone wait for the next message commit and ride along with it', async () => {
      const store = new RecordingStore();
      const writer = new StoreWriter(store, { lazyWaitMs: 10_000 });
      await writer.saveMessage(message('m1', 's1'), session('s1'));
      expect(store.batches).toHaveLength(1);
      let displayed = false;
      const d = writer.saveDisplay({ ...display('m1'), subject: 'parsed' }, []).then(() => (displayed = true));
      const closing = writer.saveSession(session('s1', { outcome: 'accepted' }), { final: true });
      await tick();
      await tick();
      expect(store.batches).toHaveLength(1);
      expect(displayed).toBe(false);
      // a message (somebody waits for its 250) commits at once, and takes the lazy writes along
      await writer.saveMessage(message('m2', 's2'), session('s2'));
      await Promise.all([d, closing]);
      expect(store.batches).toHaveLength(2);
      expect(store.batches[1]!.map((op) => op.kind).sort()).toEqual(['display', 'message', 'session', 'session-exists']);
    });

    it('they wait at most lazyWaitMs', async () => {
      const store = new RecordingStore();
      const writer = new StoreWriter(store, { lazyWaitMs: 30 });
      const started = Date.now();
      await writer.saveSession(session('s1', { outcome: 'no-mail' }), { final: true });
      expect(Date.now() - started).toBeGreaterThanOrEqual(25);
      expect(store.getSession('s1')?.outcome).toBe('no-mail');
    });

    it('a reader hurrying them (hurryWhile) gets them committed at the end of the turn', async () => {
      const store = new RecordingStore();
      const writer = new StoreWriter(store, { lazyWaitMs: 10_000 });
      await writer.saveMessage(message('m1', 's1'), session('s1'));
      let release!: () => void;
      const reader = writer.hurryWhile(new Promise<void>((r) => (release = r)));
      // written while the reader waits: not lazy any more
      await writer.saveDisplay({ ...display('m1'), subject: 'parsed' }, []);
      expect(store.getMessage('m1')?.subject).toBe('parsed');
      release();
      await reader;
      // the reader is gone: lazy again
      let closed = false;
      void writer.saveSession(session('s1', { outcome: 'accepted' }), { final: true }).then(() => (closed = true));
      await tick();
      await tick();
      expect(closed).toBe(false);
      await writer.flush();
    });
  });
});
