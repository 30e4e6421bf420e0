/**
 * Test support (not a test file): a complete, realistic {@link SessionContext} for rule and
 * engine tests. Each call builds fresh objects, so a test may not leak into another.
 */
import { StaticDnsWorld, type WorldRecords } from '../../dns/world.js';
import type { MessageFacts, SessionContext } from '../types.js';

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

/** The header lines of a well-formed message (RFC 5322: From, To, Subject, Date, Message-ID). */
export const WELL_FORMED_HEADERS = [
  'From: Alice <alice@example.com>',
  'To: bob@example.org',
  'Subject: hello',
  'Date: Mon, 01 Jan 2024 00:00:00 +0000',
  'Message-ID: <m1@example.com>',
];

/**
 * Message facts from header lines (`Name: value`, folded continuation lines allowed), as the
 * adapter builds them: lower-cased names, unfolded values, the raw source. `from` defaults to
 * the addresses written in the From header (a simple reading: `Name <a@b>` or `a@b`, comma-separated).
 */
export function messageFacts(headerLines: string[] = WELL_FORMED_HEADERS, extra: Partial<MessageFacts> = {}, body = 'hello'): MessageFacts {
  const raw = Buffer.from(`${headerLines.join('\r\n')}\r\n\r\n${body}\r\n`);
  const headers: Array<{ name: string; value: string }> = [];
  for (const line of headerLines) {
    if (/^[ \t]/.test(line) && headers.length) headers[headers.length - 1]!.value += ` ${line.trim()}`;
    else {
      const colon = line.indexOf(':');
      headers.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() });
    }
  }
  const fromHeader = headers.find((h) => h.name === 'from')?.value;
  const from = fromHeader
    ? fromHeader.split(',').map((part) => {
        const m = /^(.*?)<([^>]*)>/.exec(part.trim());
        return m ? { name: m[1]!.trim(), address: m[2]!.trim() } : { name: '', address: part.trim() };
      })
    : [];
  return { raw, size: raw.length, truncated: false, headers, from, attachments: [], ...extra };
}
