import type { CheckDefinition } from '../types.js';
import { headerValues, numberParam } from './helpers.js';

/**
 * RFC 5321 §6.3: a message with too many Received fields is in a loop. Gmail refuses more
 * than 50 with 554 5.4.6 (G26, LIM "Hops: 50").
 */
export const tooManyHops: CheckDefinition = {
  id: 'message.too-many-hops',
  phases: ['message'],
  summary: 'More Received headers than the hop limit (mail loop)',
  check(ctx, params) {
    const message = ctx.message;
    if (!message || message.parseError) return null;
    const maxHops = numberParam(params.maxHops, 50);
    const hops = headerValues(message.headers, 'received').length;
    if (hops <= maxHops) return null;
    return {
      why: `The message carries ${hops} Received headers; more than ${maxHops} means it is looping between servers.`,
      fix: 'Look for a forwarding loop (two servers or aliases forwarding to each other) in the Received headers and break it.',
      vars: { hops, maxHops },
    };
  },
};
