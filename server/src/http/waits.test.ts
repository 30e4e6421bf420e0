import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../events/bus.js';
import { messageSummary } from '../store/common.js';
import { MemoryStore } from '../store/memory.js';
import { sessionSummary } from '../store/common.js';
import type { MessageRecord, SessionRecord } from '../store/types.js';
import { MAX_WAITERS, TooManyWaitsError, WaitHub } from './waits.js';

const session = (id: string, over: Partial<SessionRecord> = {}): SessionRecord => ({
  id,
  listener: 'smtp',
  profile: 'gmail-mx',
  startedAt: 10,
  endedAt: 20,
  clientAddress: '127.0.0.1',
  clientPort: 1,
  tls: false,
  outcome: 'accepted',
  lines: [],
  decisions: [],
  warnings: [],
  messageIds: [],
  ...over,
});

const message = (id: string, sessionId: string, over: Partial<MessageRecord> = {}): MessageRecord => ({
  id,
  sessionId,
  receivedAt: 15,
  status: 'accepted',
  mailFrom: 'a@example.org',
  rcptTo: ['b@example.com'],
  size: 1,
  truncated: false,
  subject: 'hello',
  from: [],
  to: [],
  cc: [],
  headers: [],
  attachments: [],
  ...over,
});

let store: MemoryStore;
let bus: EventBus;
let hub: WaitHub;
beforeEach(() => {
  store = new MemoryStore();
  bus = new EventBus();
  hub = new WaitHub({ store, bus });
});
afterEach(() => hub.close());

/** Stores a message and announces it, as the SMTP adapter does. */
function deliver(m: MessageRecord): void {
  store.saveMessage({ record: m, raw: Buffer.from('x'), attachments: [] }, session(m.sessionId, { messageIds: [m.id] }));
  bus.publish('message.stored', { message: messageSummary(m) });
}

describe('WaitHub', () => {
  it('answers from the store without subscribing when a match exists', async () => {
    deliver(message('m1', 's1', { tag: 't1' }));
    const wait = hub.waitForMessage({ tag: 't1' }, 1000);
    expect(bus.listenerCount('message.stored')).toBe(0);
    expect((await wait.result)?.id).toBe('m1');
  });

  it('resolves the matching waiters only, then unsubscribes', async () => {
    const a = hub.waitForMessage({ subject: 'one' }, 60_000);
    const b = hub.waitForMessage({ subject: 'two' }, 60_000);
    expect(bus.listenerCount('message.stored')).toBe(1);
    deliver(message('m1', 's1', { subject: 'two' }));
    expect((await b.result)?.id).toBe('m1');
    expect(hub.size).toBe(1);
    deliver(message('m2', 's2', { subject: 'one' }));
    expect((await a.result)?.id).toBe('m2');
    expect(hub.size).toBe(0);
    expect(bus.listenerCount('message.stored')).toBe(0);
  });

  it('a timeout resolves undefined and releases the subscription', async () => {
    const wait = hub.waitForSession({ tag: 'none' }, 5);
    expect(bus.listenerCount('session.closed')).toBe(1);
    expect(await wait.result).toBeUndefined();
    expect(bus.listenerCount('session.closed')).toBe(0);
  });

  it('session waits skip open sessions and match when a session closes', async () => {
    store.saveSession(session('open1', { outcome: 'open', tag: 'w' }));
    const wait = hub.waitForSession({ tag: 'w' }, 60_000);
    expect(hub.size).toBe(1);
    const closed = session('open1', { outcome: 'rejected', tag: 'w' });
    store.saveSession(closed);
    bus.publish('session.closed', { session: sessionSummary(closed) });
    expect((await wait.result)?.outcome).toBe('rejected');
  });

  it('a cancelled wait resolves undefined', async () => {
    const wait = hub.waitForMessage({ subject: 'x' }, 60_000);
    wait.cancel();
    expect(await wait.result).toBeUndefined();
    expect(hub.size).toBe(0);
  });

  it('never throws into the publisher, even when the store does', () => {
    hub.waitForMessage({ subject: 'x' }, 60_000);
    store.close();
    expect(() => bus.publish('message.stored', { message: messageSummary(message('m9', 's9')) })).not.toThrow();
  });

  it(`refuses more than ${MAX_WAITERS} waits at once`, async () => {
    const waits = Array.from({ length: MAX_WAITERS }, () => hub.waitForMessage({ subject: 'never' }, 60_000));
    expect(() => hub.waitForMessage({ subject: 'never' }, 60_000)).toThrow(TooManyWaitsError);
    expect(bus.listenerCount('message.stored')).toBe(1);
    hub.close();
    expect(await Promise.all(waits.map((w) => w.result))).toEqual(Array(MAX_WAITERS).fill(undefined));
    expect(bus.listenerCount('message.stored')).toBe(0);
  });

  it('whenSize resolves when the count is reached', async () => {
    const reached = hub.whenSize(2);
    hub.waitForMessage({ subject: 'a' }, 60_000);
    hub.waitForMessage({ subject: 'b' }, 60_000);
    await reached;
    expect(hub.size).toBe(2);
    await expect(hub.whenSize(2)).resolves.toBeUndefined();
  });
});
