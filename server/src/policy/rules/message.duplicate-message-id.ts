import { describeWindow, exceeded, messageIdOf, rateWindows } from '../rates.js';
import type { CheckDefinition } from '../types.js';

/**
 * G26: 421 4.7.28 when a sender exceeds the quota of messages with the same Message-ID.
 * Google publishes no count; the profile's windows are Bouncer's.
 */
export const duplicateMessageId: CheckDefinition = {
  id: 'message.duplicate-message-id',
  phases: ['message'],
  summary: 'Too many messages with the same Message-ID',
  check(ctx, params) {
    const message = ctx.message;
    if (!message || message.parseError) return null;
    const id = messageIdOf(message);
    const hit = exceeded(ctx.rates, 'message-id', id, rateWindows(params, [{ limit: 10, seconds: 86400 }]));
    if (!hit) return null;
    const span = describeWindow(hit.window.seconds);
    return {
      why: `${hit.count} messages with the Message-ID ${id} were already accepted in the last ${span}; this profile allows ${hit.window.limit}.`,
      fix: 'Give every message its own Message-ID (a resend of the same mail to another recipient is a new message); let the mail library generate it.',
      vars: { messageId: id, count: hit.count, limit: hit.window.limit },
    };
  },
};
