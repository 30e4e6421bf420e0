/** util/bounded-memo.ts: what it keeps, what it forgets, what it never keeps, and that it freezes what it hands out. */
import { describe, expect, it } from 'vitest';
import { BoundedMemo } from './bounded-memo.js';

describe('BoundedMemo', () => {
  it('forgets the oldest entry beyond its size', async () => {
    const memo = new BoundedMemo<unknown>(2);
    const computed: string[] = [];
    const compute = (k: string) => () => {
      computed.push(k);
      return Promise.resolve({ k });
    };
    await memo.get('a', compute('a'));
    await memo.get('b', compute('b'));
    await memo.get('c', compute('c'));
    expect(memo.size).toBe(2);
    await memo.get('b', compute('b'));
    await memo.get('a', compute('a'));
    expect(computed).toEqual(['a', 'b', 'c', 'a']);
  });

  it('does not keep a computation that failed', async () => {
    const memo = new BoundedMemo<unknown>(10);
    await expect(memo.get('k', () => Promise.reject(new Error('DNS world broke')))).rejects.toThrow('DNS world broke');
    expect(memo.size).toBe(0);
    const ok = await memo.get('k', () => Promise.resolve({ ok: true }));
    expect(ok).toEqual({ ok: true });
  });

  it('counts answers it served and freezes them deeply', async () => {
    const memo = new BoundedMemo<{ list: string[] }>(10);
    const first = await memo.get('k', () => Promise.resolve({ list: ['a'] }));
    expect(await memo.get('k', () => Promise.resolve({ list: ['b'] }))).toBe(first);
    expect(memo.hits).toBe(1);
    expect(Object.isFrozen(first) && Object.isFrozen(first.list)).toBe(true);
  });
});
