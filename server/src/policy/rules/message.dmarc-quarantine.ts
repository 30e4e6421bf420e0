import type { CheckDefinition } from '../types.js';
import { dkimKeyName, ipMechanism } from './auth-explain.js';

/**
 * Warning rule. RFC 7489 §6.6.2: p=quarantine asks the receiver to treat failing mail as
 * suspicious; Gmail accepts it and delivers it to spam (support.google.com/a/answer/2466580).
 */
export const dmarcQuarantine: CheckDefinition = {
  id: 'message.dmarc-quarantine',
  phases: ['message'],
  summary: 'DMARC fails and the From domain asks for quarantine (spam folder)',
  check(ctx) {
    const auth = ctx.message?.auth;
    const dmarc = auth?.dmarc;
    if (!auth || !dmarc || dmarc.result !== 'fail' || dmarc.policy !== 'quarantine') return null;
    return {
      why: `DMARC fails for ${dmarc.domain} (policy quarantine, record "${dmarc.record ?? ''}"): no SPF or DKIM pass is aligned with the From domain.`,
      fix: `Sign with DKIM for ${dmarc.domain} (key at ${dkimKeyName(auth)}), or send with a MAIL FROM address in ${dmarc.domain} whose SPF record has ${ipMechanism(auth.spf.ip)}.`,
      vars: { domain: dmarc.domain },
    };
  },
};
