import { describeWindow, exceeded, rateWindows } from '../rates.js';
import type { CheckDefinition } from '../types.js';

/**
 * Gmail rate-limits an unusual volume from one IP with 421 4.7.28 at the end of DATA
 * (mail-in-a-box/mailinabox#1771). Google publishes no threshold; the profile's windows are Bouncer's.
 */
export const ipRate: CheckDefinition = {
  id: 'message.ip-rate',
  phases: ['message'],
  summary: 'Unusual rate of mail from one client address',
  check(ctx, params) {
    const ip = ctx.client.address;
    const hit = exceeded(ctx.rates, 'client-ip', ip, rateWindows(params, [{ limit: 3600, seconds: 3600 }]));
    if (!hit) return null;
    const span = describeWindow(hit.window.seconds);
    return {
      why: `${hit.count} messages from ${ip} were accepted in the last ${span}; this profile allows ${hit.window.limit}.`,
      fix: `Slow down: send at most ${hit.window.limit} messages per ${span} from ${ip}, warm up new IPs gradually, and retry 4xx replies with backoff.`,
      vars: { ip, count: hit.count, limit: hit.window.limit },
    };
  },
};
