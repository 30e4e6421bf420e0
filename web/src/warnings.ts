/**
 * Warnings: what Gmail would hold against the sender without refusing the message (a DMARC
 * quarantine, an undeclared domain, a short DKIM key...). The server stores them with the
 * session, publishes each as `session.warning` and counts them in summaries (`warningCount`).
 * This module holds the pure parts the views share: de-duplication when a fetched snapshot
 * meets the live events, where a warning goes in the transcript, and the wording.
 */
import type { TranscriptLine, Warning } from './types';

/** Warnings carry no id: two are the same when they say the same thing at the same time. */
export const warningKey = (w: Warning): string => `${w.at}|${w.phase}|${w.ruleId}|${w.messageId ?? ''}|${w.text}`;

/** Joins a fetched list with the warnings that arrived as events meanwhile, without doubles. */
export function appendWarnings(snapshot: readonly Warning[], buffered: readonly Warning[]): Warning[] {
  const seen = new Set(snapshot.map(warningKey));
  const out = [...snapshot];
  for (const w of buffered) {
    const key = warningKey(w);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(w);
  }
  return out;
}

/** `1 warning`, `3 warnings` */
export function warningLabel(count: number): string {
  return `${count.toLocaleString('en')} warning${count === 1 ? '' : 's'}`;
}

/** The warnings about one stored message. */
export function warningsForMessage(warnings: readonly Warning[] | undefined, messageId: string): Warning[] {
  return (warnings ?? []).filter((w) => w.messageId === messageId);
}

/** The reply Gmail would give, as it would be written on the wire (`550-5.7.26 ...`, last line `550 5.7.26 ...`). */
export function wireReply(reply: NonNullable<Warning['reply']>): string[] {
  const lines = reply.lines.length ? reply.lines : [''];
  const code = (sep: string) => `${reply.code}${sep}${reply.enhanced ? `${reply.enhanced} ` : ''}`;
  return lines.map((text, i) => `${code(i === lines.length - 1 ? ' ' : '-')}${text}`.trimEnd());
}

const replyLine = /^(\d{3})([ -])/;

/** From a server line, the index of the last line of the (possibly multi-line) reply it starts. */
function endOfReply(lines: readonly TranscriptLine[], start: number): number {
  let end = start;
  for (;;) {
    const m = replyLine.exec(lines[end]!.text);
    const next = lines[end + 1];
    if (!m || m[2] !== '-' || !next || next.dir !== 'S' || !next.text.startsWith(m[1]!)) return end;
    end++;
  }
}

/** The first server line at or after `from`, or -1. */
function nextServerLine(lines: readonly TranscriptLine[], from: number): number {
  for (let i = from; i < lines.length; i++) if (lines[i]!.dir === 'S') return i;
  return -1;
}

/**
 * The index of the transcript line a warning's note goes after, or -1 when its place is not
 * in the transcript (yet).
 *
 * - A warning about a message goes under the reply to that message: the client line
 *   `<message: N bytes, stored as ID>` and the server's answer after it (under the message line
 *   itself while the answer has not arrived).
 * - Any other goes at its point in time: under the reply written after the command it judged
 *   (the last client line sent by then; the greeting for the connect phase).
 */
export function warningAnchor(lines: readonly TranscriptLine[], w: Warning, startedAt: number): number {
  if (w.messageId) {
    const suffix = `stored as ${w.messageId}>`;
    const m = lines.findIndex((l) => l.dir === 'C' && l.text.startsWith('<message:') && l.text.endsWith(suffix));
    if (m >= 0) {
      const reply = nextServerLine(lines, m + 1);
      // the answer belongs to this message only if no other client line came in between
      const between = reply < 0 ? [] : lines.slice(m + 1, reply);
      return reply >= 0 && !between.some((l) => l.dir === 'C') ? endOfReply(lines, reply) : m;
    }
  }
  const rel = w.at - startedAt;
  let from = 0;
  for (let i = 0; i < lines.length && lines[i]!.t <= rel; i++) if (lines[i]!.dir === 'C') from = i + 1;
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.dir === 'S' && line.t >= rel) return endOfReply(lines, i);
  }
  return -1;
}

/** Places every warning: the notes after each line (in the order they came), and the rest. */
export function placeWarnings(
  lines: readonly TranscriptLine[],
  warnings: readonly Warning[],
  startedAt: number,
): { after: Map<number, Warning[]>; unplaced: Warning[] } {
  const after = new Map<number, Warning[]>();
  const unplaced: Warning[] = [];
  for (const w of warnings) {
    const at = warningAnchor(lines, w, startedAt);
    if (at < 0) unplaced.push(w);
    else after.set(at, [...(after.get(at) ?? []), w]);
  }
  return { after, unplaced };
}

/**
 * The policy outcome of an accepted message, warnings considered: `Accepted` without any;
 * `Accepted here — Gmail would refuse it (550 5.7.26)` when a warning's reply is a refusal
 * (`defer` for a 4xx); else `Accepted — 1 warning` (Gmail accepts, e.g. into the spam folder).
 */
export function acceptedHeadline(warnings: readonly Warning[]): string {
  if (warnings.length === 0) return 'Accepted';
  const worst = warnings.reduce<Warning['reply']>((a, w) => (w.reply && (!a || w.reply.code > a.code) ? w.reply : a), undefined);
  if (worst && worst.code >= 400) {
    const code = worst.enhanced ? `${worst.code} ${worst.enhanced}` : String(worst.code);
    return `Accepted here — Gmail would ${worst.code >= 500 ? 'refuse' : 'defer'} it (${code})`;
  }
  return `Accepted — ${warningLabel(warnings.length)}`;
}
