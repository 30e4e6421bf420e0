import { describe } from 'vitest';
import { heloFirst as rule } from './command.helo-first.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
import type { CommandInfo } from '../types.js';

const cmd = (verb: string, extra: Partial<CommandInfo> = {}): CommandInfo => ({ verb, argument: '', known: true, ...extra });
const greeted = { helo: { verb: 'EHLO' as const, name: 'mail.example.com' } };

const cases: RuleCase[] = [
  ...['MAIL', 'RCPT', 'DATA', 'AUTH'].map(
    (verb): RuleCase => ({ name: `${verb} before EHLO`, ctx: { command: cmd(verb) }, fires: true, vars: { verb }, mentions: [verb], fixMentions: ['EHLO'] }),
  ),
  ...['MAIL', 'RCPT', 'DATA', 'AUTH'].map((verb): RuleCase => ({ name: `${verb} after EHLO`, ctx: { ...greeted, command: cmd(verb) }, fires: false })),
  ...['EHLO', 'HELO', 'NOOP', 'RSET', 'QUIT', 'STARTTLS', 'VRFY', 'HELP'].map((verb): RuleCase => ({ name: `${verb} before EHLO`, ctx: { command: cmd(verb) }, fires: false })),
  { name: 'no command', ctx: {}, fires: false },
  { name: 'params.commands replaces the list: VRFY listed', ctx: { command: cmd('VRFY') }, params: { commands: ['VRFY'] }, fires: true, vars: { verb: 'VRFY' }, mentions: ['VRFY'] },
  { name: 'params.commands replaces the list: MAIL not listed', ctx: { command: cmd('MAIL') }, params: { commands: ['VRFY'] }, fires: false },
  { name: 'params.commands are upper-cased', ctx: { command: cmd('MAIL') }, params: { commands: ['mail'] }, fires: true, vars: { verb: 'MAIL' }, mentions: ['MAIL'] },
];

describe('command.helo-first', () => {
  itBehavesAsTabled(rule, 'command.helo-first', 'command', cases);
});
