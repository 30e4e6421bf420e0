/**
 * Joining a fetched snapshot with the live events that arrived while it was in flight. The
 * WebSocket delivers a session's lines in order; the snapshot holds every line up to some
 * point. The buffered events are a contiguous run of lines that starts somewhere at or before
 * the snapshot's end, so the part they share is a suffix of the snapshot that is also a prefix
 * of the buffer: skip the longest such overlap, append the rest.
 */
import type { Decision, TranscriptLine } from './types';

const sameLine = (a: TranscriptLine, b: TranscriptLine) => a.t === b.t && a.dir === b.dir && a.text === b.text;

export function appendLines(snapshot: readonly TranscriptLine[], buffered: readonly TranscriptLine[]): TranscriptLine[] {
  const n = snapshot.length;
  for (let m = Math.min(n, buffered.length); m > 0; m--) {
    let match = true;
    for (let i = 0; i < m && match; i++) match = sameLine(snapshot[n - m + i]!, buffered[i]!);
    if (match) return [...snapshot, ...buffered.slice(m)];
  }
  return [...snapshot, ...buffered];
}

const decisionKey = (d: Decision) => `${d.at}|${d.phase}|${d.ruleId}|${d.verdict}`;

/** Decisions are few and carry a timestamp: de-duplicated by content. */
export function appendDecisions(snapshot: readonly Decision[], buffered: readonly Decision[]): Decision[] {
  const seen = new Set(snapshot.map(decisionKey));
  return [...snapshot, ...buffered.filter((d) => !seen.has(decisionKey(d)))];
}
