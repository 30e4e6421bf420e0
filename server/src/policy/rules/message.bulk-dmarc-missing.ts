import type { CheckDefinition } from '../types.js';
import { bulkAuth, bulkReason } from './bulk.js';

/** G26: bulk senders must publish a DMARC record (p=none is enough) → 550 5.7.40 (FAQ: 4.7.31). */
export const bulkDmarcMissing: CheckDefinition = {
  id: 'message.bulk-dmarc-missing',
  phases: ['message'],
  summary: 'Bulk sender whose From domain has no DMARC record',
  check(ctx, params) {
    const auth = bulkAuth(ctx, params);
    const dmarc = auth?.dmarc;
    if (!auth || !dmarc || dmarc.result !== 'none') return null;
    return {
      why: `The From domain ${dmarc.domain} publishes no DMARC record (_dmarc.${dmarc.domain}), and ${bulkReason(auth)}.`,
      fix: `Publish a TXT record at _dmarc.${dmarc.domain}: "v=DMARC1; p=none; rua=mailto:dmarc@${dmarc.domain}".`,
      vars: { domain: dmarc.domain },
    };
  },
};
