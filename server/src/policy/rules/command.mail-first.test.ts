import { describe } from 'vitest';
import { mailFirst as rule } from './command.mail-first.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
import type { CommandInfo } from '../types.js';

const cmd = (verb: string, extra: Partial<CommandInfo> = {}): CommandInfo => ({ verb, argument: '', known: true, ...extra });
const rcpt = cmd('RCPT', { argument: 'TO:<bob@example.com>', path: { address: 'bob@example.com', args: {} } });

const cases: RuleCase[] = [
  { name: 'RCPT before MAIL', ctx: { command: rcpt }, fires: true, mentions: ['RCPT', 'MAIL FROM'], fixMentions: ['MAIL FROM'] },
  { name: 'RCPT after MAIL', ctx: { command: rcpt, envelope: { mailFrom: { address: 'alice@example.com', args: {} }, rcptTo: [] } }, fires: false },
  { name: 'RCPT after MAIL FROM:<> (the null sender)', ctx: { command: rcpt, envelope: { mailFrom: { address: '', args: {} }, rcptTo: [] } }, fires: false },
  { name: 'DATA before MAIL is command.rcpt-first’s business', ctx: { command: cmd('DATA') }, fires: false },
  { name: 'MAIL', ctx: { command: cmd('MAIL') }, fires: false },
  { name: 'no command', ctx: {}, fires: false },
];

describe('command.mail-first', () => {
  itBehavesAsTabled(rule, 'command.mail-first', 'command', cases);
});
