import type { CheckDefinition } from '../types.js';

/** RFC 5321 §4.1.2: `RCPT TO:<forward-path>`; a malformed or empty path gets Gmail's 555 5.5.2. */
export const rcptSyntax: CheckDefinition = {
  id: 'rcpt.syntax',
  phases: ['rcpt'],
  summary: 'RCPT TO with a malformed or empty path',
  check(ctx) {
    const path = ctx.command?.path;
    if (path === undefined || (path !== null && path.address)) return null;
    const arg = ctx.command?.argument ?? '';
    return {
      why: `"RCPT ${arg.slice(0, 100)}" is not RCPT TO:<address> with a non-empty address.`,
      fix: 'Send RCPT TO:<recipient@example.com>, one recipient per command.',
      vars: { arg },
    };
  },
};
