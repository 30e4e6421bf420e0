import { forwardConfirm } from '../../dns/world.js';
import type { CheckDefinition } from '../types.js';

/** A PTR or forward lookup that fails temporarily (SERVFAIL in the DNS world) defers the message. */
export const ptrTempfail: CheckDefinition = {
  id: 'message.ptr-tempfail',
  phases: ['message'],
  summary: 'Reverse DNS of the client address failed temporarily',
  async check(ctx) {
    const fc = await forwardConfirm(ctx.dns, ctx.client.address);
    if (fc.confirmedName || !fc.temporaryFailure) return null;
    return {
      why: `A DNS lookup for ${ctx.client.address} (its PTR, or the A/AAAA of its PTR name) failed temporarily (SERVFAIL).`,
      fix: 'Fix the DNS servers answering for the PTR zone of the sending IP; the sender will retry.',
      vars: { ip: ctx.client.address },
    };
  },
};
