import { describe } from 'vitest';
import { requireEhlo as rule } from './helo.require-ehlo.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';

const cases: RuleCase[] = [
  { name: 'HELO with a good name', ctx: { helo: { verb: 'HELO', name: 'mail.example.com' } }, fires: true, mentions: ['HELO'], fixMentions: ['EHLO'] },
  { name: 'HELO with an empty name', ctx: { helo: { verb: 'HELO', name: '' } }, fires: true, mentions: ['HELO'] },
  { name: 'EHLO', ctx: { helo: { verb: 'EHLO', name: 'mail.example.com' } }, fires: false },
  { name: 'no greeting yet', ctx: {}, fires: false },
];

describe('helo.require-ehlo', () => {
  itBehavesAsTabled(rule, 'helo.require-ehlo', 'helo', cases);
});
