/**
 * The one WebSocket (`/api/v1/events`) and the session list it keeps current.
 *
 * - Reconnects with a short back-off after any drop; the header shows "disconnected —
 *   retrying" meanwhile.
 * - After every `hello` (first connect and each reconnect) the list is reloaded from the HTTP
 *   API; events that arrive while the first page is in flight are queued and applied after it,
 *   so nothing is lost and, the list being keyed by session id, nothing is doubled.
 * - Counters (sessions per outcome) come from `hello`, which the server takes at the instant
 *   the socket joins, plus every event after it: exact, with no race against HTTP.
 * - Warning counts (`warningCount`) of open sessions follow `session.warning` events; the
 *   summary in `session.closed` has the final count. A warning queued during a reload may or
 *   may not be in the page already: such a session's count is then taken from its full record
 *   joined with the events (warnings.ts de-duplicates), so it is neither doubled nor lost.
 * - Views that show one session or the messages subscribe to the raw events and reload their
 *   own data on `hello`.
 */
import { useSyncExternalStore } from 'react';
import { api } from './api';
import type { LiveEvent, Outcome, SessionSummary, Warning } from './types';
import { warningKey } from './warnings';

export type ConnectionStatus = 'connecting' | 'live' | 'disconnected';

export interface LiveSnapshot {
  status: ConnectionStatus;
  /** Loaded sessions, newest first. */
  sessions: readonly SessionSummary[];
  /** Sessions on the server per outcome; null before the first hello. */
  outcomes: Readonly<Record<Outcome, number>> | null;
  /** True while the list is being (re)loaded. */
  loading: boolean;
  /** Older sessions on the server beyond what the UI loads. */
  notLoaded: number;
  version: string;
  /** Counts (re)connections; views reload when it changes. */
  epoch: number;
}

/** Page size when loading the list; the API's maximum. */
const PAGE = 1000;
/** The first page is small, so the newest sessions are on screen at once. */
const FIRST_PAGE = 200;
/** The list loads at most this many sessions (the default retention is 10,000). */
export const MAX_LOADED_SESSIONS = 20_000;
/** Back-off between reconnection attempts, then the last value again. */
const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 3000];

const newestFirst = (a: SessionSummary, b: SessionSummary) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

type Listener = () => void;
type EventListener = (event: LiveEvent) => void;

export class LiveStore {
  private snapshot: LiveSnapshot = { status: 'connecting', sessions: [], outcomes: null, loading: true, notLoaded: 0, version: '', epoch: 0 };
  private byId = new Map<string, SessionSummary>();
  private ordered: SessionSummary[] = [];
  private pendingNew: string[] = [];
  private pendingUpdate = new Set<string>();
  private needResort = false;
  private newestStart = -Infinity;
  private outcomes: Record<Outcome, number> | null = null;
  private listeners = new Set<Listener>();
  private eventListeners = new Set<EventListener>();
  private ws: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** Events that arrived while the list's first page was loading. */
  private queue: LiveEvent[] | null = null;
  /** Bumped on every connect and drop: a stale reload stops. */
  private generation = 0;
  /** Per open session: the keys of the warnings known since the last hello (events, recounts). */
  private warningKeys = new Map<string, Set<string>>();
  /** Sessions whose `session.opened` came since the last hello: every warning of theirs is an event. */
  private openedSinceHello = new Set<string>();
  private started = false;

  constructor(private readonly url: () => string) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.connect();
    // a tab that comes back, or a network that returns, should not wait out the back-off
    window.addEventListener('online', () => this.retryNow());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.retryNow();
    });
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): LiveSnapshot => this.snapshot;

  /** Every event as it arrives, `hello` included (reload your data then). */
  onEvent(listener: EventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  // ---- connection ----------------------------------------------------------------------

  private connect(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onmessage = (m) => {
      if (this.ws !== ws || typeof m.data !== 'string') return;
      let event: LiveEvent;
      try {
        event = JSON.parse(m.data) as LiveEvent;
      } catch {
        return;
      }
      this.receive(event);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.generation++;
      this.queue = null;
      this.set({ status: 'disconnected' });
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    const delay = RETRY_DELAYS_MS[Math.min(this.attempt, RETRY_DELAYS_MS.length - 1)]!;
    this.attempt++;
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private retryNow(): void {
    if (this.ws || !this.started) return;
    this.connect();
  }

  private receive(event: LiveEvent): void {
    if (event.type === 'hello') {
      this.attempt = 0;
      this.warningKeys.clear();
      this.openedSinceHello.clear();
      this.outcomes = event.data.outcomes ? { ...event.data.outcomes } : null;
      this.set({ status: 'live', version: event.data.version, epoch: this.snapshot.epoch + 1, outcomes: this.outcomes ? { ...this.outcomes } : null });
      void this.reload();
      this.emit(event);
      return;
    }
    this.count(event);
    this.emit(event);
    if (this.queue) this.queue.push(event);
    else this.apply(event);
  }

  private emit(event: LiveEvent): void {
    for (const l of this.eventListeners) {
      try {
        l(event);
      } catch (err) {
        console.error(err);
      }
    }
  }

  /** Keeps the per-outcome counters: hello's snapshot plus each change after it. */
  private count(event: LiveEvent): void {
    const o = this.outcomes;
    if (!o) return;
    if (event.type === 'session.opened') o.open++;
    else if (event.type === 'session.closed') {
      o.open = Math.max(0, o.open - 1);
      o[event.data.session.outcome]++;
    } else return;
    this.scheduleFlush();
  }

  // ---- the list ------------------------------------------------------------------------

  /** Reloads the list after a (re)connect: first page, queued events, then older pages. */
  private async reload(): Promise<void> {
    const gen = ++this.generation;
    this.queue = [];
    this.set({ loading: true });
    try {
      const first = await api.sessions({ limit: FIRST_PAGE, offset: 0 });
      if (gen !== this.generation) return;
      this.byId = new Map(first.items.map((s) => [s.id, s]));
      this.needResort = true;
      const queued = this.queue ?? [];
      this.queue = null;
      const recount = new Set<string>();
      for (const event of queued) this.apply(event, recount);
      this.flush();
      for (const id of recount) void this.recountWarnings(id, gen);

      let offset = first.items.length;
      let total = first.total;
      // bounded: at most MAX_LOADED_SESSIONS / PAGE further requests
      while (offset < total && offset < MAX_LOADED_SESSIONS) {
        const page = await api.sessions({ limit: Math.min(PAGE, MAX_LOADED_SESSIONS - offset), offset });
        if (gen !== this.generation) return;
        if (page.items.length === 0) break;
        // live events are newer than any page: a session already here stays as it is
        for (const s of page.items) if (!this.byId.has(s.id)) this.byId.set(s.id, s);
        this.needResort = true;
        this.scheduleFlush();
        offset += page.items.length;
        total = page.total;
      }
      this.flush();
      this.set({ loading: false, notLoaded: Math.max(0, total - offset) });
    } catch {
      if (gen !== this.generation) return;
      // the API failed while the socket is up: start over through the reconnect path
      this.queue = null;
      this.ws?.close();
    }
  }

  /**
   * Applies one event to the list. `recount` is given for events queued during a reload: a
   * warning for a session that opened before the hello may already be in the page's count, so
   * the session is put there to be recounted from its full record instead.
   */
  private apply(event: LiveEvent, recount?: Set<string>): void {
    switch (event.type) {
      case 'session.opened':
        this.openedSinceHello.add(event.data.session.id);
        this.upsert(event.data.session);
        break;
      case 'session.closed':
        // the closing summary's warningCount is final
        this.warningKeys.delete(event.data.session.id);
        this.openedSinceHello.delete(event.data.session.id);
        this.upsert(event.data.session);
        break;
      case 'session.warning': {
        const { sessionId, warning } = event.data;
        if (!this.noteWarning(sessionId, warning)) break;
        const s = this.byId.get(sessionId);
        // a closed session's summary already counts all its warnings
        if (!s || s.outcome !== 'open') break;
        if (recount && !this.openedSinceHello.has(sessionId)) recount.add(sessionId);
        else this.update({ ...s, warningCount: (s.warningCount ?? 0) + 1 });
        break;
      }
      case 'session.decision': {
        const s = this.byId.get(event.data.sessionId);
        const d = event.data.decision;
        if (s && d.verdict === 'reject' && d.reply) {
          this.update({ ...s, rejection: { phase: d.phase, ruleId: d.ruleId, code: d.reply.code, enhanced: d.reply.enhanced } });
        }
        break;
      }
      case 'session.line': {
        // the summary learns the EHLO name only at close; an open row shows it as it is sent
        const s = this.byId.get(event.data.sessionId);
        const line = event.data.line;
        if (s && s.outcome === 'open' && !s.heloName && line.dir === 'C') {
          const m = /^(EHLO|HELO)\s+(\S+)/i.exec(line.text);
          if (m) this.update({ ...s, heloVerb: m[1]!.toUpperCase() as 'EHLO' | 'HELO', heloName: m[2] });
        }
        break;
      }
      case 'message.stored': {
        const m = event.data.message;
        const s = this.byId.get(m.sessionId);
        if (s && !s.messageIds.includes(m.id)) this.update({ ...s, messageIds: [...s.messageIds, m.id], subject: m.subject ?? s.subject });
        break;
      }
    }
  }

  /** Remembers a warning of an open session; false when it was known already. */
  private noteWarning(sessionId: string, warning: Warning): boolean {
    let keys = this.warningKeys.get(sessionId);
    if (!keys) this.warningKeys.set(sessionId, (keys = new Set()));
    const key = warningKey(warning);
    if (keys.has(key)) return false;
    keys.add(key);
    return true;
  }

  /** An open session's exact warning count: its full record joined with the warning events. */
  private async recountWarnings(id: string, gen: number): Promise<void> {
    try {
      const full = await api.session(id);
      if (gen !== this.generation) return;
      const s = this.byId.get(id);
      if (!s || s.outcome !== 'open' || full.outcome !== 'open') return;
      for (const w of full.warnings ?? []) this.noteWarning(id, w);
      this.update({ ...s, warningCount: this.warningKeys.get(id)?.size ?? 0 });
    } catch {
      // the next session.warning or session.closed brings the count
    }
  }

  private upsert(s: SessionSummary): void {
    const prev = this.byId.get(s.id);
    // a queued "opened" must not undo a "closed" the reloaded page already shows
    if (prev && prev.outcome !== 'open' && s.outcome === 'open') return;
    if (prev) {
      this.update({ ...s, subject: s.subject ?? prev.subject });
      return;
    }
    this.byId.set(s.id, s);
    if (s.startedAt >= this.newestStart) this.pendingNew.push(s.id);
    else this.needResort = true;
    this.newestStart = Math.max(this.newestStart, s.startedAt);
    this.scheduleFlush();
  }

  private update(s: SessionSummary): void {
    this.byId.set(s.id, s);
    this.pendingUpdate.add(s.id);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    // at most one re-render per 16 ms however fast events come
    this.flushTimer ??= setTimeout(() => this.flush(), 16);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.needResort) {
      this.ordered = [...this.byId.values()].sort(newestFirst);
    } else {
      let next = this.ordered;
      if (this.pendingUpdate.size) next = next.map((s) => (this.pendingUpdate.has(s.id) ? this.byId.get(s.id)! : s));
      if (this.pendingNew.length) {
        const fresh = this.pendingNew.map((id) => this.byId.get(id)!).sort(newestFirst);
        next = [...fresh, ...next];
      }
      this.ordered = next;
    }
    this.newestStart = this.ordered[0]?.startedAt ?? -Infinity;
    this.needResort = false;
    this.pendingNew = [];
    this.pendingUpdate.clear();
    this.set({ sessions: this.ordered, outcomes: this.outcomes ? { ...this.outcomes } : null });
  }

  private set(patch: Partial<LiveSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.listeners) l();
  }
}

export const live = new LiveStore(() => `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api/v1/events`);

export function useLive(): LiveSnapshot {
  return useSyncExternalStore(live.subscribe, live.getSnapshot);
}
