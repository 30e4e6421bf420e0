import type { CheckDefinition } from '../types.js';
import { describeDkim, describeSpf } from './auth-explain.js';
import { bulkAuth, bulkReason } from './bulk.js';

/**
 * G26: bulk senders' From domain must align with the SPF or the DKIM domain (RFC 7489 §3.1,
 * relaxed: same organizational domain) → 550 5.7.32.
 */
export const bulkAlignment: CheckDefinition = {
  id: 'message.bulk-alignment',
  phases: ['message'],
  summary: 'Bulk sender whose From domain is aligned with neither SPF nor DKIM',
  check(ctx, params) {
    const auth = bulkAuth(ctx, params);
    const dmarc = auth?.dmarc;
    if (!auth || !dmarc || dmarc.spfAligned || dmarc.dkimAligned) return null;
    return {
      why: `The From domain ${dmarc.domain} is aligned with neither a passing SPF domain nor a passing DKIM domain (${describeSpf(auth)}; ${describeDkim(auth)}), and ${bulkReason(auth)}.`,
      fix: `Sign with DKIM d=${dmarc.domain}, or use a MAIL FROM (Return-Path) address in ${dmarc.domain} whose SPF passes.`,
      vars: { domain: dmarc.domain },
    };
  },
};
