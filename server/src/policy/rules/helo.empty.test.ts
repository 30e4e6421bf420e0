import { describe } from 'vitest';
import { heloEmpty as rule } from './helo.empty.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';

const cases: RuleCase[] = [
  { name: 'EHLO with an empty name', ctx: { helo: { verb: 'EHLO', name: '' } }, fires: true, mentions: ['EHLO'] },
  { name: 'EHLO with only spaces', ctx: { helo: { verb: 'EHLO', name: '   ' } }, fires: true, mentions: ['EHLO'] },
  { name: 'EHLO with a tab', ctx: { helo: { verb: 'EHLO', name: '\t' } }, fires: true, mentions: ['EHLO'] },
  { name: 'HELO with an empty name names HELO', ctx: { helo: { verb: 'HELO', name: '' } }, fires: true, mentions: ['HELO'] },
  { name: 'a fully-qualified name', ctx: { helo: { verb: 'EHLO', name: 'mail.example.com' } }, fires: false },
  { name: 'localhost (non-fqdn, not empty)', ctx: { helo: { verb: 'EHLO', name: 'localhost' } }, fires: false },
  { name: 'an invalid name (not empty)', ctx: { helo: { verb: 'EHLO', name: 'a b' } }, fires: false },
  { name: 'empty brackets (invalid, not empty)', ctx: { helo: { verb: 'EHLO', name: '[]' } }, fires: false },
  { name: 'an address literal', ctx: { helo: { verb: 'HELO', name: '[203.0.113.7]' } }, fires: false },
];

describe('helo.empty', () => {
  itBehavesAsTabled(rule, 'helo.empty', 'helo', cases);
});
