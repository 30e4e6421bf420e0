/** The UI's pure logic: joining live lines with a snapshot, placing decisions and warnings, filtering. */
import { describe, expect, it } from 'vitest';
import { annotate, isRedacted, isTlsStart, transcriptText } from './annotate';
import { filterSessions } from './filter';
import { appendDecisions, appendLines } from './merge';
import type { Decision, Session, SessionSummary, TranscriptLine, Warning } from './types';
import { acceptedHeadline, appendWarnings, placeWarnings, warningAnchor, warningKey, warningLabel, warningsForMessage, wireReply } from './warnings';

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
      warnings: [],
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
    warningCount: 0,
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

describe('warnings', () => {
  const startedAt = 10_000;
  const messageId = '8d41d63e-8726-4af0-8429-eee6c4c8889a';
  // a gmail-mx session whose sender is not declared in the DNS world (as recorded by the server)
  const lines = [
    L(36, 'S', '220 mx.google.com ESMTP nq3 - gsmtp'),
    L(69, 'C', 'EHLO mail.example.com'),
    L(74, 'S', '250-mx.google.com at your service, [127.0.0.1]'),
    L(74, 'S', '250 SMTPUTF8'),
    L(89, 'C', 'MAIL FROM:<alice@example.com>'),
    L(141, 'S', '250 2.1.0 OK nq3 - gsmtp'),
    L(141, 'C', 'RCPT TO:<bob@example.org>'),
    L(145, 'S', '250 2.1.5 OK nq3 - gsmtp'),
    L(145, 'C', 'DATA'),
    L(148, 'S', '354 Go ahead nq3 - gsmtp'),
    L(280, 'C', `<message: 272 bytes, stored as ${messageId}>`),
    L(281, 'S', '250 2.0.0 OK 1795313135 nq3 - gsmtp'),
    L(285, '*', 'connection closed'),
  ];
  const undeclared: Warning = {
    at: startedAt + 275,
    phase: 'message',
    ruleId: 'message.auth-undeclared',
    text: "Gmail would refuse this message with 550 5.7.26 (sender unauthenticated): example.com is not declared in Bouncer's DNS world, so SPF and DKIM are none.",
    why: "Bouncer's DNS world has no records for example.com, so SPF and DKIM are none; Gmail would refuse unauthenticated mail.",
    fix: 'Declare the sender\'s records in the config, e.g. dns.records: {"example.com": {TXT: ["v=spf1 ip4:127.0.0.1 ~all"]}}',
    reply: { code: 550, enhanced: '5.7.26', lines: ['Your email has been blocked because the sender is unauthenticated.', '', ' For instructions, go to', ' https://support.google.com/mail/answer/81126 nq3 - gsmtp'] },
    messageId,
  };
  const warn = (at: number, ruleId: string, phase = 'rcpt', extra: Partial<Warning> = {}): Warning => ({ at: startedAt + at, phase, ruleId, text: `text ${ruleId}`, why: 'why', fix: 'fix', ...extra });

  it('puts a warning about a message under the reply to that message', () => {
    expect(warningAnchor(lines, undeclared, startedAt)).toBe(11);
    // the reply has not arrived yet (live): under the message line
    expect(warningAnchor(lines.slice(0, 11), undeclared, startedAt)).toBe(10);
    // the message line has not arrived yet either: not placed
    expect(warningAnchor(lines.slice(0, 10), undeclared, startedAt)).toBe(-1);
  });

  it('puts any other warning under the reply that followed the command it judged', () => {
    expect(warningAnchor(lines, warn(141, 'rcpt.x'), startedAt)).toBe(7);
    expect(warningAnchor(lines, warn(90, 'mail.x', 'mail'), startedAt)).toBe(5);
    // a multi-line reply: after its last line
    expect(warningAnchor(lines, warn(70, 'helo.x', 'helo'), startedAt)).toBe(3);
    // connect: the greeting
    expect(warningAnchor(lines, warn(0, 'connect.x', 'connect'), startedAt)).toBe(0);
    // the reply is not in the transcript yet
    expect(warningAnchor(lines.slice(0, 7), warn(141, 'rcpt.x'), startedAt)).toBe(-1);
  });

  it('places several warnings in order, and the rest as unplaced', () => {
    const a = warn(141, 'rcpt.a');
    const b = warn(141, 'rcpt.b');
    const late = warn(900, 'late.x');
    const { after, unplaced } = placeWarnings(lines, [a, undeclared, b, late], startedAt);
    expect([...after.entries()]).toEqual([
      [7, [a, b]],
      [11, [undeclared]],
    ]);
    expect(unplaced).toEqual([late]);
  });

  it('annotates lines with their warnings next to the decisions', () => {
    const { lines: out, unplaced, unplacedWarnings } = annotate({ startedAt, lines, decisions: [], warnings: [undeclared] });
    expect(unplaced).toEqual([]);
    expect(unplacedWarnings).toEqual([]);
    expect(out.map((a, i) => (a.warnings ? i : null)).filter((i) => i !== null)).toEqual([11]);
    expect(out[11]!.warnings).toEqual([undeclared]);
    expect(annotate({ startedAt, lines, decisions: [] }).lines.some((a) => a.warnings)).toBe(false);
  });

  it('de-duplicates a fetched list and the live events by content', () => {
    const a = warn(141, 'rcpt.a');
    const b = warn(145, 'rcpt.b');
    expect(appendWarnings([a], [a, b, { ...b }])).toEqual([a, b]);
    expect(appendWarnings([], [a, a])).toEqual([a]);
    // the same rule for another message is another warning
    expect(appendWarnings([undeclared], [{ ...undeclared, messageId: 'other' }])).toHaveLength(2);
    expect(warningKey(a)).not.toBe(warningKey(b));
  });

  it('words counts, headlines and the reply Gmail would give', () => {
    expect(warningLabel(1)).toBe('1 warning');
    expect(warningLabel(2)).toBe('2 warnings');
    expect(warningLabel(1200)).toBe('1,200 warnings');
    expect(wireReply(undeclared.reply!)).toEqual([
      '550-5.7.26 Your email has been blocked because the sender is unauthenticated.',
      '550-5.7.26',
      '550-5.7.26  For instructions, go to',
      '550 5.7.26  https://support.google.com/mail/answer/81126 nq3 - gsmtp',
    ]);
    expect(wireReply({ code: 250, lines: ['OK'] })).toEqual(['250 OK']);
    const quarantine = warn(281, 'message.dmarc-quarantine', 'message', { reply: { code: 250, enhanced: '2.0.0', lines: ['OK'] } });
    expect(acceptedHeadline([])).toBe('Accepted');
    expect(acceptedHeadline([quarantine])).toBe('Accepted — 1 warning');
    expect(acceptedHeadline([quarantine, undeclared])).toBe('Accepted here — Gmail would refuse it (550 5.7.26)');
    expect(acceptedHeadline([warn(1, 'x', 'message', { reply: { code: 421, enhanced: '4.7.26', lines: ['later'] } })])).toBe('Accepted here — Gmail would defer it (421 4.7.26)');
    expect(warningsForMessage([quarantine, undeclared], messageId)).toEqual([undeclared]);
    expect(warningsForMessage(undefined, messageId)).toEqual([]);
  });

  it('writes warnings into the text transcript under their line', () => {
    const session: Session = {
      id: 'nq3',
      listener: 'smtp',
      profile: 'gmail-mx',
      startedAt,
      endedAt: startedAt + 285,
      clientAddress: '127.0.0.1',
      clientPort: 4000,
      tls: false,
      outcome: 'accepted',
      messageIds: [messageId],
      lines,
      decisions: [],
      warnings: [undeclared],
    };
    const text = transcriptText(session);
    expect(text).toContain('Outcome accepted, 1 warning\n');
    expect(text).toContain(
      '  +0.281s S: 250 2.0.0 OK 1795313135 nq3 - gsmtp\n' +
        `          ! warning message.auth-undeclared (message): ${undeclared.text}\n` +
        `            why: ${undeclared.why}\n` +
        `            fix: ${undeclared.fix}\n` +
        '            gmail would answer: 550-5.7.26 Your email has been blocked because the sender is unauthenticated.\n',
    );
    expect(text.indexOf('! warning')).toBeLessThan(text.indexOf('connection closed'));
  });
});
