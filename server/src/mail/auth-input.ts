/**
 * What mailauth's `authenticate()` is given for a message: the message itself, or — when the
 * message carries no DKIM-Signature and no ARC set — only its From and Return-Path fields.
 *
 * Why: mailauth 4.13.3 (pinned in package-lock.json) finds the end of the header block one
 * byte at a time, copying a small array per byte (lib/dkim/message-parser.js, processChunk),
 * then walks every body byte through a generator (ensureLinebreaks) and hands the body over
 * in chunks one event-loop turn apart (lib/tools.js, writeToStream). For a 2 KB message that
 * was ~60 KB of garbage and ~100 µs of CPU, the largest allocation on the SMTP path
 * (docs/benchmarks.md, session 4). An unsigned message needs none of it: there is no body
 * hash to compute (RFC 6376 §3.7 hashes the body only for a signature).
 *
 * Why the answer is the same: for a message without those fields, what mailauth reads of
 * the message is (lib/dkim/dkim-verifier.js, messageHeaders; lib/mailauth.js):
 *  - the `from` fields, whose addresses become `headerFrom` (DMARC's RFC5322.From domain);
 *  - the `return-path` fields, for `envelopeFrom`, only when no MAIL FROM is given;
 *  - `dkim-signature` and the `arc-*` fields: absent, so no signature is verified, the DKIM
 *    result is `none (message not signed)` and the ARC chain is empty;
 *  - `received` fields, parsed into `receivedChain`, which Bouncer does not read (it never
 *    sets `trustReceived`; the client address and HELO come from the session).
 * The reduced input keeps the first two verbatim (mailauth's own field split, folding
 * included), so mailauth computes the same SPF, DKIM, DMARC and ARC results and the same
 * Authentication-Results header. mail/auth-input.test.ts checks that on a table of messages.
 */
import { createRequire } from 'node:module';
import { headerEnd } from './headers.js';

const require = createRequire(import.meta.url);
/** mailauth's own header splitter, so that the fields kept are the fields mailauth would see. */
const { parseHeaders } = require('mailauth/lib/tools.js') as {
  parseHeaders(buf: Buffer): { parsed: Array<{ key: string | null; line: Buffer }> };
};

/** Fields whose presence means mailauth must see the whole message. */
const SIGNATURE_FIELDS = new Set(['dkim-signature', 'arc-seal', 'arc-message-signature', 'arc-authentication-results']);
/** The only fields mailauth reads of an unsigned message (besides `received`, see above). */
const KEPT_FIELDS = new Set(['from', 'return-path']);

const CRLF = Buffer.from('\r\n');

/** The input for mailauth's authenticate(): `raw` itself unless it can be reduced (see above). */
export function authenticationInput(raw: Buffer): Buffer {
  // the header block ends where mailauth's does too (it turns bare LFs into CR LF first, and
  // ends the block at an LF followed by an empty line); headerEnd answers 0 for an empty first
  // line, which mailauth does not take for an end, and the message's length when the block
  // never ends: both are passed whole
  const end = headerEnd(raw);
  if (end === 0 || end >= raw.length) return raw;
  const fields = parseHeaders(raw.subarray(0, end)).parsed;
  const kept: Buffer[] = [];
  for (const field of fields) {
    if (field.key === null) continue;
    if (SIGNATURE_FIELDS.has(field.key)) return raw;
    if (KEPT_FIELDS.has(field.key)) kept.push(field.line, CRLF);
  }
  kept.push(CRLF);
  return Buffer.concat(kept);
}
