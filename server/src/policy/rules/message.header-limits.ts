import type { CheckDefinition } from '../types.js';
import { displayHeaderName } from './header-names.js';
import { normalizedSet, numberParam } from './helpers.js';

/** Fields without the per-field size limit (Gmail's page names them). */
const EXEMPT = ['to', 'cc', 'references'];

/**
 * Gmail's header limits (support.google.com/a/answer/14016360): 500 KB of header in total,
 * 5,000 fields, 32 KB per field value (To, Cc and References excepted), Subject up to 998
 * characters, Message-ID up to 500, a field name up to 1 KB → 552 5.3.4 (G26).
 */
export const headerLimits: CheckDefinition = {
  id: 'message.header-limits',
  phases: ['message'],
  summary: "Header over Gmail's size limits",
  check(ctx, params) {
    const message = ctx.message;
    if (!message || message.parseError) return null;
    const totalBytes = numberParam(params.totalBytes, 512_000);
    const maxFields = numberParam(params.maxFields, 5000);
    const maxValueBytes = numberParam(params.maxValueBytes, 32_768);
    const maxNameBytes = numberParam(params.maxNameBytes, 1024);
    const maxSubject = numberParam(params.maxSubject, 998);
    const maxMessageId = numberParam(params.maxMessageId, 500);
    const exempt = normalizedSet(params.exempt, EXEMPT);
    const fix = 'Keep headers small: move long data into the body, split long recipient lists over several messages.';

    const headerBytes = headerBlockLength(message.raw);
    if (headerBytes > totalBytes) return { why: `The header is ${headerBytes} bytes; Gmail allows ${totalBytes}.`, fix };
    if (message.headers.length > maxFields) return { why: `The header has ${message.headers.length} fields; Gmail allows ${maxFields}.`, fix };
    for (const h of message.headers) {
      const bytes = Buffer.byteLength(h.value);
      if (Buffer.byteLength(h.name) > maxNameBytes) return { why: `A header field name is ${Buffer.byteLength(h.name)} bytes long; Gmail allows ${maxNameBytes}.`, fix };
      if (h.name === 'subject' && [...h.value].length > maxSubject) return { why: `The Subject is ${[...h.value].length} characters long; Gmail allows ${maxSubject}.`, fix: 'Shorten the Subject.' };
      if (h.name === 'message-id' && [...h.value].length > maxMessageId) return { why: `The Message-ID is ${[...h.value].length} characters long; Gmail allows ${maxMessageId}.`, fix: 'Use a short Message-ID such as <random-id@your-domain.example>.' };
      if (!exempt.has(h.name) && bytes > maxValueBytes) return { why: `The ${displayHeaderName(h.name)} header is ${bytes} bytes long; Gmail allows ${maxValueBytes} per field.`, fix };
    }
    return null;
  },
};

/** Bytes before the empty line that ends the header (RFC 5322 §2.1), the whole message when there is none. */
export function headerBlockLength(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf >= 0 ? crlf + 2 : -1, lf >= 0 ? lf + 1 : -1].filter((n) => n >= 0);
  return ends.length ? Math.min(...ends) : raw.length;
}
