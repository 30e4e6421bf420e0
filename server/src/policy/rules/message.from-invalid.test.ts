import { describe, expect, it } from 'vitest';
import { ruleTable } from './rule-table.fixture.js';
import { messageFacts, WELL_FORMED_HEADERS, type RuleCase } from './context.fixture.js';
import { fromInvalid, validAddress } from './message.from-invalid.js';

const others = WELL_FORMED_HEADERS.filter((h) => !h.startsWith('From:'));
/** `from` as mailparser reads it (the adapter passes parsed.from). */
const fromHeader = (value: string, from: Array<{ name: string; address: string }>) => ({ message: messageFacts([`From: ${value}`, ...others], { from }) });

const cases: RuleCase[] = [
  { name: 'Alice <alice@example.com>', ctx: fromHeader('Alice <alice@example.com>', [{ name: 'Alice', address: 'alice@example.com' }]), fires: false },
  { name: 'an internationalised address (SMTPUTF8)', ctx: fromHeader('jürgen@bücher.example', [{ name: '', address: 'jürgen@bücher.example' }]), fires: false },
  { name: 'two valid addresses (message.from-multiple’s business)', ctx: fromHeader('a@example.com, b@example.com', [{ name: '', address: 'a@example.com' }, { name: '', address: 'b@example.com' }]), fires: false },
  { name: 'no From header', ctx: { message: messageFacts(others, { from: [] }) }, fires: true, mentions: ['no From header'], fixMentions: ['From: Alice <alice@example.com>'] },
  { name: 'a name without an address', ctx: fromHeader('foo', [{ name: 'foo', address: '' }]), fires: true, mentions: ['"foo"'] },
  { name: 'an empty group', ctx: fromHeader('undisclosed-recipients:;', []), fires: true, mentions: ['"undisclosed-recipients:;" holds no address'] },
  { name: 'an empty angle address', ctx: fromHeader('"Bob" <>', [{ name: 'Bob', address: '' }]), fires: true, mentions: ['"Bob"'] },
  { name: 'a domain without a dot', ctx: fromHeader('Alice <alice@example>', [{ name: 'Alice', address: 'alice@example' }]), fires: true, mentions: ['"alice@example"'] },
  { name: 'two @', ctx: fromHeader('bad@@example.com', [{ name: '', address: 'bad@@example.com' }]), fires: true, mentions: ['bad@@example.com'] },
  { name: 'a parse error (message.malformed’s business)', ctx: { message: messageFacts(others, { parseError: 'x', from: [] }) }, fires: false },
];

ruleTable(fromInvalid, ['message'], cases);

describe('validAddress', () => {
  it.each([
    ['a@example.com', true],
    ['"quoted local"@example.com', true],
    ['a@[192.0.2.1]', true],
    ['用户@例子.example', true],
    ['a@-example.com', false],
    ['a b@example.com', false],
    ['a@example.', false],
  ])('%s → %s', (a, ok) => expect(validAddress(a)).toBe(ok));
});
