import type { CheckDefinition } from '../types.js';
import { describeDkim, describeSpf, dkimKeyName, ipMechanism } from './auth-explain.js';

/**
 * RFC 7489 §6.6.2 and Gmail (purelymail-issues#394): DMARC fails (no SPF or DKIM pass aligned
 * with the From domain) and the domain publishes p=reject (sp= for a subdomain) → 550 5.7.26.
 * `pct` sampling is not simulated: a reject policy always applies.
 */
export const dmarcReject: CheckDefinition = {
  id: 'message.dmarc-reject',
  phases: ['message'],
  summary: 'DMARC fails and the From domain asks for reject',
  check(ctx) {
    const auth = ctx.message?.auth;
    const dmarc = auth?.dmarc;
    if (!auth || !dmarc || dmarc.result !== 'fail' || dmarc.policy !== 'reject') return null;
    return {
      why: `DMARC fails for ${dmarc.domain} (policy reject, record "${dmarc.record ?? ''}"): no SPF or DKIM pass is aligned with the From domain; ${describeSpf(auth)}; ${describeDkim(auth)}.`,
      fix: `Sign with DKIM for ${dmarc.domain} (key at ${dkimKeyName(auth)}), or send with a MAIL FROM address in ${dmarc.domain} whose SPF record has ${ipMechanism(auth.spf.ip)}.`,
      vars: { domain: dmarc.domain },
    };
  },
};
