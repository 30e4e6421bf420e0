/**
 * The session list's warning counts: followed from `session.warning` events for open sessions,
 * taken from `session.closed` summaries, and neither doubled nor lost when warnings arrive
 * while the list is (re)loading. The WebSocket is not opened: events are fed in directly.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LiveEvent, Page, Session, SessionSummary, Warning } from './types';

const api = vi.hoisted(() => ({ sessions: vi.fn(), session: vi.fn() }));
vi.mock('./api', () => ({ api }));

const { LiveStore } = await import('./live');

const summary = (id: string, extra: Partial<SessionSummary> = {}): SessionSummary => ({
  id,
  listener: 'smtp',
  profile: 'gmail-mx',
  startedAt: 1000,
  clientAddress: '127.0.0.1',
  clientPort: 1,
  tls: false,
  outcome: 'open',
  messageIds: [],
  warningCount: 0,
  ...extra,
});
const warning = (at: number, ruleId = 'message.auth-undeclared'): Warning => ({ at, phase: 'message', ruleId, text: 't', why: 'w', fix: 'f' });
const full = (s: SessionSummary, warnings: Warning[]): Session => {
  const { warningCount: _count, ...rest } = s;
  return { ...rest, lines: [], decisions: [], warnings };
};

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

type Feedable = { receive(e: LiveEvent): void };
const hello: LiveEvent = { type: 'hello', data: { version: 'test', counts: null, outcomes: null } };

describe('LiveStore warning counts', () => {
  let store: InstanceType<typeof LiveStore>;
  const feed = (e: LiveEvent) => (store as unknown as Feedable).receive(e);
  const count = (id: string) => store.getSnapshot().sessions.find((s) => s.id === id)?.warningCount;
  const settle = () => vi.advanceTimersByTimeAsync(50);

  beforeEach(() => {
    vi.useFakeTimers();
    api.sessions.mockReset();
    api.session.mockReset();
    store = new LiveStore(() => 'ws://unused');
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts warnings of open sessions as they come, once each; the closing summary has the last word', async () => {
    api.sessions.mockResolvedValue({ items: [summary('a'), summary('b', { outcome: 'accepted', warningCount: 2 })], total: 2 } satisfies Page<SessionSummary>);
    feed(hello);
    await settle();
    expect(count('a')).toBe(0);

    const w1 = warning(1100);
    feed({ type: 'session.warning', data: { sessionId: 'a', warning: w1 } });
    feed({ type: 'session.warning', data: { sessionId: 'a', warning: { ...w1 } } });
    feed({ type: 'session.warning', data: { sessionId: 'a', warning: warning(1101, 'message.dkim-weak-key') } });
    // a closed session's summary already counts its warnings
    feed({ type: 'session.warning', data: { sessionId: 'b', warning: warning(1102) } });
    await settle();
    expect(count('a')).toBe(2);
    expect(count('b')).toBe(2);

    feed({ type: 'session.closed', data: { session: summary('a', { outcome: 'accepted', warningCount: 2 }) } });
    await settle();
    expect(count('a')).toBe(2);
    expect(api.session).not.toHaveBeenCalled();
  });

  it('a session opened during the reload: the replayed events count exactly, without a fetch', async () => {
    const page = deferred<Page<SessionSummary>>();
    api.sessions.mockReturnValueOnce(page.promise);
    feed(hello);
    feed({ type: 'session.opened', data: { session: summary('c') } });
    feed({ type: 'session.warning', data: { sessionId: 'c', warning: warning(1200) } });
    // the page was taken after the warning: it counts it already
    page.resolve({ items: [summary('c', { warningCount: 1 })], total: 1 });
    await settle();
    expect(count('c')).toBe(1);
    expect(api.session).not.toHaveBeenCalled();
  });

  it('a warning queued during the reload for an older open session is recounted from its record, not doubled', async () => {
    const w0 = warning(900);
    const w1 = warning(1300);
    const w2 = warning(1400);
    const page = deferred<Page<SessionSummary>>();
    api.sessions.mockReturnValueOnce(page.promise);
    const record = deferred<Session>();
    api.session.mockReturnValueOnce(record.promise);

    feed(hello);
    feed({ type: 'session.warning', data: { sessionId: 'd', warning: w1 } });
    // w0 came before the hello, w1 while the page was in flight: the page shows both
    page.resolve({ items: [summary('d', { warningCount: 2 })], total: 1 });
    await settle();
    expect(api.session).toHaveBeenCalledWith('d');
    expect(count('d')).toBe(2);

    // a warning that arrives while the record is being fetched, and is in it too
    feed({ type: 'session.warning', data: { sessionId: 'd', warning: w2 } });
    record.resolve(full(summary('d'), [w0, w1, w2]));
    await settle();
    expect(count('d')).toBe(3);

    // after the recount, a known warning is not counted again, a new one is
    feed({ type: 'session.warning', data: { sessionId: 'd', warning: w2 } });
    feed({ type: 'session.warning', data: { sessionId: 'd', warning: warning(1500) } });
    await settle();
    expect(count('d')).toBe(4);
  });
});
