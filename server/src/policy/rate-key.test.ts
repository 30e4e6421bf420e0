import { describe, expect, it } from 'vitest';
import { rateKey } from './rate-key.js';

describe('rateKey', () => {
  it('is a safe integer, the same for the same kind and key', () => {
    const k = rateKey('message-id', '<a@b>');
    expect(Number.isSafeInteger(k)).toBe(true);
    expect(k).toBeGreaterThanOrEqual(0);
    expect(rateKey('message-id', '<a@b>')).toBe(k);
  });

  it('tells kinds apart, and the kind from the key', () => {
    expect(rateKey('recipient', 'a@b')).not.toBe(rateKey('user', 'a@b'));
    expect(rateKey('ab', 'c')).not.toBe(rateKey('a', 'bc'));
  });

  // Keys that differ in one character, as a sender's Message-IDs do: no two of 300,000 collide,
  // and the numbers spread over all 53 bits (the highest bit set in about half).
  it('no collisions among 300,000 near-identical keys, and all bits used', () => {
    const seen = new Set<number>();
    let high = 0;
    for (let i = 0; i < 300_000; i++) {
      const k = rateKey('message-id', `<20261207${String(i).padStart(8, '0')}.abcdef@client.example.com>`);
      seen.add(k);
      if (k >= 2 ** 52) high++;
    }
    expect(seen.size).toBe(300_000);
    expect(high / 300_000).toBeGreaterThan(0.45);
    expect(high / 300_000).toBeLessThan(0.55);
  });
});
