import type { CheckDefinition } from '../types.js';

/** RFC 5321 §3.3: DATA needs at least one accepted recipient ("503 no valid recipients"). */
export const rcptFirst: CheckDefinition = {
  id: 'command.rcpt-first',
  phases: ['command'],
  summary: 'DATA before an accepted RCPT',
  check(ctx) {
    if (ctx.command?.verb !== 'DATA' || ctx.envelope.rcptTo.length > 0) return null;
    return {
      why: ctx.envelope.mailFrom
        ? 'The client sent DATA but no recipient was accepted.'
        : 'The client sent DATA before MAIL FROM and RCPT TO.',
      fix: 'Only send DATA after at least one RCPT TO got a 250; check the replies to your RCPT commands.',
    };
  },
};
