/**
 * Server-side waits (testing kit): `GET /messages/wait` and `/sessions/wait` answer at once
 * when a match is already stored, else hold the request until the bus announces one, else
 * time out. Nothing polls: one bus subscription per kind, taken while anyone waits, tests each
 * stored message (or closed session) against every waiter's filter once.
 */
import type { EventBus } from '../events/bus.js';
import { messageMatches, messageSearchFields, sessionMatches } from '../store/common.js';
import type { MessageFilter, MessageRecord, SessionFilter, SessionRecord, Store } from '../store/types.js';

interface Waiter<F, R> {
  filter: F;
  resolve: (record: R | undefined) => void;
  timer: NodeJS.Timeout;
}

export interface Wait<R> {
  /** The match, or undefined on timeout or cancel. */
  result: Promise<R | undefined>;
  /** Stops waiting (the client went away); the result resolves to undefined. */
  cancel(): void;
}

export const MAX_WAIT_MS = 300_000;
/** Held requests at once; beyond it a wait is refused rather than piling up. */
export const MAX_WAITERS = 10_000;

export class TooManyWaitsError extends Error {
  constructor() {
    super(`${MAX_WAITERS} requests are already waiting; try again when some have finished`);
    this.name = 'TooManyWaitsError';
  }
}

export class WaitHub {
  private readonly messageWaiters = new Set<Waiter<MessageFilter, MessageRecord>>();
  private readonly sessionWaiters = new Set<Waiter<SessionFilter, SessionRecord>>();
  private unsubscribeMessages: (() => void) | undefined;
  private unsubscribeSessions: (() => void) | undefined;
  private readonly sizeWatchers: Array<{ n: number; resolve: () => void }> = [];

  constructor(private readonly deps: { store: Store; bus: EventBus }) {}

  /** How many requests are waiting right now (tests check that cancelled ones are gone). */
  get size(): number {
    return this.messageWaiters.size + this.sessionWaiters.size;
  }

  /** Resolves when exactly `n` requests are waiting (lets a test line up concurrent waits without polling). */
  whenSize(n: number): Promise<void> {
    if (this.size === n) return Promise.resolve();
    return new Promise((resolve) => this.sizeWatchers.push({ n, resolve }));
  }

  /** Newest stored message matching `filter`, or the first one stored within `timeoutMs`. */
  waitForMessage(filter: MessageFilter, timeoutMs: number): Wait<MessageRecord> {
    const existing = this.deps.store.listMessages({ ...filter, limit: 1, offset: 0 }).items[0];
    const record = existing && this.deps.store.getMessage(existing.id);
    if (record) return settled(record);
    const waiting = this.add(this.messageWaiters, filter, timeoutMs);
    this.unsubscribeMessages ??= this.deps.bus.subscribe('message.stored', ({ message }) =>
      // a subscriber runs inside the SMTP session's publish: it must never throw into it
      this.guard(() => {
        const full = this.deps.store.getMessage(message.id);
        if (!full) return;
        const search = messageSearchFields(full);
        for (const w of this.messageWaiters) if (messageMatches(full, search, w.filter)) w.resolve(full);
      }),
    );
    return waiting;
  }

  /** Newest finished session matching `filter`, or the first one to end within `timeoutMs`. */
  waitForSession(filter: SessionFilter, timeoutMs: number): Wait<SessionRecord> {
    const finished = { ...filter, finished: true };
    const existing = this.deps.store.listSessions({ ...finished, limit: 1, offset: 0 }).items[0];
    const record = existing && this.deps.store.getSession(existing.id);
    if (record) return settled(record);
    const waiting = this.add(this.sessionWaiters, filter, timeoutMs);
    this.unsubscribeSessions ??= this.deps.bus.subscribe('session.closed', ({ session }) =>
      this.guard(() => {
        // the recorder stored the final record before announcing it
        const full = this.deps.store.getSession(session.id) ?? { ...session, lines: [], decisions: [], warnings: [] };
        for (const w of this.sessionWaiters) if (sessionMatches(full, { ...w.filter, finished: true })) w.resolve(full);
      }),
    );
    return waiting;
  }

  /** Releases every waiter (server shutdown). */
  close(): void {
    for (const w of [...this.messageWaiters, ...this.sessionWaiters]) w.resolve(undefined);
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch {
      // the store is closing (shutdown): the waits end by timeout or by the connection closing
    }
  }

  private add<F, R>(set: Set<Waiter<F, R>>, filter: F, timeoutMs: number): Wait<R> {
    if (this.size >= MAX_WAITERS) throw new TooManyWaitsError();
    let resolveResult!: (r: R | undefined) => void;
    const result = new Promise<R | undefined>((resolve) => (resolveResult = resolve));
    const waiter: Waiter<F, R> = {
      filter,
      timer: setTimeout(() => waiter.resolve(undefined), timeoutMs),
      resolve: (record) => {
        if (!set.delete(waiter)) return;
        clearTimeout(waiter.timer);
        this.releaseSubscriptions();
        this.notifySize();
        resolveResult(record);
      },
    };
    set.add(waiter);
    this.notifySize();
    return { result, cancel: () => waiter.resolve(undefined) };
  }

  private notifySize(): void {
    for (let i = this.sizeWatchers.length - 1; i >= 0; i--) {
      const w = this.sizeWatchers[i]!;
      if (w.n === this.size) {
        this.sizeWatchers.splice(i, 1);
        w.resolve();
      }
    }
  }

  /** Without waiters, nothing listens on the bus. */
  private releaseSubscriptions(): void {
    if (this.messageWaiters.size === 0 && this.unsubscribeMessages) {
      this.unsubscribeMessages();
      this.unsubscribeMessages = undefined;
    }
    if (this.sessionWaiters.size === 0 && this.unsubscribeSessions) {
      this.unsubscribeSessions();
      this.unsubscribeSessions = undefined;
    }
  }
}

function settled<R>(record: R): Wait<R> {
  return { result: Promise.resolve(record), cancel: () => undefined };
}
