import type { CheckDefinition } from '../types.js';
import { headerValues } from './helpers.js';

/**
 * RFC 5322 §3.6.4: msg-id = "<" id-left "@" id-right ">". Gmail refuses messages without a
 * valid Message-ID at the end of DATA (danuk/shm#100, element-hq/matrix-authentication-service#4747).
 */
const MSG_ID = /^<[^<>@\s]+@(?:[^<>@\s[\]]+|\[[^\]\s]*\])>$/;

/** Drops RFC 5322 comments, `(…)`, around the value. */
function stripComments(value: string): string {
  return value.replace(/\([^()]*\)/g, '').trim();
}

export function validMessageId(value: string): boolean {
  return MSG_ID.test(stripComments(value));
}

export const noMessageId: CheckDefinition = {
  id: 'message.no-message-id',
  phases: ['message'],
  summary: 'Message-ID missing or not <left@right>',
  check(ctx) {
    const message = ctx.message;
    if (!message || message.parseError) return null;
    const values = headerValues(message.headers, 'message-id');
    if (values.length > 0 && validMessageId(values[0]!)) return null;
    return {
      why: values.length === 0 ? 'The message has no Message-ID header.' : `The Message-ID "${values[0]!.slice(0, 200)}" is not of the form <left@right> (RFC 5322 §3.6.4).`,
      fix: 'Give every message a unique Message-ID such as <random-id@your-domain.example>; mail libraries do this when you let them.',
    };
  },
};
