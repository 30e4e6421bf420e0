import type { CheckDefinition } from '../types.js';

/** RFC 5321 §3.3: RCPT is only valid inside a transaction opened by MAIL. */
export const mailFirst: CheckDefinition = {
  id: 'command.mail-first',
  phases: ['command'],
  summary: 'RCPT before MAIL',
  check(ctx) {
    if (ctx.command?.verb !== 'RCPT' || ctx.envelope.mailFrom) return null;
    return {
      why: 'The client sent RCPT TO before a MAIL FROM was accepted.',
      fix: 'Send MAIL FROM:<sender> and wait for its 250 before the recipients.',
    };
  },
};
