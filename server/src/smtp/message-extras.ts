/**
 * What the adapter does around the `message` phase besides writing replies: authenticate
 * the message before the rules run, add the Authentication-Results header to the stored
 * copy of an accepted message, and count an accepted message for the rate limits.
 */
import type { MessageAuth } from '../mail/auth-types.js';
import { messageIdOf, spfDomainOf, type RateEvent } from '../policy/rates.js';
import type { MessageFacts, SessionContext } from '../policy/types.js';
import type { ListenerRuntime } from './listener.js';

/** Runs the listener's authenticator; a failure is logged and leaves the message unauthenticated-but-unjudged. */
export async function authenticateReceived(runtime: ListenerRuntime, ctx: SessionContext, raw: Buffer, truncated: boolean): Promise<MessageAuth | undefined> {
  // a message cut at the size limit cannot be verified (and message.size refuses it anyway)
  if (!runtime.authenticate || truncated) return undefined;
  try {
    return await runtime.authenticate(raw, {
      ip: ctx.client.address,
      helo: ctx.helo?.name,
      mailFrom: ctx.envelope.mailFrom?.address ?? '',
      mta: ctx.hostname,
    });
  } catch (err) {
    runtime.log.error({ err, session: ctx.sessionId }, 'message authentication failed');
    return undefined;
  }
}

/**
 * RFC 8601 §5: the receiving server adds Authentication-Results above the existing header
 * fields ("prepended"), so the stored copy shows what the receiver saw.
 */
export function withAuthenticationResults(raw: Buffer, auth: MessageAuth | undefined): Buffer {
  if (!auth?.header) return raw;
  return Buffer.concat([Buffer.from(`${auth.header}\r\n`, 'utf8'), raw]);
}

/** The events an accepted message adds to the rate-limit history (policy/rates.ts). */
export function acceptedRateEvents(ctx: SessionContext, facts: Pick<MessageFacts, 'headers'>): RateEvent[] {
  const events: RateEvent[] = ctx.envelope.rcptTo.map((r) => ({ kind: 'recipient' as const, key: r.address }));
  events.push({ kind: 'sender-domain', key: spfDomainOf(ctx) });
  events.push({ kind: 'client-ip', key: ctx.client.address });
  const messageId = messageIdOf(facts);
  if (messageId) events.push({ kind: 'message-id', key: messageId });
  if (ctx.user) events.push({ kind: 'user', key: ctx.user });
  return events;
}
