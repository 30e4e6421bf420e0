import { describe, expect, it } from 'vitest';
import { heloInvalid as rule } from './helo.invalid.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';

/** 300 characters, every label valid: only the length is wrong. */
const LONG = [...Array(4).fill('a'.repeat(59)), 'b'.repeat(60)].join('.');

const fires = (arg: string): RuleCase => ({
  name: `fires for ${JSON.stringify(arg.length > 40 ? `${arg.slice(0, 20)}…(${arg.length} chars)` : arg)}`,
  ctx: { helo: { verb: 'EHLO', name: arg } },
  fires: true,
  vars: { arg: arg.slice(0, 255) },
  mentions: [arg.slice(0, 100)],
});
const passes = (arg: string): RuleCase => ({ name: `passes ${JSON.stringify(arg)}`, ctx: { helo: { verb: 'EHLO', name: arg } }, fires: false });

const cases: RuleCase[] = [
  fires('bad_host!'),
  fires('a b'),
  fires('[999.1.1.1]'),
  fires('[1.2.3]'),
  fires('[IPv6:zz::1]'),
  fires('[IPv6:1.2.3.4]'),
  fires('[]'),
  fires('[127.0.0.1'),
  fires('-lead.example.com'),
  fires('trail-.example.com'),
  fires(LONG),
  fires(`${'a'.repeat(64)}.example.com`),
  fires('exa..mple.com'),
  fires('.example.com'),
  fires('.'),
  fires('mail.example.com..'),
  fires('user@example.com'),
  fires('ex%ample.com'),
  {
    name: 'HELO (not only EHLO) with an invalid name',
    ctx: { helo: { verb: 'HELO', name: 'bad_host!' } },
    fires: true,
    vars: { arg: 'bad_host!' },
    mentions: ['bad_host!'],
  },
  passes('mail.example.com'),
  passes('mail.example.com.'),
  passes('under_score.example.com'),
  passes(`${'a'.repeat(63)}.example.com`),
  passes('xn--bcher-kva.example'),
  passes('[203.0.113.7]'),
  passes('[IPv6:2001:db8::1]'),
  // not fully qualified, but well-formed: helo.non-fqdn's business
  passes('localhost'),
  passes('myserver'),
  passes('192.0.2.1'),
  passes('[127.0.0.1]'),
  passes('[IPv6:::1]'),
  // empty is helo.empty's business
  passes(''),
  passes('   '),
  { name: 'no HELO at all', ctx: {}, fires: false },
];

it('the long name is 300 characters', () => {
  expect(LONG).toHaveLength(300);
});

describe('helo.invalid', () => {
  itBehavesAsTabled(rule, 'helo.invalid', 'helo', cases);
});
