import { describeWindow, exceeded, rateWindows, spfDomainOf } from '../rates.js';
import type { CheckDefinition } from '../types.js';

/**
 * Gmail rate-limits an unusual volume from one SPF domain with 421 4.7.28 at the end of DATA
 * (purelymail-issues#354). Google publishes no threshold; the profile's windows are Bouncer's.
 */
export const senderRate: CheckDefinition = {
  id: 'message.sender-rate',
  phases: ['message'],
  summary: 'Unusual rate of mail from one SPF domain',
  check(ctx, params) {
    const domain = spfDomainOf(ctx);
    const hit = exceeded(ctx.rates, 'sender-domain', domain, rateWindows(params, [{ limit: 3600, seconds: 3600 }]));
    if (!hit) return null;
    const span = describeWindow(hit.window.seconds);
    return {
      why: `${hit.count} messages from the SPF domain ${domain} were accepted in the last ${span}; this profile allows ${hit.window.limit}.`,
      fix: `Slow down: send at most ${hit.window.limit} messages per ${span} from ${domain}, ramp volume up gradually, and retry 4xx replies with backoff.`,
      vars: { domain, count: hit.count, limit: hit.window.limit },
    };
  },
};
