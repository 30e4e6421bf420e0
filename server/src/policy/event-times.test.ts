import { describe, expect, it } from 'vitest';
import { EventTimes } from './event-times.js';
import { prng } from '../../test/support/prng.js';

describe('EventTimes', () => {
  // Against a plain array of everything pushed, in phases that fill the ring past its cap (so it
  // grows and wraps) and then expire most of it (so it shrinks): every return value and count.
  it.each([1, 3, 8, 1001])('with cap %i counts like an array of the newest timestamps', (cap) => {
    const random = prng(42);
    const ring = new EventTimes(cap);
    let all: number[] = [];
    let t = 0;
    for (let step = 0; step < 20_000; step++) {
      const filling = Math.floor(step / 2_500) % 2 === 0;
      t += Math.floor(random() * 20);
      const op = random();
      if (op < (filling ? 0.8 : 0.3)) {
        const full = all.length >= cap;
        expect(ring.push(t)).toBe(!full);
        all.push(t);
        if (full) all.shift();
      } else if (op < (filling ? 0.85 : 0.6)) {
        const cutoff = t - Math.floor(random() * (filling ? 50_000 : 100));
        const kept = all.filter((x) => x > cutoff);
        expect(ring.dropUntil(cutoff)).toBe(all.length - kept.length);
        all = kept;
      } else {
        const since = t - Math.floor(random() * 4_000);
        expect(ring.countAfter(since)).toBe(all.filter((x) => x > since).length);
      }
      expect(ring.length).toBe(all.length);
    }
  });

  it('of() holds its first timestamp', () => {
    const times = EventTimes.of(10, 5);
    expect([times.length, times.countAfter(4), times.countAfter(5)]).toEqual([1, 1, 0]);
  });
});
