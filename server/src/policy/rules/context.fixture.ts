/**
 * Test support (not a test file): a complete, realistic {@link SessionContext} for rule and
 * engine tests. Each call builds fresh objects, so a test may not leak into another.
 */
import { StaticDnsWorld, type WorldRecords } from '../../dns/world.js';
import type { SessionContext } from '../types.js';

export const FIXED_NOW = '2026-11-22T00:00:00Z';

/** The loopback identity: 127.0.0.1 has the PTR sender.bouncer.test, which resolves back to it. */
export const LOOPBACK_RECORDS: WorldRecords = {
  '127.0.0.1': { PTR: ['sender.bouncer.test'] },
  'sender.bouncer.test': { A: ['127.0.0.1'] },
};

export function loopbackWorld(): StaticDnsWorld {
  return new StaticDnsWorld(LOOPBACK_RECORDS);
}

export function makeContext(overrides: Partial<SessionContext> = {}): SessionContext {
  return {
    sessionId: 'ab1sm12345678xyz.1',
    listener: 'smtp',
    profile: 'gmail-mx',
    hostname: 'mx.google.com',
    client: { realAddress: '127.0.0.1', address: '127.0.0.1' },
    tls: false,
    envelope: { rcptTo: [] },
    unrecognizedCommands: 0,
    limits: { maxMessageSize: 157286400, maxRecipients: 100, maxUnrecognizedCommands: 10 },
    dns: loopbackWorld(),
    mailboxes: new Map(),
    users: [],
    now: () => new Date(FIXED_NOW),
    ...overrides,
  };
}

/** One row of a rule's table: the context overrides, and what the rule should answer. */
export type RuleCase =
  | { name: string; ctx: Partial<SessionContext>; params?: Record<string, unknown>; fires: false }
  | {
      name: string;
      ctx: Partial<SessionContext>;
      params?: Record<string, unknown>;
      fires: true;
      /** The exact `vars` of the hit (omit when the rule returns none). */
      vars?: Record<string, string | number>;
      /** Facts `why` must mention. */
      mentions: string[];
      /** Facts `fix` must mention. */
      fixMentions?: string[];
    };

/** A single non-blank line: no CR or LF, at least one visible character. */
export const ONE_LINE = /^[^\r\n]*\S[^\r\n]*$/;
