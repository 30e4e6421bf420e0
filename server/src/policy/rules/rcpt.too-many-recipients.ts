import type { CheckDefinition } from '../types.js';

/** Gmail takes at most 100 recipients per message over SMTP submission (support.google.com/a/answer/166852). */
export const tooManyRecipients: CheckDefinition = {
  id: 'rcpt.too-many-recipients',
  phases: ['rcpt'],
  summary: 'One RCPT more than limits.maxRecipients',
  check(ctx) {
    if (ctx.envelope.rcptTo.length < ctx.limits.maxRecipients) return null;
    return {
      why: `The message already has ${ctx.envelope.rcptTo.length} recipients, the most this server takes per message.`,
      fix: `Split the recipients into batches of at most ${ctx.limits.maxRecipients} per message; the 452 is temporary, so send the rest in a new transaction.`,
    };
  },
};
