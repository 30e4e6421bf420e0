import { authenticated, temporaryFailure, undeclaredExcused } from '../../mail/auth-types.js';
import type { CheckDefinition } from '../types.js';
import { authFix, describeDkim, describeSpf } from './auth-explain.js';

/**
 * Gmail's baseline for every sender (support.google.com/a/answer/81126#authentication): SPF or
 * DKIM must pass, else 550 5.7.26 at the end of DATA, with the results in the reply
 * (jtojnar/nixfiles#13). Undeclared domains (dns.undeclared: none) and temporary DNS
 * failures are left to message.auth-undeclared and message.auth-tempfail.
 */
export const unauthenticated: CheckDefinition = {
  id: 'message.unauthenticated',
  phases: ['message'],
  summary: 'Neither SPF nor DKIM passes',
  check(ctx) {
    const auth = ctx.message?.auth;
    if (!auth || authenticated(auth) || undeclaredExcused(auth) || temporaryFailure(auth)) return null;
    return {
      why: `Neither SPF nor DKIM passes: ${describeSpf(auth)}; ${describeDkim(auth)}.`,
      fix: authFix(auth),
      vars: { spfDomain: auth.spf.domain, ip: auth.spf.ip },
    };
  },
};
