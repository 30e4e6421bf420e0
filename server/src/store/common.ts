/**
 * Rules both Store implementations share, kept in one place so that the SQLite and the
 * in-memory store cannot drift apart: paging bounds, summaries, and what text a search
 * looks at.
 */
import type { MessageFilter, MessageRecord, MessageSummary, SessionFilter, SessionRecord, SessionSummary } from './types.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

/** Joins searchable fields so that a needle never matches across two of them. */
export const FIELD_SEPARATOR = '\u001f';

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

/** A list of addresses as one lower-cased search text (SQLite computes the same through a function). */
export function listSearchText(values: readonly string[] | undefined): string {
  return (values ?? []).filter((v) => v !== '').join(FIELD_SEPARATOR).toLowerCase();
}

/**
 * The message filters both stores apply, in JS: the in-memory store filters with it, the
 * waits test stored messages with it, and the shared store tests hold SQLite to the same.
 */
export function messageMatches(record: MessageRecord, search: MessageSearchFields, filter: MessageFilter): boolean {
  const from = needle(filter.from);
  const to = needle(filter.to);
  const subject = needle(filter.subject);
  const q = needle(filter.q);
  return (
    (filter.status === undefined || record.status === filter.status) &&
    (filter.sessionId === undefined || record.sessionId === filter.sessionId) &&
    (filter.tag === undefined || record.tag === filter.tag) &&
    (filter.since === undefined || record.receivedAt >= filter.since) &&
    (filter.ruleId === undefined || record.rejection?.ruleId === filter.ruleId) &&
    (from === undefined || search.from.includes(from)) &&
    (to === undefined || search.to.includes(to)) &&
    (subject === undefined || search.subject.includes(subject)) &&
    (filter.subjectRegex === undefined || filter.subjectRegex.test(record.subject ?? '')) &&
    (q === undefined || search.from.includes(q) || search.to.includes(q) || search.subject.includes(q) || search.text.includes(q))
  );
}

/** The session filters both stores apply (see {@link messageMatches}); `search` is {@link sessionSearchText}. */
export function sessionMatches(record: SessionRecord, filter: SessionFilter, search = sessionSearchText(record)): boolean {
  const q = needle(filter.q);
  const from = needle(filter.from);
  const to = needle(filter.to);
  const subject = needle(filter.subject);
  return (
    (filter.outcome === undefined || record.outcome === filter.outcome) &&
    (filter.listener === undefined || record.listener === filter.listener) &&
    (filter.finished !== true || record.outcome !== 'open') &&
    (filter.tag === undefined || record.tag === filter.tag) &&
    (filter.since === undefined || record.startedAt >= filter.since) &&
    (filter.ruleId === undefined || record.decisions.some((d) => d.ruleId === filter.ruleId)) &&
    (filter.scenarioId === undefined || record.decisions.some((d) => d.scenarioId === filter.scenarioId)) &&
    (from === undefined || listSearchText(record.senders).includes(from)) &&
    (to === undefined || listSearchText(record.recipients).includes(to)) &&
    (subject === undefined || (record.subject ?? '').toLowerCase().includes(subject)) &&
    (filter.subjectRegex === undefined || filter.subjectRegex.test(record.subject ?? '')) &&
    (q === undefined || search.includes(q))
  );
}
