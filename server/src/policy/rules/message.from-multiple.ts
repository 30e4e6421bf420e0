import type { CheckDefinition } from '../types.js';

/**
 * G26: Gmail refuses more than one address in From (RFC 5322 §3.6.2 allows it with a Sender
 * header; Gmail does not) → 550 5.7.1.
 */
export const fromMultiple: CheckDefinition = {
  id: 'message.from-multiple',
  phases: ['message'],
  summary: 'More than one address in From',
  check(ctx) {
    const message = ctx.message;
    const from = message?.from ?? [];
    if (!message || message.parseError || from.length < 2) return null;
    return {
      why: `The From header holds ${from.length} addresses (${from.map((a) => a.address).join(', ')}).`,
      fix: 'Put exactly one address in From; move the others to Reply-To or Cc.',
      vars: { count: from.length },
    };
  },
};
