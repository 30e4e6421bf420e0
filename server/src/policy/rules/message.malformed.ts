import type { CheckDefinition } from '../types.js';

/** A message the MIME parser cannot read is refused (Gmail: 554 5.6.0, support page capture 2024). */
export const malformed: CheckDefinition = {
  id: 'message.malformed',
  phases: ['message'],
  summary: 'Message that mailparser cannot parse',
  check(ctx) {
    const error = ctx.message?.parseError;
    if (!error) return null;
    return {
      why: `The message could not be parsed as RFC 5322/MIME: ${error.replace(/\s+/g, ' ').slice(0, 200)}.`,
      fix: 'Build messages with a MIME library (nodemailer, Python email) rather than by hand; check boundaries and encodings.',
    };
  },
};
