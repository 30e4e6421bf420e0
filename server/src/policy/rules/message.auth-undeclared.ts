import { authenticated, undeclaredExcused } from '../../mail/auth-types.js';
import type { CheckDefinition } from '../types.js';
import { authorDomain, dkimKeyName, exampleSpf } from './auth-explain.js';

/**
 * Warning rule. The sender's domains are not in Bouncer's DNS world and `dns.undeclared` is
 * `none`: SPF/DKIM/DMARC are `none`, and instead of rejecting, the session records what
 * Gmail would answer (550 5.7.26) and which records to declare.
 */
export const authUndeclared: CheckDefinition = {
  id: 'message.auth-undeclared',
  phases: ['message'],
  summary: 'Sender domains absent from the DNS world (Gmail would answer 5.7.26)',
  check(ctx) {
    const auth = ctx.message?.auth;
    if (!auth || authenticated(auth) || !undeclaredExcused(auth)) return null;
    const domains = [...new Set([auth.spf.domain, ...auth.dkim.map((d) => d.domain), authorDomain(auth)].filter(Boolean))];
    return {
      why: `Bouncer's DNS world has no records for ${domains.join(', ')}, so SPF and DKIM are none; Gmail would refuse unauthenticated mail.`,
      fix: `Declare the sender's records in the config, e.g. dns.records: {"${auth.spf.domain}": {TXT: ["${exampleSpf(auth.spf.ip)}"]}} and a DKIM key TXT at ${dkimKeyName(auth)}; or set dns.undeclared: fail to get Gmail's 550 5.7.26.`,
      vars: { spfDomain: auth.spf.domain, ip: auth.spf.ip },
    };
  },
};
