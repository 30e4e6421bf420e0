import { describe, expect, it } from 'vitest';
import { sessionSummary } from '../store/common.js';
import type { SessionRecord } from '../store/types.js';
import { describeRejections, matchesReply, parseExpectedReply, rejectionsOf } from './rejections.js';

const session = (over: Partial<SessionRecord> = {}): SessionRecord => ({
  id: 's1',
  listener: 'smtp',
  profile: 'gmail-mx',
  startedAt: 1,
  clientAddress: '127.0.0.1',
  clientPort: 1,
  tls: false,
  outcome: 'rejected',
  lines: [],
  decisions: [],
  warnings: [],
  messageIds: [],
  ...over,
});

const reject = (ruleId: string, code: number, enhanced: string | undefined, lines: string[]) => ({
  at: 1,
  phase: 'rcpt' as const,
  ruleId,
  verdict: 'reject' as const,
  reply: { code, enhanced, lines, close: false },
  why: 'w',
  fix: 'f',
});

describe('parseExpectedReply', () => {
  it.each([
    ['550', { code: 550 }],
    ['550 5.7.25', { code: 550, enhanced: '5.7.25' }],
    ['550-5.7.25', { code: 550, enhanced: '5.7.25' }],
    [' 421 4.7.0 Try again later ', { code: 421, enhanced: '4.7.0', text: 'Try again later' }],
    ['550 does not exist', { code: 550, text: 'does not exist' }],
  ])('%j → %j', (input, expected) => {
    expect(parseExpectedReply(input)).toEqual(expected);
  });

  it.each(['', '5.7.25', '55', '650 5.7.1'])('refuses %j', (input) => {
    expect(() => parseExpectedReply(input)).toThrow('expected a reply like "550 5.7.25"');
  });
});

describe('rejectionsOf and matchesReply', () => {
  const s = session({
    decisions: [
      reject('rcpt.no-such-user', 550, '5.1.1', ['The email account that you tried to reach does not exist.', 'Learn more']),
      { ...reject('scenario.delay', 0, undefined, []), verdict: 'accept', reply: undefined },
      reject('command.rcpt-first', 503, '5.5.1', ['RCPT first.']),
    ],
    rejection: { phase: 'command', ruleId: 'command.rcpt-first', code: 503, enhanced: '5.5.1' },
  });

  it('lists every rejecting decision, not only the last rejection', () => {
    expect(rejectionsOf(s).map((r) => r.ruleId)).toEqual(['rcpt.no-such-user', 'command.rcpt-first']);
    expect(describeRejections(rejectionsOf(s))).toBe('550 5.1.1 (rcpt.no-such-user), 503 5.5.1 (command.rcpt-first)');
    expect(describeRejections([])).toBe('none');
  });

  it.each([
    ['550', true],
    ['550 5.1.1', true],
    ['550 5.7.25', false],
    ['550 5.1.1 does not exist. Learn', true],
    ['550 5.1.1 no such thing', false],
    ['503 5.5.1', true],
    ['421', false],
  ])('%s → %s', (expected, pass) => {
    const want = parseExpectedReply(expected);
    expect(rejectionsOf(s).some((r) => matchesReply(r, want))).toBe(pass);
  });

  it('a summary without decisions falls back to its last rejection', () => {
    const summary = sessionSummary(s);
    expect(rejectionsOf(summary)).toEqual([{ code: 503, enhanced: '5.5.1', text: '', ruleId: 'command.rcpt-first' }]);
    expect(rejectionsOf({ ...summary, rejection: undefined })).toEqual([]);
  });
});
