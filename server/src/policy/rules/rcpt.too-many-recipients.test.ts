import { describe } from 'vitest';
import { tooManyRecipients as rule } from './rcpt.too-many-recipients.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
import type { MailPath } from '../types.js';

const recipients = (n: number): MailPath[] => Array.from({ length: n }, (_, i) => ({ address: `r${i}@example.com`, args: {} }));
const envelope = (n: number) => ({ mailFrom: { address: 'a@example.com', args: {} }, rcptTo: recipients(n) });
const limits = (maxRecipients: number) => ({ maxMessageSize: 157286400, maxRecipients, maxUnrecognizedCommands: 10 });

const cases: RuleCase[] = [
  { name: 'the first recipient', ctx: { envelope: envelope(0) }, fires: false },
  { name: 'the 100th recipient (99 accepted)', ctx: { envelope: envelope(99) }, fires: false },
  { name: 'the 101st recipient (100 accepted)', ctx: { envelope: envelope(100) }, fires: true, mentions: ['100'], fixMentions: ['100'] },
  { name: 'the 102nd recipient (101 accepted)', ctx: { envelope: envelope(101) }, fires: true, mentions: ['101'], fixMentions: ['100'] },
  { name: 'limit 2: the 2nd recipient', ctx: { envelope: envelope(1), limits: limits(2) }, fires: false },
  { name: 'limit 2: the 3rd recipient', ctx: { envelope: envelope(2), limits: limits(2) }, fires: true, mentions: ['2'], fixMentions: ['2'] },
];

describe('rcpt.too-many-recipients', () => {
  itBehavesAsTabled(rule, 'rcpt.too-many-recipients', 'rcpt', cases);
});
