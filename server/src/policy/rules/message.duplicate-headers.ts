import type { CheckDefinition } from '../types.js';
import { displayHeaderName } from './header-names.js';
import { normalizedSet } from './helpers.js';

/**
 * RFC 5322 §3.6 (the table of field counts): these fields appear at most once. Gmail refuses
 * duplicates with 550 5.7.1 (G26, sender guidelines "no duplicate single-instance headers").
 */
export const SINGLE_INSTANCE = ['from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'message-id', 'in-reply-to', 'references', 'subject', 'date'];

export const duplicateHeaders: CheckDefinition = {
  id: 'message.duplicate-headers',
  phases: ['message'],
  summary: 'A single-instance header field appears more than once',
  check(ctx, params) {
    const message = ctx.message;
    if (!message || message.parseError) return null;
    const single = normalizedSet(params.headers, SINGLE_INSTANCE);
    const counts = new Map<string, number>();
    for (const h of message.headers) if (single.has(h.name)) counts.set(h.name, (counts.get(h.name) ?? 0) + 1);
    const dup = [...counts].find(([, n]) => n > 1);
    if (!dup) return null;
    const name = displayHeaderName(dup[0]);
    return {
      why: `The header ${name} appears ${dup[1]} times; RFC 5322 §3.6 allows it once.`,
      fix: `Send a single ${name} header (join several recipients in one To/Cc field, separated by commas).`,
      vars: { header: name, count: dup[1] },
    };
  },
};
