import { describe } from 'vitest';
import { rcptFirst as rule } from './command.rcpt-first.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
import type { CommandInfo } from '../types.js';

const cmd = (verb: string): CommandInfo => ({ verb, argument: '', known: true });
const from = { address: 'alice@example.com', args: {} };
const to = { address: 'bob@example.com', args: {} };

const cases: RuleCase[] = [
  { name: 'DATA before MAIL and RCPT', ctx: { command: cmd('DATA') }, fires: true, mentions: ['DATA', 'before MAIL FROM'], fixMentions: ['RCPT TO'] },
  { name: 'DATA after MAIL, no recipient accepted', ctx: { command: cmd('DATA'), envelope: { mailFrom: from, rcptTo: [] } }, fires: true, mentions: ['DATA', 'no recipient'] },
  { name: 'DATA with a recipient', ctx: { command: cmd('DATA'), envelope: { mailFrom: from, rcptTo: [to] } }, fires: false },
  { name: 'RCPT', ctx: { command: cmd('RCPT'), envelope: { mailFrom: from, rcptTo: [] } }, fires: false },
  { name: 'no command', ctx: {}, fires: false },
];

describe('command.rcpt-first', () => {
  itBehavesAsTabled(rule, 'command.rcpt-first', 'command', cases);
});
