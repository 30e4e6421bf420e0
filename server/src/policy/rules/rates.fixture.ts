/** Test support: a RateLimiter on a fake clock, pre-filled with events. */
import { RateLimiter, type RateEvent } from '../rates.js';
import { FIXED_NOW } from './context.fixture.js';

/** `n` events of each kind/key, spread over the last `spreadMs` before FIXED_NOW. */
export function ratesWith(events: Array<RateEvent & { n: number; spreadMs?: number }>): RateLimiter {
  let t = 0;
  const r = new RateLimiter(() => t);
  const now = Date.parse(FIXED_NOW);
  for (const e of events) {
    for (let i = 0; i < e.n; i++) {
      t = now - (e.spreadMs ?? 0) + Math.floor(((e.spreadMs ?? 0) * i) / Math.max(1, e.n));
      r.record([{ kind: e.kind, key: e.key }]);
    }
  }
  t = now;
  return r;
}
