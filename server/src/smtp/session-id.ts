/**
 * Gmail ends replies with a per-connection id such as `im3sm19207876wjb.13`; Bouncer's session
 * ids have the same shape, so the id in a reply is the id to look the session up by.
 */
import { randomFillSync } from 'node:crypto';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

// Random bytes are drawn from a pool refilled 4 KB at a time: an id needs 16 draws, and one
// crypto call per draw cost more than the rest of a refused connection (issue 6).
const pool = Buffer.alloc(4096);
let at = pool.length;

/** A uniform integer in [0, n) for n ≤ 256, by rejection sampling. */
function draw(n: number): number {
  const limit = 256 - (256 % n);
  for (;;) {
    if (at >= pool.length) {
      randomFillSync(pool);
      at = 0;
    }
    const b = pool[at++]!;
    if (b < limit) return b % n;
  }
}

const letters = (k: number) => {
  let s = '';
  for (let i = 0; i < k; i++) s += LETTERS[draw(26)];
  return s;
};
const digits = (k: number) => {
  let s = '';
  for (let i = 0; i < k; i++) s += draw(10);
  return s;
};

export function newSessionId(): string {
  // the suffix is 1..999: two draws make it uniform enough for an id (never 0, as before)
  const suffix = 1 + ((draw(250) * 4 + draw(4)) % 999);
  return `${letters(2)}${draw(10)}sm${digits(8)}${letters(3)}.${suffix}`;
}

export const SESSION_ID_PATTERN = /^[a-z]{2}\d+sm\d{8}[a-z]{3}\.\d+$/;
