import { dkimPassed } from '../../mail/auth-types.js';
import type { CheckDefinition } from '../types.js';
import { authorDomain, describeDkim, dkimKeyName } from './auth-explain.js';
import { bulkAuth, bulkReason } from './bulk.js';

/** G26/FAQ: bulk senders must pass DKIM → 550 5.7.30 (421 4.7.30 while Gmail ramps up). */
export const bulkDkim: CheckDefinition = {
  id: 'message.bulk-dkim',
  phases: ['message'],
  summary: 'Bulk sender without a passing DKIM signature',
  check(ctx, params) {
    const auth = bulkAuth(ctx, params);
    if (!auth || dkimPassed(auth)) return null;
    return {
      why: `No DKIM signature passes (${describeDkim(auth)}), and ${bulkReason(auth)}: bulk senders need SPF and DKIM both.`,
      fix: `Sign every message with DKIM (d=${authorDomain(auth)}) and publish the public key as TXT at ${dkimKeyName(auth)}.`,
      vars: { domain: authorDomain(auth) },
    };
  },
};
