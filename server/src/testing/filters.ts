/**
 * The filters the testing client takes, typed from the server's own records, and their
 * encoding as query parameters of `/api/v1/messages[/wait]` and `/api/v1/sessions[/wait]`
 * (http/routes/filters.ts parses them back). A RegExp subject travels as `/source/flags` and is
 * matched by the server in linear time.
 */
import type { MessageStatus, SessionOutcome } from '../store/types.js';
import { regexToLiteral } from '../util/safe-regex.js';

/** Epoch milliseconds or a Date. */
export type Since = number | Date;

export interface MessageQuery {
  /** Case-insensitive substring of an RCPT TO or To/Cc address. */
  to?: string;
  /** Case-insensitive substring of MAIL FROM or a From address. */
  from?: string;
  /** Case-insensitive substring, or a RegExp (flags i, m, s). */
  subject?: string | RegExp;
  /** Isolation tag; `null` lifts a scoped client's tag. */
  tag?: string | null;
  status?: MessageStatus;
  /** Rule id that rejected the message. */
  rule?: string;
  /** Only messages received at or after this time. */
  since?: Since;
  /** Only messages of this session. */
  session?: string;
  /** Free text over from, to, subject and body. */
  q?: string;
}

export interface SessionQuery {
  /** Case-insensitive substring of a RCPT TO address the session gave (accepted or not). */
  to?: string;
  /** Case-insensitive substring of a MAIL FROM address the session gave. */
  from?: string;
  subject?: string | RegExp;
  tag?: string | null;
  outcome?: SessionOutcome;
  /** A decision by this rule id (profile rule, built-in limit, or `scenario.*`). */
  rule?: string;
  /** A scenario that fired in the session. */
  scenario?: string;
  since?: Since;
  listener?: string;
  q?: string;
}

export interface PageQuery {
  limit?: number;
  offset?: number;
}

/** Query parameters for a filter; `tag` falls back to `defaultTag` unless given (or null). */
export function filterParams(filter: MessageQuery | SessionQuery, defaultTag?: string): URLSearchParams {
  const params = new URLSearchParams();
  const tag = filter.tag === undefined ? defaultTag : filter.tag ?? undefined;
  for (const [key, value] of Object.entries({ ...filter, tag })) {
    if (value === undefined || value === null) continue;
    if (value instanceof RegExp) params.set(key, regexToLiteral(value));
    else if (value instanceof Date) params.set(key, String(value.getTime()));
    else params.set(key, String(value));
  }
  return params;
}

/** A one-line description of a filter for error messages: `{to: "a@b", subject: /x/i}`. */
export function describeFilter(filter: object): string {
  const parts = Object.entries(filter)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v instanceof RegExp ? String(v) : v instanceof Date ? v.toISOString() : JSON.stringify(v)}`);
  return `{${parts.join(', ')}}`;
}
