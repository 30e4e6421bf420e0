/**
 * Ties each decision to the server lines that carry its reply, so the transcript can
 * highlight a rejection where it happened and put the rule, the why and the fix under it;
 * and each warning to the line it goes under (warnings.ts).
 */
import { relative, replyCode } from './format';
import type { Decision, Session, TranscriptLine, Warning } from './types';
import { placeWarnings, warningLabel, wireReply } from './warnings';

export interface Annotated {
  line: TranscriptLine;
  /** The decision whose reply this line is part of. */
  decision?: Decision;
  /** True on the last line of that reply: the note goes after it. */
  noteAfter?: boolean;
  /** Warnings whose notes go after this line (after the decision's note, if any). */
  warnings?: Warning[];
}

export interface AnnotatedSession {
  lines: Annotated[];
  /** Decisions whose reply is not in the transcript (yet). */
  unplaced: Decision[];
  /** Warnings whose place is not in the transcript (yet). */
  unplacedWarnings: Warning[];
}

/** `504 5.5.2 text` or `550-5.7.25 text`: the reply code and the separator after it. */
const replyLine = /^(\d{3})([ -])(.*)$/;

export function annotate(session: Pick<Session, 'lines' | 'decisions' | 'startedAt'> & { warnings?: readonly Warning[] }): AnnotatedSession {
  const out: Annotated[] = session.lines.map((line) => ({ line }));
  const unplaced: Decision[] = [];
  let from = 0;
  for (const d of session.decisions) {
    if (!d.reply) {
      unplaced.push(d);
      continue;
    }
    const code = String(d.reply.code);
    // the reply is written after the decision: look from the decision's time on (with slack
    // for clock rounding), and never before the reply matched last
    const notBefore = d.at - session.startedAt - 5;
    let start = -1;
    for (let i = from; i < out.length; i++) {
      const { line } = out[i]!;
      if (line.dir !== 'S' || line.t < notBefore || out[i]!.decision) continue;
      const m = replyLine.exec(line.text);
      if (m && m[1] === code && (!d.reply.enhanced || m[3]!.startsWith(d.reply.enhanced))) {
        start = i;
        break;
      }
    }
    if (start < 0) {
      unplaced.push(d);
      continue;
    }
    let end = start;
    // a multi-line reply: `550-...` lines up to the one with a space after the code
    while (replyLine.exec(out[end]!.line.text)?.[2] === '-' && end + 1 < out.length && out[end + 1]!.line.dir === 'S' && out[end + 1]!.line.text.startsWith(code)) end++;
    for (let i = start; i <= end; i++) out[i]!.decision = d;
    out[end]!.noteAfter = true;
    from = end + 1;
  }
  const placed = placeWarnings(session.lines, session.warnings ?? [], session.startedAt);
  for (const [i, ws] of placed.after) out[i]!.warnings = ws;
  return { lines: out, unplaced, unplacedWarnings: placed.unplaced };
}

/** AUTH payloads are recorded as `****` (the server never stores them). */
export function isRedacted(line: TranscriptLine): boolean {
  return line.dir === 'C' && /(^|\s)\*{4}$/.test(line.text);
}

export function isTlsStart(line: TranscriptLine): boolean {
  return line.dir === '*' && /^TLS /.test(line.text);
}

/** The transcript as plain text, decisions under the replies they caused. */
export function transcriptText(session: Session): string {
  const head = [
    `Session ${session.id}`,
    `Listener ${session.listener} (profile ${session.profile}), client ${session.clientAddress}:${session.clientPort}` +
      (session.claimedAddress ? ` claiming ${session.claimedAddress}` : ''),
    `Started ${new Date(session.startedAt).toISOString()}${session.endedAt ? `, ended ${new Date(session.endedAt).toISOString()}` : ' (open)'}`,
    `Outcome ${session.outcome}${session.rejection ? ` (${replyCode(session.rejection)} by ${session.rejection.ruleId} at ${session.rejection.phase})` : ''}` +
      (session.warnings?.length ? `, ${warningLabel(session.warnings.length)}` : ''),
    '',
  ];
  const { lines, unplaced, unplacedWarnings } = annotate(session);
  const body: string[] = [];
  for (const a of lines) {
    body.push(`${relative(a.line.t).padStart(9)} ${a.line.dir === '*' ? '* ' : `${a.line.dir}:`} ${a.line.text}`);
    if (a.noteAfter && a.decision) body.push(...decisionText(a.decision));
    for (const w of a.warnings ?? []) body.push(...warningText(w));
  }
  for (const d of unplaced) body.push(...decisionText(d));
  for (const w of unplacedWarnings) body.push(...warningText(w));
  return [...head, ...body, ''].join('\n');
}

function decisionText(d: Decision): string[] {
  const pad = ' '.repeat(10);
  return [`${pad}^ ${d.verdict === 'reject' ? 'rejected' : 'decided'} by ${d.ruleId} (${d.phase})`, `${pad}  why: ${d.why}`, `${pad}  fix: ${d.fix}`];
}

function warningText(w: Warning): string[] {
  const pad = ' '.repeat(10);
  return [
    `${pad}! warning ${w.ruleId} (${w.phase}): ${w.text}`,
    `${pad}  why: ${w.why}`,
    `${pad}  fix: ${w.fix}`,
    ...(w.reply ? wireReply(w.reply).map((l, i) => `${pad}  ${i ? '                    ' : 'gmail would answer: '}${l}`) : []),
  ];
}
