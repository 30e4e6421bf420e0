/**
 * Group commit for the SMTP path. Writes queue up and are committed together, in one
 * transaction, at the end of the current event-loop turn (or after `maxDelayMs`, or at once
 * when `maxBatch` are waiting). Each caller's promise settles only after that COMMIT, so a
 * 250 written after `await saveMessage(...)` is never ahead of the data it acknowledges.
 * With better-sqlite3 a commit is a synchronous call; one per batch instead of one per
 * message (plus one per session open and close) is most of what the SMTP path saves.
 *
 * Session rows are written lazily: not at open (the live registry serves open sessions); a
 * stub row (summary, no transcript) with a session's first message, which must reference a
 * row; the full snapshot at close, and — so that a crash leaves a recent transcript — at
 * most once per `sessionRefreshMs` while messages keep coming — scaled by the transcript's
 * length (see {@link REFRESH_LINES}). Several writes of one session in a batch become one,
 * with its latest state.
 *
 * Waiting for siblings (like PostgreSQL's `commit_delay` with `commit_siblings`): a message
 * on its way announces itself ({@link StoreWriter.expectMessage}; the SMTP adapter does so
 * when a transaction starts, at MAIL FROM). While announced messages
 * have not joined the batch yet, the commit waits for them, at most `siblingWaitMs` after the
 * batch's first write; once every announced message has joined (or none is announced, as
 * with one client sending serially) it commits at the end of the turn. A commit costs a fixed
 * ~0.4 ms here (WAL pages of every index touched) plus ~0.07 ms per write, so under load
 * fewer, fuller commits are most of the gain, while a lone client waits for nobody.
 *
 * Writes no reply waits for — a message's display fields, a closed session's snapshot — are
 * lazy: alone in the queue they wait up to `lazyWaitMs` for a commit that stores a message,
 * and ride along with it. One client sending serially otherwise paid two commits per message
 * (the message, then its display fields with the session's close). A reader that needs them
 * now (the HTTP API, through DisplayQueue.settled) hurries them: {@link StoreWriter.hurryWhile}.
 *
 * If a batch fails, its parts are retried one transaction each, so that one bad write does
 * not fail the others; whatever still fails rejects its caller (a 451 for a message).
 */
import type { Attachment, MessageRecord, NewMessage, SessionRecord, Store, WriteOp } from './types.js';

/**
 * A snapshot rewrite serialises the whole transcript, so a long session (thousands of
 * messages on one connection) rewritten every second would cost O(lines) per second and
 * flood the heap with megabyte-sized JSON strings (found by the 20,000-message benchmark run:
 * 400 MB RSS). The interval grows with the transcript: `sessionRefreshMs` per this many
 * lines, so the bytes rewritten per second stay bounded whatever the session's length.
 */
export const REFRESH_LINES = 1000;

/** Bouncer's `lazyWaitMs`: events of lazy writes (message.stored, session.closed) come at most this much later. */
export const LAZY_WAIT_MS = 10;

export interface CommitInfo {
  /** Operations in the batch (sessions, messages, display updates). */
  ops: number;
  /** Time spent in the transaction. */
  seconds: number;
  error?: Error;
}

export interface WriteQueueOptions {
  /** 0: commit at the end of the event-loop turn (setImmediate). */
  maxDelayMs?: number;
  /** How long a batch may wait for announced messages still on their way (0: never waits). */
  siblingWaitMs?: number;
  /** How long lazy writes (display fields, session snapshots) wait for company (0: the end of the turn). */
  lazyWaitMs?: number;
  /** A batch with this many units is committed without waiting. */
  maxBatch?: number;
  /** How often an open session's full snapshot is rewritten while its messages are stored. */
  sessionRefreshMs?: number;
  /** Called after every commit attempt (metrics). */
  onCommit?: (info: CommitInfo) => void;
  now?: () => number;
}

/** A message being received: settled by saving it, or by giving it up (dropped, failed, closed). */
export interface ExpectedMessage {
  settle(): void;
}

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

/** Units are retried one by one when their batch fails. */
interface Unit {
  ops: WriteOp[];
  waiters: Waiter[];
}

export class StoreWriter {
  private readonly maxDelayMs: number;
  private readonly siblingWaitMs: number;
  private readonly lazyWaitMs: number;
  private readonly maxBatch: number;
  private readonly sessionRefreshMs: number;
  private readonly now: () => number;
  /** Sessions whose final snapshot waits in this batch (close), by id. */
  private finals = new Map<string, { session: SessionRecord; waiters: Waiter[] }>();
  /** Messages and display updates of this batch, in order. */
  private units: Array<Unit & { sessionId?: string; session?: SessionRecord }> = [];
  /** Open sessions with a row in the store: id → when their full snapshot was last written. */
  private readonly written = new Map<string, number>();

  /** Whether an open session's snapshot, last written at `last`, is due for a rewrite at `at`. */
  private refreshDue(session: SessionRecord, last: number, at: number): boolean {
    return at - last >= this.sessionRefreshMs * Math.max(1, session.lines.length / REFRESH_LINES);
  }
  /** The end-of-turn commit, or the deadline of a batch that waits (for siblings or maxDelayMs). */
  private immediate: NodeJS.Immediate | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private deadlineAt = 0;
  /** Messages in this batch (the writes somebody's reply waits for). */
  private eager = 0;
  /** Readers waiting for lazy writes: while there are any, lazy writes do not wait. */
  private hurried = 0;
  /** Announced messages not saved or given up yet. */
  private expected = 0;
  private closed = false;

  constructor(
    readonly store: Store,
    private readonly options: WriteQueueOptions = {},
  ) {
    this.maxDelayMs = options.maxDelayMs ?? 0;
    this.siblingWaitMs = options.siblingWaitMs ?? 0;
    this.lazyWaitMs = options.lazyWaitMs ?? 0;
    // a commit is synchronous: a bounded batch bounds how long it holds the event loop
    this.maxBatch = options.maxBatch ?? 128;
    this.sessionRefreshMs = options.sessionRefreshMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Announces a message that is being received and will probably be saved soon; commits of
   * other sessions wait a little for it (see the top of this file). Settle it exactly when it
   * is saved or given up; settling twice is harmless.
   */
  expectMessage(): ExpectedMessage {
    this.expected++;
    let settled = false;
    return {
      settle: () => {
        if (settled) return;
        settled = true;
        this.expected--;
        if (this.queued > 0) this.schedule();
      },
    };
  }

  /** Stores a message; its session gets a row if it has none. Resolves after COMMIT. */
  saveMessage(
    message: NewMessage,
    session: SessionRecord,
    opts: { displayPending?: boolean; expected?: ExpectedMessage } = {},
  ): Promise<void> {
    opts.expected?.settle();
    this.eager++;
    return this.enqueue({ ops: [{ kind: 'message', message, displayPending: opts.displayPending ?? false }], waiters: [], sessionId: session.id, session });
  }

  /** Fills in a message's display fields (the deferred parse). Resolves after COMMIT. */
  saveDisplay(record: MessageRecord, attachments: Attachment[]): Promise<void> {
    return this.enqueue({ ops: [{ kind: 'display', record, attachments }], waiters: [] });
  }

  /** Writes a session's snapshot (at close, or after a change worth keeping). Resolves after COMMIT. */
  saveSession(session: SessionRecord, opts: { final?: boolean } = {}): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the store writer is closed'));
    return new Promise((resolve, reject) => {
      const entry = this.finals.get(session.id) ?? { session, waiters: [] };
      entry.session = session;
      entry.waiters.push({ resolve, reject });
      this.finals.set(session.id, entry);
      if (opts.final) this.written.delete(session.id);
      this.schedule();
    });
  }

  /** While `pending` runs, lazy writes are committed without waiting (a reader needs them). */
  async hurryWhile<T>(pending: Promise<T>): Promise<T> {
    this.hurried++;
    this.schedule();
    try {
      return await pending;
    } finally {
      this.hurried--;
    }
  }

  /** Commits whatever is queued now (a synchronous transaction; callers hear of it as a microtask). */
  flush(): Promise<void> {
    this.cancelTimer();
    this.commit();
    return Promise.resolve();
  }

  /** Commits what is queued; later writes are refused. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  /** Writes waiting for the next commit. */
  get queued(): number {
    return this.units.length + this.finals.size;
  }

  private enqueue(unit: Unit & { sessionId?: string; session?: SessionRecord }): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the store writer is closed'));
    return new Promise((resolve, reject) => {
      unit.waiters.push({ resolve, reject });
      this.units.push(unit);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.queued === 0) return;
    if (this.queued >= this.maxBatch) {
      void this.flush();
      return;
    }
    if (this.maxDelayMs > 0) this.commitWithin(this.maxDelayMs);
    else if (this.eager === 0 && this.hurried === 0) this.commitWithin(this.lazyWaitMs);
    else this.commitWithin(this.expected > 0 ? this.siblingWaitMs : 0);
  }

  /**
   * Makes sure the queue is committed within `ms` (0: at the end of this turn). A deadline is
   * only ever brought forward: later writes do not push back the batch's first one.
   */
  private commitWithin(ms: number): void {
    if (this.immediate) return;
    if (ms <= 0) {
      clearTimeout(this.deadline);
      this.deadline = undefined;
      this.immediate = setImmediate(() => void this.flush());
      return;
    }
    const at = performance.now() + ms;
    if (this.deadline && this.deadlineAt <= at) return;
    clearTimeout(this.deadline);
    this.deadlineAt = at;
    this.deadline = setTimeout(() => void this.flush(), ms);
  }

  private cancelTimer(): void {
    clearTimeout(this.deadline);
    clearImmediate(this.immediate);
    this.deadline = undefined;
    this.immediate = undefined;
  }

  private commit(): void {
    if (this.units.length === 0 && this.finals.size === 0) return;
    const units = this.units;
    const finals = this.finals;
    this.units = [];
    this.finals = new Map();
    this.eager = 0;
    const at = this.now();

    // sessions first (messages reference them): a session closing in this batch is written
    // once, with its final snapshot; one that never had a row gets its snapshot now; one
    // whose snapshot is due (refreshDue) gets a fresh one; the others only need
    // their row to still be there (retention may have pruned a long-lived one)
    const batch: Unit[] = [];
    const sessionOps = new Map<string, WriteOp>();
    const refreshed: string[] = [];
    for (const [id, f] of finals) {
      const op: WriteOp = { kind: 'session', session: f.session };
      sessionOps.set(id, op);
      batch.push({ ops: [op], waiters: f.waiters });
    }
    for (const u of units) {
      if (!u.session || sessionOps.has(u.session.id)) continue;
      const last = this.written.get(u.session.id);
      if (last !== undefined && this.refreshDue(u.session, last, at)) {
        sessionOps.set(u.session.id, { kind: 'session', session: u.session });
        refreshed.push(u.session.id);
      } else {
        // the first message of a session: a stub row (no transcript yet) is enough for the
        // message to reference; most sessions close within the refresh interval and write
        // their full snapshot then
        sessionOps.set(u.session.id, { kind: 'session-exists', session: u.session });
        if (last === undefined) refreshed.push(u.session.id);
      }
    }
    for (const u of units) {
      const sessionOp = u.sessionId ? sessionOps.get(u.sessionId) : undefined;
      // a message unit carries its session write, so that a retry on its own still has it
      batch.push({ ops: sessionOp ? [sessionOp, ...u.ops] : u.ops, waiters: u.waiters });
    }

    const ops: WriteOp[] = [];
    const seen = new Set<WriteOp>();
    for (const u of batch) for (const op of u.ops) if (!seen.has(op)) (seen.add(op), ops.push(op));

    const started = process.hrtime.bigint();
    let error: Error | undefined;
    try {
      this.store.writeBatch(ops);
    } catch (err) {
      error = err as Error;
    }
    this.options.onCommit?.({ ops: ops.length, seconds: Number(process.hrtime.bigint() - started) / 1e9, error });

    if (!error) {
      for (const id of refreshed) this.written.set(id, at);
      for (const [id] of finals) this.written.delete(id);
      for (const u of batch) for (const w of u.waiters) w.resolve();
      return;
    }
    // one transaction per unit: a failure caused by one write fails only its own callers
    for (const u of batch) {
      try {
        this.store.writeBatch(u.ops);
        for (const op of u.ops) if (op.kind === 'session' && refreshed.includes(op.session.id)) this.written.set(op.session.id, at);
        for (const w of u.waiters) w.resolve();
      } catch (err) {
        for (const w of u.waiters) w.reject(err as Error);
      }
    }
    for (const [id] of finals) this.written.delete(id);
  }
}
