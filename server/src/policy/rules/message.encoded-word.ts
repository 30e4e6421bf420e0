import type { CheckDefinition } from '../types.js';
import { displayHeaderName } from './header-names.js';
import { normalizedSet } from './helpers.js';

/**
 * RFC 2047 §5: an encoded-word (`=?charset?B|Q?text?=`) may replace text or a phrase, never
 * an addr-spec, a msg-id or other structured tokens. Gmail refuses one where it is not
 * permitted with 550 5.7.1 naming the header (G26).
 */
const ENCODED_WORD = /=\?[^?\s]+\?[bq]\?[^?\s]*\?=/i;
/** Headers made only of structured tokens: no encoded-word anywhere. */
export const STRUCTURED = ['message-id', 'in-reply-to', 'references', 'date', 'received', 'return-path', 'content-id', 'content-transfer-encoding', 'mime-version'];
/** Address headers: encoded-words may be display names, never inside the address. */
export const ADDRESS_HEADERS = ['from', 'sender', 'reply-to', 'to', 'cc', 'bcc'];

/** An encoded-word inside `<...>`, or glued to the `@` of a bare address. */
function inAddress(value: string): boolean {
  for (const m of value.matchAll(/<([^>]*)>/g)) if (ENCODED_WORD.test(m[1]!)) return true;
  const bare = value.replace(/<[^>]*>/g, ' ').replace(/"[^"]*"/g, ' ');
  return /=\?[^?\s]+\?[bq]\?[^?\s]*\?=[^\s,;]*@|@[^\s,;]*=\?[^?\s]+\?[bq]\?/i.test(bare);
}

export const encodedWord: CheckDefinition = {
  id: 'message.encoded-word',
  phases: ['message'],
  summary: 'Encoded-word in a header where RFC 2047 does not allow it',
  check(ctx, params) {
    const message = ctx.message;
    if (!message || message.parseError) return null;
    const structured = normalizedSet(params.structured, STRUCTURED);
    const addresses = normalizedSet(params.addressHeaders, ADDRESS_HEADERS);
    const found = message.headers.find((h) => (structured.has(h.name) && ENCODED_WORD.test(h.value)) || (addresses.has(h.name) && inAddress(h.value)));
    if (!found) return null;
    const name = displayHeaderName(found.name);
    return {
      why: `The ${name} header holds an RFC 2047 encoded-word (${ENCODED_WORD.exec(found.value)![0]}) where only plain ASCII tokens are allowed (RFC 2047 §5).`,
      fix: addresses.has(found.name)
        ? `Encode only the display name in ${name}; keep the address itself plain (or use SMTPUTF8 for non-ASCII addresses).`
        : `Write ${name} in plain ASCII; encoded-words belong in unstructured text such as Subject.`,
      vars: { header: name },
    };
  },
};
