/**
 * One rate-limit key's timestamps, oldest first, at most `max` (the newest): a ring over a
 * Float64Array that doubles up to `max` as it fills and halves when three quarters are unused.
 * A typed array holds 8 bytes per timestamp in one block: a plain array of a busy key's
 * hundreds of thousands of timestamps was copied on every growth and every compaction, garbage
 * the size of the array that made the heap grow far beyond what it held. Counting is a binary
 * search; dropping the oldest is O(1) per timestamp.
 */
export class EventTimes {
  private buf: Float64Array;
  /** Index in `buf` of the oldest timestamp. */
  private start = 0;
  private n = 0;
  private readonly max: number;
  /** Where the rate limiter last placed this key in its least-recently-used order. */
  placed = 0;

  constructor(max: number) {
    this.max = Math.max(1, Math.floor(max));
    this.buf = new Float64Array(Math.min(this.max, MIN_CAPACITY));
  }

  static of(max: number, first: number): EventTimes {
    const times = new EventTimes(max);
    times.push(first);
    return times;
  }

  get length(): number {
    return this.n;
  }

  /** Adds a timestamp (not older than the last); false when the oldest made room for it. */
  push(at: number): boolean {
    if (this.n === this.max) {
      this.buf[this.start] = at;
      this.start = this.wrap(this.start + 1);
      return false;
    }
    if (this.n === this.buf.length) this.resize(Math.min(this.max, this.buf.length * 2));
    this.buf[this.wrap(this.start + this.n)] = at;
    this.n++;
    return true;
  }

  /** Forgets timestamps at or before `cutoff`; how many. */
  dropUntil(cutoff: number): number {
    const dropped = this.n - this.countAfter(cutoff);
    if (dropped === 0) return 0;
    this.start = this.wrap(this.start + dropped);
    this.n -= dropped;
    // halve while three quarters would be unused, so a key whose history expired gives it back
    let capacity = this.buf.length;
    while (capacity > MIN_CAPACITY && this.n * 4 <= capacity) capacity = Math.max(MIN_CAPACITY, Math.ceil(capacity / 2));
    if (capacity !== this.buf.length) this.resize(capacity);
    return dropped;
  }

  /** Timestamps strictly after `since`. */
  countAfter(since: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.buf[this.wrap(this.start + mid)]! > since) hi = mid;
      else lo = mid + 1;
    }
    return this.n - lo;
  }

  /** An index past the end of `buf` continues at its start (indexes stay below twice its length). */
  private wrap(i: number): number {
    return i >= this.buf.length ? i - this.buf.length : i;
  }

  private resize(capacity: number): void {
    const next = new Float64Array(capacity);
    const tail = Math.min(this.n, this.buf.length - this.start);
    next.set(this.buf.subarray(this.start, this.start + tail));
    next.set(this.buf.subarray(0, this.n - tail), tail);
    this.buf = next;
    this.start = 0;
  }
}

/** Room for a key's first few timestamps (a typed array this small lives inside the V8 heap). */
const MIN_CAPACITY = 4;
