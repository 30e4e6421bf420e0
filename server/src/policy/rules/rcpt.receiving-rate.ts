import { describeWindow, exceeded, rateWindows } from '../rates.js';
import type { CheckDefinition } from '../types.js';

/**
 * LIM (support.google.com/a/answer/1366776): an account receives at most 60 messages a
 * minute, 3,600 an hour, 86,400 a day; beyond that Gmail answers 450 4.2.1 at RCPT (G26).
 * Counted per recipient address over accepted messages (policy/rates.ts).
 */
export const receivingRate: CheckDefinition = {
  id: 'rcpt.receiving-rate',
  phases: ['rcpt'],
  summary: 'Recipient receiving mail faster than Gmail allows',
  check(ctx, params) {
    const address = ctx.command?.path?.address;
    if (!address) return null;
    const hit = exceeded(ctx.rates, 'recipient', address, rateWindows(params, [{ limit: 60, seconds: 60 }]));
    if (!hit) return null;
    const span = describeWindow(hit.window.seconds);
    return {
      why: `${address} already received ${hit.count} messages in the last ${span}; Gmail accepts ${hit.window.limit} per ${span} for one account.`,
      fix: `Spread mail to one recipient over time (at most ${hit.window.limit} per ${span}) and retry 4xx replies later with backoff.`,
      vars: { address, count: hit.count, limit: hit.window.limit },
    };
  },
};
