import { describeWindow, exceeded, rateWindows } from '../rates.js';
import type { CheckDefinition } from '../types.js';

/**
 * Sending limits (support.google.com/a/answer/166852): Workspace accounts send 2,000
 * messages a day (a rolling 24 hours); beyond it smtp.gmail.com answers MAIL with 550 5.4.5.
 */
export const dailyLimit: CheckDefinition = {
  id: 'mail.daily-limit',
  phases: ['mail'],
  summary: 'Submission user over the daily sending limit',
  check(ctx, params) {
    const user = ctx.user;
    if (!user) return null;
    const hit = exceeded(ctx.rates, 'user', user, rateWindows(params, [{ limit: 2000, seconds: 86400 }]));
    if (!hit) return null;
    const span = describeWindow(hit.window.seconds);
    return {
      why: `${user} already sent ${hit.count} messages in the last ${span}; the limit is ${hit.window.limit}.`,
      fix: `Wait until the oldest of those messages is ${span} old, or send bulk mail through a service made for it rather than one account.`,
      vars: { user, count: hit.count, limit: hit.window.limit },
    };
  },
};
