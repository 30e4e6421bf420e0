/**
 * Message ids: UUIDs in the version 7 layout (RFC 9562 §5.7) — 48 bits of Unix milliseconds,
 * then random bits. They look like any UUID to API users, but sort by time, so that each new
 * message lands at the right edge of the primary-key B-trees (messages, message_raw,
 * pending_display) instead of on a random page: a commit then rewrites one page per table,
 * not one page per message.
 */
import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(16 * 256);
let offset = pool.length;
let lastMs = 0;
let seq = 0;

export function newMessageId(now = Date.now()): string {
  if (offset >= pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const b = pool.subarray(offset, offset + 16);
  offset += 16;
  // within one millisecond a 12-bit counter keeps ids increasing (RFC 9562 §6.2, method 1)
  if (now <= lastMs) {
    now = lastMs;
    seq++;
    if (seq > 0xfff) {
      now = ++lastMs;
      seq = 0;
    }
  } else {
    lastMs = now;
    seq = b.readUInt16BE(6) & 0x7ff; // random start, leaving room to count up
  }
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (seq >> 8);
  b[7] = seq & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
