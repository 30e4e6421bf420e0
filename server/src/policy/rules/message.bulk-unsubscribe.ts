import type { CheckDefinition } from '../types.js';
import { bulkAuth, bulkReason } from './bulk.js';
import { headerValues } from './helpers.js';

/**
 * Warning rule. Bulk senders must offer one-click unsubscribe (RFC 8058: List-Unsubscribe
 * with an https URI and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`); Google says it
 * does not reject for a missing header (support.google.com/a/answer/14229414), so this warns.
 */
export const bulkUnsubscribe: CheckDefinition = {
  id: 'message.bulk-unsubscribe',
  phases: ['message'],
  summary: 'Bulk sender without RFC 8058 one-click unsubscribe',
  check(ctx, params) {
    const auth = bulkAuth(ctx, params);
    const message = ctx.message;
    if (!auth || !message || message.parseError) return null;
    const list = headerValues(message.headers, 'list-unsubscribe').join(',');
    const post = headerValues(message.headers, 'list-unsubscribe-post').map((v) => v.trim());
    const https = /<https:\/\/[^>]+>/i.test(list);
    const oneClick = post.some((v) => /^List-Unsubscribe=One-Click$/i.test(v));
    if (https && oneClick) return null;
    const missing = [!https ? 'List-Unsubscribe with an https URI' : undefined, !oneClick ? 'List-Unsubscribe-Post: List-Unsubscribe=One-Click' : undefined].filter(Boolean);
    return {
      why: `The message lacks ${missing.join(' and ')}, and ${bulkReason(auth)}.`,
      fix: 'Add "List-Unsubscribe: <https://example.com/unsubscribe?u=...>" and "List-Unsubscribe-Post: List-Unsubscribe=One-Click" (RFC 8058), and honour a POST to that URI.',
    };
  },
};
