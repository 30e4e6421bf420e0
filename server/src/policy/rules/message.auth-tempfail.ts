import { authenticated, temporaryFailure } from '../../mail/auth-types.js';
import type { CheckDefinition } from '../types.js';

/**
 * The temporary variant of 5.7.26 (reference: "550 5.7.26 (temporary 421 4.7.26)"): nothing
 * passed, and a lookup on the way answered SERVFAIL, so Gmail cannot tell and defers.
 */
export const authTempfail: CheckDefinition = {
  id: 'message.auth-tempfail',
  phases: ['message'],
  summary: 'SPF/DKIM/DMARC lookups failed temporarily and nothing passed',
  check(ctx) {
    const auth = ctx.message?.auth;
    if (!auth || authenticated(auth) || !temporaryFailure(auth)) return null;
    const failed = [
      auth.spf.result === 'temperror' ? `the SPF record of ${auth.spf.domain}` : undefined,
      ...auth.dkim.filter((d) => d.result === 'temperror').map((d) => `the DKIM key ${d.selector}._domainkey.${d.domain}`),
      auth.dmarc?.result === 'temperror' ? `the DMARC record of ${auth.dmarc.domain}` : undefined,
    ].filter((v): v is string => !!v);
    return {
      why: `A DNS lookup failed temporarily (SERVFAIL) for ${failed.join(', ')}, and neither SPF nor DKIM passed.`,
      fix: `Fix the DNS servers answering for ${failed.join(', ')}; the sender will retry (4xx).`,
      vars: { spfDomain: auth.spf.domain, ip: auth.spf.ip },
    };
  },
};
