/** The UI's pure logic: joining live lines with a snapshot, placing decisions, filtering. */
import { describe, expect, it } from 'vitest';
import { annotate, isRedacted, isTlsStart, transcriptText } from './annotate';
import { filterSessions } from './filter';
import { appendDecisions, appendLines } from './merge';
import type { Decision, Session, SessionSummary, TranscriptLine } from './types';

const L = (t: number, dir: 'C' | 'S' | '*', text: string): TranscriptLine => ({ t, dir, text });

describe('appendLines', () => {
  const a = L(0, 'S', '220 hi');
  const b = L(5, 'C', 'EHLO x.example');
  const c = L(6, 'S', '250 ok');
  const d = L(9, 'C', 'NOOP');
  const e = L(10, 'S', '250 ok');

  it.each([
    ['buffer entirely after the snapshot', [a, b], [c, d], [a, b, c, d]],
    ['buffer overlapping the snapshot end', [a, b, c], [b, c, d, e], [a, b, c, d, e]],
    ['buffer already inside the snapshot', [a, b, c, d], [c, d], [a, b, c, d]],
    ['empty buffer', [a, b], [], [a, b]],
    ['empty snapshot', [], [a, b], [a, b]],
  ])('%s', (_name, snapshot, buffered, expected) => {
    expect(appendLines(snapshot, buffered)).toEqual(expected);
  });

  it('keeps repeated identical commands that are new', () => {
    const n1 = L(20, 'C', 'NOOP');
    const r1 = L(21, 'S', '250 ok');
    const n2 = L(22, 'C', 'NOOP');
    const r2 = L(23, 'S', '250 ok');
    expect(appendLines([a, n1, r1], [n1, r1, n2, r2])).toEqual([a, n1, r1, n2, r2]);
    expect(appendLines([a, n1, r1], [n2, r2])).toEqual([a, n1, r1, n2, r2]);
  });
});

const reject = (at: number, code: number, enhanced: string, ruleId = 'rule.x', phase = 'helo'): Decision => ({
  at,
  phase,
  ruleId,
  verdict: 'reject',
  reply: { code, enhanced, lines: ['text'], close: false },
  why: `why ${ruleId}`,
  fix: `fix ${ruleId}`,
});

describe('appendDecisions', () => {
  it('adds only decisions it has not seen', () => {
    const d1 = reject(1, 504, '5.5.2');
    const d2 = reject(2, 550, '5.7.1');
    expect(appendDecisions([d1], [d1, d2])).toEqual([d1, d2]);
  });
});

describe('annotate', () => {
  const startedAt = 1000;
  it('ties each rejection to the whole reply it produced, in order', () => {
    const session = {
      startedAt,
      lines: [
        L(0, 'S', '220 mx ready'),
        L(3, 'C', 'EHLO localhost'),
        L(4, 'S', '504 5.5.2 <localhost>: Helo command rejected'),
        L(6, 'C', 'HELO localhost'),
        L(7, 'S', '504 5.5.2 <localhost>: Helo command rejected'),
        L(9, 'C', 'DATA'),
        L(10, 'S', '550-5.7.25 [203.0.113.7] no PTR'),
        L(10, 'S', '550-5.7.25 second line'),
        L(10, 'S', '550 5.7.25 last line'),
        L(11, '*', 'connection closed'),
      ],
      decisions: [reject(startedAt + 4, 504, '5.5.2', 'helo.non-fqdn'), reject(startedAt + 7, 504, '5.5.2', 'helo.non-fqdn'), reject(startedAt + 10, 550, '5.7.25', 'message.ptr', 'message')],
    };
    const { lines, unplaced } = annotate(session);
    expect(unplaced).toEqual([]);
    expect(lines.map((l) => l.decision?.ruleId ?? null)).toEqual([null, null, 'helo.non-fqdn', null, 'helo.non-fqdn', null, 'message.ptr', 'message.ptr', 'message.ptr', null]);
    expect(lines.map((l) => !!l.noteAfter)).toEqual([false, false, true, false, true, false, false, false, true, false]);
    expect(lines[2]!.decision).toBe(session.decisions[0]);
    expect(lines[4]!.decision).toBe(session.decisions[1]);
  });

  it('lists a decision whose reply is not in the transcript (yet) as unplaced', () => {
    const d = reject(startedAt + 50, 421, '4.7.0');
    const { unplaced } = annotate({ startedAt, lines: [L(0, 'S', '220 mx ready')], decisions: [d] });
    expect(unplaced).toEqual([d]);
  });

  it('recognises TLS start and redacted AUTH', () => {
    expect(isTlsStart(L(1, '*', 'TLS started (TLSv1.3, TLS_AES_256_GCM_SHA384)'))).toBe(true);
    expect(isTlsStart(L(1, '*', 'connection closed'))).toBe(false);
    expect(isRedacted(L(1, 'C', 'AUTH PLAIN ****'))).toBe(true);
    expect(isRedacted(L(1, 'C', '****'))).toBe(true);
    expect(isRedacted(L(1, 'S', '334 ****'))).toBe(false);
    expect(isRedacted(L(1, 'C', 'AUTH LOGIN'))).toBe(false);
  });

  it('writes the transcript as text with the why and the fix under the reply', () => {
    const session: Session = {
      id: 'kq5sm1.1',
      listener: 'smtp',
      profile: 'gmail-mx',
      startedAt,
      endedAt: startedAt + 12,
      clientAddress: '127.0.0.1',
      clientPort: 4000,
      tls: false,
      outcome: 'rejected',
      rejection: { phase: 'helo', ruleId: 'helo.non-fqdn', code: 504, enhanced: '5.5.2' },
      messageIds: [],
      lines: [L(0, 'S', '220 mx ready'), L(3, 'C', 'EHLO localhost'), L(4, 'S', '504 5.5.2 nope')],
      decisions: [reject(startedAt + 4, 504, '5.5.2', 'helo.non-fqdn')],
    };
    const text = transcriptText(session);
    expect(text).toContain('Session kq5sm1.1');
    expect(text).toContain('Outcome rejected (504 5.5.2 by helo.non-fqdn at helo)');
    expect(text).toContain('  +0.003s C: EHLO localhost\n  +0.004s S: 504 5.5.2 nope\n          ^ rejected by helo.non-fqdn (helo)\n            why: why helo.non-fqdn\n            fix: fix helo.non-fqdn\n');
  });
});

describe('filterSessions', () => {
  const base: SessionSummary = {
    id: 'a.1',
    listener: 'smtp',
    profile: 'gmail-mx',
    startedAt: 1,
    clientAddress: '127.0.0.1',
    clientPort: 1,
    tls: false,
    outcome: 'accepted',
    messageIds: [],
  };
  const list: SessionSummary[] = [
    { ...base, id: 'a.1', heloName: 'mail.example.com', subject: 'Invoice' },
    { ...base, id: 'b.2', outcome: 'rejected', rejection: { phase: 'helo', ruleId: 'helo.non-fqdn', code: 504 }, heloName: 'localhost' },
    { ...base, id: 'c.3', listener: 'capture', claimedAddress: '203.0.113.7', outcome: 'no-mail' },
  ];
  const ids = (f: Parameters<typeof filterSessions>[1]) => filterSessions(list, f).map((s) => s.id);
  it('filters by outcome, listener and text over id, addresses, EHLO name, subject and rule', () => {
    expect(ids({ outcome: '', listener: '', q: '' })).toEqual(['a.1', 'b.2', 'c.3']);
    expect(filterSessions(list, { outcome: '', listener: '', q: '  ' })).toBe(list);
    expect(ids({ outcome: 'rejected', listener: '', q: '' })).toEqual(['b.2']);
    expect(ids({ outcome: '', listener: 'capture', q: '' })).toEqual(['c.3']);
    expect(ids({ outcome: '', listener: '', q: 'INVOICE' })).toEqual(['a.1']);
    expect(ids({ outcome: '', listener: '', q: 'non-fqdn' })).toEqual(['b.2']);
    expect(ids({ outcome: '', listener: '', q: '203.0.113' })).toEqual(['c.3']);
    expect(ids({ outcome: '', listener: '', q: 'c.3' })).toEqual(['c.3']);
    expect(ids({ outcome: 'accepted', listener: 'capture', q: '' })).toEqual([]);
  });
});
