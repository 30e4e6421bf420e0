/**
 * A rate-limit key as a 53-bit number: two 32-bit FNV-1a hashes of `kind NUL key` (different
 * offset bases, each finished with MurmurHash3's fmix32 so every input bit reaches every output
 * bit), 32 + 21 bits of them joined into one integer a double holds exactly.
 *
 * Why a number: a key as a string cost its characters plus, when it was a slice of a header
 * line, that whole line; a Message-ID may be 998 characters long (RFC 5322 §2.1.1) and the
 * limiter holds up to 100,000 keys. A number costs the same for any key: 55 bytes per
 * Message-ID key held, against 110 for a copied 55-character string and 397 for the slice of
 * its header line that the limiter used to keep (heap after a full GC, 100,000 keys).
 *
 * The price is a collision, which merges two keys' counts: with 100,000 keys held the chance
 * that any two of them collide is about n² / 2⁵⁴ ≈ 6 × 10⁻⁷, and a merged count refuses mail
 * only if it also reaches a limit.
 */
export function rateKey(kind: string, key: string): number {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (const s of [kind, '\0', key]) {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x01000193);
    }
  }
  return (fmix32(a) >>> 0) * 2 ** 21 + (fmix32(b) >>> 11);
}

/** MurmurHash3's 32-bit finaliser. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
