import type { CheckDefinition } from '../types.js';
import { exampleSpf, ipMechanism } from './auth-explain.js';
import { bulkAuth, bulkReason } from './bulk.js';

/** G26/FAQ: bulk senders must pass SPF → 550 5.7.27 (421 4.7.27 while Gmail ramps up). */
export const bulkSpf: CheckDefinition = {
  id: 'message.bulk-spf',
  phases: ['message'],
  summary: 'Bulk sender whose SPF does not pass',
  check(ctx, params) {
    const auth = bulkAuth(ctx, params);
    if (!auth || auth.spf.result === 'pass') return null;
    const { domain, ip, record } = auth.spf;
    return {
      why: `SPF for ${domain} with ip ${ip} is ${auth.spf.result}, and ${bulkReason(auth)}: bulk senders need SPF and DKIM both.`,
      fix: record ? `Add ${ipMechanism(ip)} to the SPF record of ${domain} ("${record}").` : `Publish a TXT record at ${domain}: "${exampleSpf(ip)}".`,
      vars: { spfDomain: domain, ip },
    };
  },
};
