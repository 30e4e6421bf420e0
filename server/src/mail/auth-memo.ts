/**
 * Authentication results of unsigned messages, remembered by what decides them.
 *
 * For a message without a DKIM-Signature and without an ARC set, mailauth reads only its
 * From and Return-Path fields (auth-input.ts), and with those the envelope (client address,
 * HELO name, MAIL FROM, authserv-id) and the DNS world decide SPF, DKIM (`none`), ARC
 * (`none`), DMARC and the Authentication-Results header. The server's world is fixed when it
 * starts (StaticDnsWorld, built from the config), so the same inputs always give the same
 * result, and a test suite's app sends the same From from the same address over and over:
 * the SPF, DKIM, ARC and DMARC steps cost ~10% of the main thread per message under load
 * (docs/benchmarks.md, session 8) to recompute an answer already known.
 *
 * Signed messages are never remembered (their result depends on the body). What is kept, and
 * for how long, is util/bounded-memo.ts's: frozen results, the oldest forgotten first.
 */
import { BoundedMemo } from '../util/bounded-memo.js';
import type { MessageAuth } from './auth-types.js';

/** Distinct (From, Return-Path, envelope) combinations remembered; ~2 KB each. */
export const AUTH_MEMO_ENTRIES = 1000;
/**
 * Inputs (the From and Return-Path fields) longer than this are not remembered: a From field
 * may legally be as long as the message, and a thousand of them must not be kept in memory.
 * Real ones are a few hundred bytes.
 */
export const AUTH_MEMO_MAX_INPUT_BYTES = 4096;

/** The memo of unsigned messages' results, one per server (main.ts). */
export class AuthMemo extends BoundedMemo<MessageAuth> {
  constructor(maxEntries = AUTH_MEMO_ENTRIES) {
    super(maxEntries);
  }
}
