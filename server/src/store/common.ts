/**
 * Rules both Store implementations share, kept in one place so that the SQLite and the
 * in-memory store cannot drift apart: paging bounds, summaries, and what text a search
 * looks at.
 */
import type { MessageRecord, MessageSummary, SessionRecord, SessionSummary } from './types.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

/** Joins searchable fields so that a needle never matches across two of them. */
const FIELD_SEPARATOR = '\u001f';

export interface PageBounds {
  limit: number;
  offset: number;
}

/** Clamps a caller's limit/offset (HTTP query values may be anything) to safe integers. */
export function pageBounds(filter: { limit?: number; offset?: number }): PageBounds {
  const limit = Number.isFinite(filter.limit) ? Math.trunc(filter.limit as number) : DEFAULT_LIMIT;
  const offset = Number.isFinite(filter.offset) ? Math.trunc(filter.offset as number) : 0;
  return { limit: Math.min(MAX_LIMIT, Math.max(0, limit)), offset: Math.max(0, offset) };
}

/**
 * The lower-cased needle of a substring filter, or undefined when the filter is absent or
 * blank (a blank search box means "no filter", not "match nothing").
 */
export function needle(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed.toLowerCase() : undefined;
}

/** How many of the newest rows a retention cap keeps; a non-finite cap keeps everything. */
export function retentionCap(value: number): number | undefined {
  return Number.isFinite(value) ? Math.max(0, Math.trunc(value)) : undefined;
}

export function sessionSummary(record: SessionRecord): SessionSummary {
  const { lines: _lines, decisions: _decisions, warnings, ...summary } = record;
  return { ...summary, warningCount: warnings?.length ?? 0 };
}

export function messageSummary(record: MessageRecord): MessageSummary {
  const { text: _text, html: _html, headers: _headers, ...summary } = record;
  return summary;
}

/** What a session's free-text search (`q`) looks at, lower-cased. */
export function sessionSearchText(s: SessionRecord): string {
  return [s.id, s.clientAddress, s.claimedAddress, s.heloName, s.subject, s.rejection?.ruleId]
    .filter((v): v is string => typeof v === 'string' && v !== '')
    .join(FIELD_SEPARATOR)
    .toLowerCase();
}

/** The lower-cased text each message filter looks at. */
export interface MessageSearchFields {
  from: string;
  to: string;
  subject: string;
  text: string;
}

export function messageSearchFields(m: MessageRecord): MessageSearchFields {
  const join = (values: string[]): string => values.filter((v) => v !== '').join(FIELD_SEPARATOR).toLowerCase();
  return {
    from: join([m.mailFrom, ...m.from.map((a) => a.address)]),
    to: join([...m.rcptTo, ...m.to.map((a) => a.address), ...m.cc.map((a) => a.address)]),
    subject: (m.subject ?? '').toLowerCase(),
    text: (m.text ?? '').toLowerCase(),
  };
}

export function assertSameSession(message: MessageRecord, session: SessionRecord): void {
  if (message.sessionId !== session.id) {
    throw new Error(`message ${message.id} belongs to session ${message.sessionId}, not ${session.id}`);
  }
}
