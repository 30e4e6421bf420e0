/**
 * The SMTP path's parse: only the header block, which is what the end-of-DATA rules read.
 * The full mailparser parse (bodies, attachments, decoded addresses) costs about 100 µs of
 * CPU for a 2 KB message, more than the whole SMTP dialogue; it runs after the reply, in a
 * worker thread (see parse-pool.ts and store/deferred-parse.ts).
 *
 * The output matches what parseMessage() (mailparser 3.9.31 / mailsplit) reports as
 * `headers` and, for an oversized header block, `parseError`; mail/headers.test.ts checks
 * that on a corpus and on mutated messages.
 */
import type { ParsedFields } from './parse.js';

/** mailsplit's MAX_HEAD_SIZE: a header block beyond it makes mailparser fail. */
export const MAX_HEAD_SIZE = 1024 * 1024;
/** mailparser's error text for it (the message.malformed rule quotes it). */
export const HEAD_TOO_LARGE = 'Max header size for a MIME node exceeded';

/** Where the header block ends: the offset of the first empty line (or the end of the message). */
export function headerEnd(raw: Buffer): number {
  if (raw.length === 0) return 0;
  // an empty first line: no headers at all
  if (raw[0] === 0x0a || (raw[0] === 0x0d && raw[1] === 0x0a)) return 0;
  let from = 0;
  for (;;) {
    const lf = raw.indexOf(0x0a, from);
    if (lf < 0 || lf === raw.length - 1) return raw.length;
    const next = raw[lf + 1];
    if (next === 0x0a) return lf + 1;
    if (next === 0x0d && raw[lf + 2] === 0x0a) return lf + 1;
    from = lf + 1;
  }
}

/** RFC 5322 §2.2.3: unfold a header line and drop the name (as parse.ts does). */
export function headerValue(line: string): string {
  const colon = line.indexOf(':');
  return (colon < 0 ? '' : line.slice(colon + 1)).replace(/\r?\n[ \t]/g, ' ').trim();
}

const isFolding = (c: string): boolean => c === ' ' || c === '\t';

/**
 * mailsplit's Headers#_parseHeaders: binary (latin1) text, split on line ends, continuation
 * lines appended to the previous one, names lower-cased; an mbox `From ` or an HTTP `POST `
 * first line is not a header.
 */
function headerLines(block: string): Array<{ key: string; line: string }> {
  // an empty header block still yields one (empty) line, as in mailsplit
  const raw = block.replace(/[\r\n]+$/, '').split(/\r?\n/);
  const key = (line: string) => line.slice(0, Math.max(0, line.indexOf(':'))).toLowerCase().trim();
  let i = 1;
  let first = raw[0]!;
  while (i < raw.length && isFolding(raw[i]!.charAt(0))) first += '\r\n' + raw[i++];
  const lines: Array<{ key: string; line: string }> = [];
  if (!/^From /i.test(first) && !/^POST /i.test(first)) lines.push({ key: first.indexOf(':') < 0 ? '' : key(first), line: first });
  for (; i < raw.length; i++) {
    const current = raw[i]!;
    const last = lines[lines.length - 1];
    if (isFolding(current.charAt(0)) && last) {
      last.line += '\r\n' + current;
      if (!last.key) last.key = last.line.indexOf(':') < 0 ? '' : key(last.line);
    } else {
      lines.push({ key: current.indexOf(':') < 0 ? '' : key(current), line: current });
    }
  }
  return lines;
}

export interface HeaderFacts {
  headers: Array<{ name: string; value: string }>;
  parseError?: string;
}

/** The header fields of a message, in order, names lower-cased, values unfolded. */
export function parseHeaders(raw: Buffer): HeaderFacts {
  const end = headerEnd(raw);
  if (end > MAX_HEAD_SIZE) return { headers: [], parseError: HEAD_TOO_LARGE };
  const block = raw.toString('latin1', 0, end);
  return { headers: headerLines(block).map((h) => ({ name: h.key, value: headerValue(h.line) })) };
}

/**
 * What finishMessage needs before its reply, in parseMessage()'s shape: headers and the
 * parse error; the display fields stay empty until the deferred parse fills them in.
 */
export function parseForRules(raw: Buffer): ParsedFields {
  const { headers, parseError } = parseHeaders(raw);
  return { from: [], to: [], cc: [], headers, attachments: [], attachmentBodies: [], ...(parseError ? { parseError } : {}) };
}
