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

/**
 * Where mailauth's header block ends: just after the first LF that is followed by an empty
 * line (LF, or CR LF). mailauth turns every bare LF into CR LF first, so that is the same
 * place as its test on the normalised bytes. A first line that is empty is not an end for
 * mailauth (it needs an LF before it), so such a message is not reduced; nor is one whose
 * header block never ends. Returns -1 when the message is to be passed whole.
 */
function headerBlockEnd(raw: Buffer): number {
  const first = raw.indexOf(0x0a);
  if (first < 1 || (first === 1 && raw[0] === 0x0d)) return -1;
  let from = first;
  for (;;) {
    const lf = raw.indexOf(0x0a, from);
    if (lf < 0) return -1;
    if (raw[lf + 1] === 0x0a) return lf + 2;
    if (raw[lf + 1] === 0x0d && raw[lf + 2] === 0x0a) return lf + 3;
    from = lf + 1;
  }
}

/** The input for mailauth's authenticate(): `raw` itself unless it can be reduced (see above). */
export function authenticationInput(raw: Buffer): Buffer {
  const end = headerBlockEnd(raw);
  if (end < 0) return raw;
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
