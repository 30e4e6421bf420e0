import { describe, expect, it } from 'vitest';
import { describeWindow, exceeded, largestWindowLimit, MAX_RATE_EVENTS, RateLimiter, rateWindowProblems, rateWindows } from './rates.js';
import { BUILTIN_PROFILE_DIR } from '../util/paths.js';
import { prng } from '../../test/support/prng.js';
import { loadProfiles } from './profile.js';
import { CHECKS } from './rules/index.js';

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

  it('keeps at most maxKeys keys, dropping the least recently used', () => {
    const clock = fakeClock();
    const r = new RateLimiter(clock.now, { maxKeys: 2 });
    r.record([{ kind: 'client-ip', key: 'a' }, { kind: 'client-ip', key: 'b' }]);
    r.record([{ kind: 'client-ip', key: 'a' }]);
    r.record([{ kind: 'client-ip', key: 'c' }]);
    expect([r.count('client-ip', 'a', 1e9), r.count('client-ip', 'b', 1e9), r.count('client-ip', 'c', 1e9)]).toEqual([2, 0, 1]);
  });

  // Order is kept to within half of maxKeys (a held key moves only once it is that far behind):
  // a key recorded within the last maxKeys / 2 events is never the one forgotten.
  it('never forgets a key recorded within the last maxKeys / 2 events', () => {
    const maxKeys = 10;
    const r = new RateLimiter(() => 0, { maxKeys });
    const random = prng(7);
    const recent: string[] = [];
    const ever = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      // a skewed pool: a few keys come back often, most rarely
      const key = `k${Math.floor(random() ** 3 * 60)}`;
      r.record([{ kind: 'recipient', key }]);
      ever.add(key);
      recent.push(key);
      if (recent.length > maxKeys / 2) recent.shift();
      for (const k of recent) expect(r.count('recipient', k, 1e9)).toBeGreaterThan(0);
      expect([...ever].filter((k) => r.count('recipient', k, 1e9) > 0).length).toBeLessThanOrEqual(maxKeys);
    }
  });

  it('a key recorded with every message keeps its whole history while new keys come and go', () => {
    const r = new RateLimiter(() => 0, { maxKeys: 100 });
    for (let i = 0; i < 10_000; i++) r.record([{ kind: 'client-ip', key: '127.0.0.1' }, { kind: 'message-id', key: `<${i}@x>` }]);
    expect(r.count('client-ip', '127.0.0.1', 1e9)).toBe(10_000);
    expect(r.count('message-id', '<9999@x>', 1e9)).toBe(1);
    expect(r.count('message-id', '<9900@x>', 1e9)).toBe(0);
    expect(r.size()).toBe(10_000 + 99);
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

describe('bounded history', () => {
  it('keeps the newest maxEventsPerKey timestamps of a key: counts saturate at the cap', () => {
    const clock = fakeClock();
    const r = new RateLimiter(clock.now, { maxEventsPerKey: 5 });
    for (let i = 0; i < 3; i++) r.record([{ kind: 'client-ip', key: '127.0.0.1' }]);
    clock.advance(10_000);
    for (let i = 0; i < 4; i++) r.record([{ kind: 'client-ip', key: '127.0.0.1' }]);
    // 7 events: the newest 5 are kept, 4 of them in the last 5 s
    expect(r.count('client-ip', '127.0.0.1', 60_000)).toBe(5);
    expect(r.count('client-ip', '127.0.0.1', 5_000)).toBe(4);
    expect(r.size()).toBe(5);
  });

  it('holds at most maxEvents timestamps in all, forgetting the least recently used keys', () => {
    const clock = fakeClock();
    const r = new RateLimiter(clock.now, { maxEvents: 10 });
    for (const key of ['a', 'b', 'c']) for (let i = 0; i < 4; i++) r.record([{ kind: 'recipient', key }]);
    // a (4) + b (4) + c (4) = 12 > 10: a, the least recently used, is forgotten
    expect(r.size()).toBe(8);
    expect(['a', 'b', 'c'].map((k) => r.count('recipient', k, 1e9))).toEqual([0, 4, 4]);
    for (let i = 0; i < 20; i++) r.record([{ kind: 'client-ip', key: '127.0.0.1' }]);
    // one key alone keeps at most maxEvents (its newest)
    expect(r.size()).toBe(10);
    expect(r.count('client-ip', '127.0.0.1', 1e9)).toBe(10);
    expect(r.count('recipient', 'c', 1e9)).toBe(0);
  });

  // A key seen once is held as a bare timestamp; its second event turns it into a list.
  it('a key seen once, then again: counts and size follow both events', () => {
    const clock = fakeClock();
    const r = new RateLimiter(clock.now, { retentionMs: 60_000 });
    r.record([{ kind: 'message-id', key: '<m@x>' }]);
    expect([r.count('message-id', '<m@x>', 1000), r.size()]).toEqual([1, 1]);
    clock.advance(500);
    r.record([{ kind: 'message-id', key: '<m@x>' }]);
    expect([r.count('message-id', '<m@x>', 1000), r.count('message-id', '<m@x>', 400), r.size()]).toEqual([2, 1, 2]);
    // a single timestamp past the retention is replaced, not added to
    r.record([{ kind: 'message-id', key: '<n@x>' }]);
    clock.advance(70_000);
    r.record([{ kind: 'message-id', key: '<n@x>' }]);
    expect([r.count('message-id', '<n@x>', 1e9), r.size()]).toEqual([1, 3]);
  });

  it('maxEventsPerKey 1 keeps only the newest event of each key', () => {
    const clock = fakeClock();
    const r = new RateLimiter(clock.now, { maxEventsPerKey: 1 });
    for (let i = 0; i < 3; i++) {
      r.record([{ kind: 'user', key: 'u' }]);
      clock.advance(1000);
    }
    expect([r.count('user', 'u', 1e9), r.count('user', 'u', 1001), r.size()]).toEqual([1, 1, 1]);
  });

  it('the default bound: one busy key holds MAX_RATE_EVENTS', () => {
    const r = new RateLimiter(() => 0);
    for (let i = 0; i < MAX_RATE_EVENTS + 5_000; i++) r.record([{ kind: 'sender-domain', key: 'example.com' }]);
    expect(r.size()).toBe(MAX_RATE_EVENTS);
    expect(r.count('sender-domain', 'example.com', 1000)).toBe(MAX_RATE_EVENTS);
  });

  it('largestWindowLimit of the built-in profiles is the daily receiving rate', () => {
    const profiles = loadProfiles([BUILTIN_PROFILE_DIR], new Set(CHECKS.keys()));
    expect(largestWindowLimit(profiles.values())).toBe(86_400);
  });

  it.each([
    [{ windows: [{ limit: 60, seconds: 60 }] }, []],
    [{ windows: [{ limit: MAX_RATE_EVENTS, seconds: 86_400 }] }, []],
    [{ windows: [{ limit: MAX_RATE_EVENTS + 1, seconds: 60 }] }, ['params.windows.0.limit: an integer from 0 to 1000000']],
    [{ windows: [{ limit: 5, seconds: 86_401 }] }, ['params.windows.0.seconds: more than 0 and at most 86400 (24 hours)']],
    [{ windows: [{ limit: 1.5, seconds: 0 }] }, ['params.windows.0.limit: an integer from 0 to 1000000', 'params.windows.0.seconds: more than 0 and at most 86400 (24 hours)']],
    [{ windows: ['x'] }, ['params.windows.0: a window is {limit, seconds}']],
    [{ max: 10 }, []],
  ])('rateWindowProblems(%j) → %j', (params, problems) => {
    expect(rateWindowProblems(params)).toEqual(problems);
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
