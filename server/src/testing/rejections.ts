/**
 * What `toBeRejectedWith('550 5.7.25')` checks, kept free of Playwright so it is unit-tested.
 */
import type { SessionRecord, SessionSummary } from '../store/types.js';

export type SessionLike = SessionRecord | SessionSummary;

export interface ExpectedReply {
  code: number;
  enhanced?: string;
  /** A substring of the reply's text (lines joined by spaces). */
  text?: string;
}

export interface SessionRejection {
  code: number;
  enhanced?: string;
  text: string;
  ruleId: string;
}

/** `550 5.7.25 some text` → code, enhanced code, text (each part after the code optional). */
export function parseExpectedReply(expected: string): ExpectedReply {
  const m = /^\s*([2-5]\d\d)(?:[ -]([245]\.\d{1,3}\.\d{1,3}))?(?:\s+(.*\S))?\s*$/.exec(expected);
  if (!m) {
    throw new Error(`toBeRejectedWith: expected a reply like "550 5.7.25" (code, then optional enhanced code and text), got ${JSON.stringify(expected)}`);
  }
  return { code: Number(m[1]), ...(m[2] ? { enhanced: m[2] } : {}), ...(m[3] ? { text: m[3] } : {}) };
}

/** Every rejecting decision with a reply; for a summary (no decisions), its last rejection. */
export function rejectionsOf(session: SessionLike): SessionRejection[] {
  if ('decisions' in session && Array.isArray(session.decisions)) {
    return session.decisions
      .filter((d) => d.verdict === 'reject' && d.reply)
      .map((d) => ({ code: d.reply!.code, enhanced: d.reply!.enhanced, text: d.reply!.lines.join(' '), ruleId: d.ruleId }));
  }
  const r = session.rejection;
  return r ? [{ code: r.code, enhanced: r.enhanced, text: '', ruleId: r.ruleId }] : [];
}

export function matchesReply(r: SessionRejection, want: ExpectedReply): boolean {
  return r.code === want.code && (want.enhanced === undefined || r.enhanced === want.enhanced) && (want.text === undefined || r.text.includes(want.text));
}

/** `550 5.1.1 (rcpt.no-such-user), 503 5.5.1 (command.rcpt-first)` or `none`. */
export function describeRejections(list: SessionRejection[]): string {
  return list.length ? list.map((r) => `${r.code}${r.enhanced ? ` ${r.enhanced}` : ''} (${r.ruleId})`).join(', ') : 'none';
}
