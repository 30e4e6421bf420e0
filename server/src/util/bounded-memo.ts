/**
 * Answers computed once per key and shared: at most `maxEntries` kept, the oldest forgotten
 * first; each answer frozen (deeply), since one object goes to many callers; a computation
 * that fails is not kept, so the next caller tries again. For values that never change for
 * their key (mail/auth-memo.ts, dns/world.ts forwardConfirm).
 */
export class BoundedMemo<T> {
  private readonly entries = new Map<string, Promise<T>>();
  /** Answers served from the memo (tests read it). */
  hits = 0;

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const known = this.entries.get(key);
    if (known) {
      this.hits++;
      return known;
    }
    const result = compute().then(deepFreeze);
    this.entries.set(key, result);
    result.catch(() => this.entries.delete(key));
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return result;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
