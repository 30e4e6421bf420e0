import { describe, expect, it } from 'vitest';
import { ruleTable } from './rule-table.fixture.js';
import { messageFacts, WELL_FORMED_HEADERS, type RuleCase } from './context.fixture.js';
import { headerBlockLength, headerLimits } from './message.header-limits.js';

const plus = (...extra: string[]) => ({ message: messageFacts([...WELL_FORMED_HEADERS, ...extra]) });
/** A header field folded over lines of 78 characters (RFC 5322 §2.2.3), `length` characters of value. */
const folded = (name: string, length: number): string[] => {
  const lines = [`${name}: ${'a'.repeat(70)}`];
  let left = length - 70;
  while (left > 0) {
    const n = Math.min(76, left);
    lines.push(` ${'b'.repeat(n - 1)}`);
    left -= n;
  }
  return lines;
};

const cases: RuleCase[] = [
  { name: 'a normal header', ctx: plus(), fires: false },
  { name: 'a Subject of 998 characters', ctx: { message: messageFacts([...WELL_FORMED_HEADERS.filter((h) => !h.startsWith('Subject')), `Subject: ${'s'.repeat(998)}`]) }, fires: false },
  { name: 'a Subject of 999 characters', ctx: { message: messageFacts([...WELL_FORMED_HEADERS.filter((h) => !h.startsWith('Subject')), `Subject: ${'s'.repeat(999)}`]) }, fires: true, mentions: ['Subject is 999 characters', '998'] },
  { name: 'a Message-ID of 501 characters', ctx: { message: messageFacts([...WELL_FORMED_HEADERS.filter((h) => !h.startsWith('Message-ID')), `Message-ID: <${'i'.repeat(487)}@example.com>`]) }, fires: true, mentions: ['Message-ID is 501 characters', '500'] },
  { name: 'a 40 KB X- header', ctx: plus(...folded('X-Big', 40_000)), fires: true, mentions: ['X-Big header is', 'bytes long', '32768'] },
  { name: 'a 40 KB To is exempt', ctx: plus(...folded('Cc', 40_000)), fires: false },
  { name: '5,001 fields', ctx: plus(...Array.from({ length: 4996 }, (_, i) => `X-N${i}: v`)), fires: true, mentions: ['5001 fields', '5000'] },
  { name: '5,000 fields', ctx: plus(...Array.from({ length: 4995 }, (_, i) => `X-N${i}: v`)), fires: false },
  { name: 'a header over 500 KB in total', ctx: plus(...Array.from({ length: 20 }, (_, i) => folded(`X-P${i}`, 30_000)).flat()), fires: true, mentions: ['bytes; Gmail allows 512000'] },
  { name: 'limits are params', ctx: plus('X-Small: 12345'), params: { maxValueBytes: 40, exempt: ['to', 'cc', 'references', 'from', 'date'] }, fires: false },
  { name: 'limits are params, over', ctx: plus('X-Small: 12345'), params: { maxValueBytes: 4, exempt: ['to', 'from', 'subject', 'date', 'message-id'] }, fires: true, mentions: ['X-Small header is 5 bytes long; Gmail allows 4'] },
  { name: 'a field name over 1 KB', ctx: plus(`X-${'n'.repeat(1100)}: v`), fires: true, mentions: ['field name is 1102 bytes long'] },
];

ruleTable(headerLimits, ['message'], cases);

describe('headerBlockLength', () => {
  it.each([
    ['A: b\r\n\r\nbody', 6],
    ['A: b\n\nbody', 5],
    ['A: b\r\nC: d\r\n\r\n', 12],
    ['no separator at all', 19],
  ])('%j → %i', (raw, n) => expect(headerBlockLength(Buffer.from(raw))).toBe(n));
});
