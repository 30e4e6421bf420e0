import { dkimPassed } from '../../mail/auth-types.js';
import type { CheckDefinition } from '../types.js';
import { ipMechanism } from './auth-explain.js';

/**
 * G26: 550 5.7.26 when the MAIL FROM domain's SPF record fails with a hard-fail policy.
 * A passing DKIM signature authenticates the message all the same (SG: "SPF or DKIM"), so
 * the rule only fires when no signature passes.
 */
export const spfHardfail: CheckDefinition = {
  id: 'message.spf-hardfail',
  phases: ['message'],
  summary: 'SPF fails (hard fail) and no DKIM signature passes',
  check(ctx) {
    const auth = ctx.message?.auth;
    if (!auth || auth.spf.result !== 'fail' || dkimPassed(auth)) return null;
    const { domain, ip, record } = auth.spf;
    return {
      why: `The SPF record of ${domain} ("${record ?? ''}") does not list ${ip} and fails it (hard fail), and no DKIM signature passes.`,
      fix: `Add ${ipMechanism(ip)} to the SPF record of ${domain}, send through a server it lists, or sign with DKIM for ${domain}.`,
      vars: { spfDomain: domain, ip },
    };
  },
};
