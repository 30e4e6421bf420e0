import { canonicalName } from '../../dns/world.js';
import type { CheckDefinition } from '../types.js';

/**
 * Optional (strict profile): the EHLO name should be one of the PTR names of the client
 * address; a different name is a forged identity. Whether that PTR resolves back is
 * message.ptr's business. Google does not publish this as a rule.
 */
export const matchPtr: CheckDefinition = {
  id: 'helo.match-ptr',
  phases: ['helo'],
  summary: "EHLO name differs from the client address's PTR name",
  async check(ctx) {
    const name = (ctx.helo?.name ?? '').toLowerCase().replace(/\.$/, '');
    if (!name || name.startsWith('[')) return null;
    const answer = await ctx.dns.reverse(ctx.client.address);
    // a broken reverse zone is not the client's forgery; message.ptr-tempfail deals with it
    if (answer.status === 'servfail') return null;
    const names = answer.status === 'ok' ? answer.values.map(canonicalName) : [];
    if (names.includes(name)) return null;
    const ptr = names[0];
    return {
      why: ptr
        ? `The client says it is ${name}, but ${ctx.client.address} has the PTR ${ptr}.`
        : `The client says it is ${name}, but ${ctx.client.address} has no PTR record.`,
      fix: `Make the EHLO name equal the PTR name of the sending IP (${ptr ?? 'publish a PTR first'}), and give that name an A record pointing back.`,
      vars: { name, ptr: ptr ?? '' },
    };
  },
};
