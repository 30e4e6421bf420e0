import { forwardConfirm } from '../../dns/world.js';
import type { CheckDefinition } from '../types.js';

/**
 * Optional (strict profile): the EHLO name should be the client's forward-confirmed PTR name;
 * a different name is a forged identity. Google does not publish this as a rule.
 */
export const matchPtr: CheckDefinition = {
  id: 'helo.match-ptr',
  phases: ['helo'],
  summary: "EHLO name differs from the client address's PTR name",
  async check(ctx) {
    const name = (ctx.helo?.name ?? '').toLowerCase().replace(/\.$/, '');
    if (!name || name.startsWith('[')) return null;
    const fc = await forwardConfirm(ctx.dns, ctx.client.address);
    if (fc.temporaryFailure) return null;
    if (fc.ptrNames.includes(name)) return null;
    const ptr = fc.ptrNames[0];
    return {
      why: ptr
        ? `The client says it is ${name}, but ${ctx.client.address} has the PTR ${ptr}.`
        : `The client says it is ${name}, but ${ctx.client.address} has no PTR record.`,
      fix: `Make the EHLO name equal the PTR name of the sending IP (${ptr ?? 'publish a PTR first'}), and give that name an A record pointing back.`,
      vars: { name, ptr: ptr ?? '' },
    };
  },
};
