import { forwardConfirm } from '../../dns/world.js';
import type { CheckDefinition } from '../types.js';

/**
 * Gmail's sender guidelines (support.google.com/a/answer/81126#ip-practices): the sending IP
 * must have a PTR whose name resolves back to it. Answered at end of DATA (mailinabox#2211).
 */
export const ptr: CheckDefinition = {
  id: 'message.ptr',
  phases: ['message'],
  summary: 'Client address without forward-confirmed reverse DNS',
  async check(ctx) {
    const ip = ctx.client.address;
    const fc = await forwardConfirm(ctx.dns, ip);
    if (fc.confirmedName || fc.temporaryFailure) return null;
    const first = fc.ptrNames[0];
    return {
      why: first
        ? `${ip} has the PTR ${first}, but ${first} does not resolve back to ${ip}.`
        : `${ip} has no PTR record.`,
      fix: first
        ? `Add an A/AAAA record ${first} → ${ip}, or change the PTR of ${ip} to a name that resolves to it.`
        : `Ask the owner of ${ip} (your hosting provider) to set a PTR to your mail host name, e.g. mail.example.com, whose A record is ${ip}.`,
      vars: { ip, ptr: first ?? '' },
    };
  },
};
