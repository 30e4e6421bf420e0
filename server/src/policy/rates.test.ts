import { describe, expect, it } from 'vitest';
import { describeWindow, exceeded, RateLimiter, rateWindows } from './rates.js';

/** A clock the test moves by hand: rate limits never sleep. */
function fakeClock(start = Date.UTC(2026, 0, 1)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('RateLimiter', () => {
  it('counts events of a kind and key inside a sliding window', () => {
    const clock = fakeClock();
    const r = new RateLimiter(clock.now);
    r.record([{ kind: 'recipient', key: 'Bob@Example.org' }]);
    clock.advance(30_000);
    r.record([{ kind: 'recipient', key: 'bob@example.org' }, { kind: 'recipient', key: 'carol@example.org' }]);
    expect(r.count('recipient', 'BOB@example.org', 60_000)).toBe(2);
    expect(r.count('recipient', 'carol@example.org', 60_000)).toBe(1);
    expect(r.count('client-ip', 'bob@example.org', 60_000)).toBe(0);
    clock.advance(30_000);
    // the first event is exactly 60 s old: outside a 60 s window
    expect(r.count('recipient', 'bob@example.org', 60_000)).toBe(1);
    expect(r.count('recipient', 'bob@example.org', 60_001)).toBe(2);
    clock.advance(30_001);
    expect(r.count('recipient', 'bob@example.org', 60_000)).toBe(0);
  });

  it('forgets events older than the retention', () => {
    const clock = fakeClock();
    const r = new RateLimiter(clock.now, { retentionMs: 1000 });
    r.record([{ kind: 'user', key: 'u' }]);
    clock.advance(1500);
    r.record([{ kind: 'user', key: 'u' }]);
    expect(r.count('user', 'u', 10_000)).toBe(1);
  });

  it('keeps at most maxKeysPerKind keys, dropping the least recently used', () => {
    const clock = fakeClock();
    const r = new RateLimiter(clock.now, { maxKeysPerKind: 2 });
    r.record([{ kind: 'client-ip', key: 'a' }, { kind: 'client-ip', key: 'b' }]);
    r.record([{ kind: 'client-ip', key: 'a' }]);
    r.record([{ kind: 'client-ip', key: 'c' }]);
    expect([r.count('client-ip', 'a', 1e9), r.count('client-ip', 'b', 1e9), r.count('client-ip', 'c', 1e9)]).toEqual([2, 0, 1]);
  });

  it('ignores empty keys; clear() forgets everything', () => {
    const r = new RateLimiter(() => 0);
    r.record([{ kind: 'message-id', key: '  ' }]);
    expect(r.count('message-id', '', 1000)).toBe(0);
    r.record([{ kind: 'message-id', key: '<a@b>' }]);
    r.clear();
    expect(r.count('message-id', '<a@b>', 1000)).toBe(0);
  });
});

describe('rateWindows and exceeded', () => {
  it.each([
    [{ windows: [{ limit: 60, seconds: 60 }, { limit: 3600, seconds: 3600 }] }, [{ limit: 60, seconds: 60 }, { limit: 3600, seconds: 3600 }]],
    [{ limit: 5, seconds: 10 }, [{ limit: 5, seconds: 10 }]],
    [{}, [{ limit: 1, seconds: 1 }]],
    [{ windows: [{ limit: -1, seconds: 60 }, { limit: 2, seconds: 0 }, { limit: 3, seconds: 9 }] }, [{ limit: 3, seconds: 9 }]],
  ])('%j → %j', (params, windows) => {
    expect(rateWindows(params, [{ limit: 1, seconds: 1 }])).toEqual(windows);
  });

  it('reports the first window whose limit is reached', () => {
    const clock = fakeClock();
    const r = new RateLimiter(clock.now);
    for (let i = 0; i < 3; i++) r.record([{ kind: 'sender-domain', key: 'example.com' }]);
    const windows = [{ limit: 5, seconds: 60 }, { limit: 3, seconds: 3600 }];
    expect(exceeded(r, 'sender-domain', 'example.com', windows)).toEqual({ window: { limit: 3, seconds: 3600 }, count: 3 });
    expect(exceeded(r, 'sender-domain', 'example.org', windows)).toBeUndefined();
    expect(exceeded(undefined, 'sender-domain', 'example.com', windows)).toBeUndefined();
  });

  it.each([
    [60, '1 minute'],
    [120, '2 minutes'],
    [3600, '1 hour'],
    [86400, '24 hours'],
    [45, '45 seconds'],
  ])('describeWindow(%i) → %s', (s, text) => expect(describeWindow(s)).toBe(text));
});
