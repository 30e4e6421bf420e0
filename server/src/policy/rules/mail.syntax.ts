import type { CheckDefinition } from '../types.js';

/** RFC 5321 §4.1.2: `MAIL FROM:<reverse-path>`; Gmail answers a malformed path with 555 5.5.2. */
export const mailSyntax: CheckDefinition = {
  id: 'mail.syntax',
  phases: ['mail'],
  summary: 'MAIL FROM with a malformed path',
  check(ctx) {
    if (ctx.command?.path !== null) return null;
    const arg = ctx.command.argument;
    return {
      why: `"MAIL ${arg.slice(0, 100)}" is not MAIL FROM:<address> (angle brackets, no space before the colon's address).`,
      fix: 'Send MAIL FROM:<sender@example.com>; quote local parts with special characters; <> is the null sender.',
      vars: { arg },
    };
  },
};
