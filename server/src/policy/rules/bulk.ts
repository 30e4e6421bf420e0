/**
 * Which messages the bulk-sender rules judge: a sender domain listed in config
 * `senders.bulk`, or every message when the rule's `allSenders` param is true (a profile
 * option). Gmail counts a sender as bulk from about 5,000 messages a day to personal
 * accounts (support.google.com/a/answer/81126); Bouncer cannot count that, so it is declared.
 */
import { undeclaredExcused, type MessageAuth } from '../../mail/auth-types.js';
import type { SessionContext } from '../types.js';

export function bulkAuth(ctx: SessionContext, params: Record<string, unknown>): MessageAuth | undefined {
  const auth = ctx.message?.auth;
  if (!auth || undeclaredExcused(auth)) return undefined;
  return auth.bulk || params.allSenders === true ? auth : undefined;
}

export function bulkReason(auth: MessageAuth): string {
  return auth.bulk ? 'the sender is declared a bulk sender (senders.bulk)' : 'this profile judges every sender as a bulk sender';
}
