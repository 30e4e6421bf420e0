import { describe } from 'vitest';
import { authRequired as rule } from './command.auth-required.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
import type { CommandInfo } from '../types.js';

const cmd = (verb: string): CommandInfo => ({ verb, argument: '', known: true });

const cases: RuleCase[] = [
  { name: 'MAIL without AUTH', ctx: { command: cmd('MAIL'), tls: true }, fires: true, vars: { verb: 'MAIL' }, mentions: ['MAIL'], fixMentions: ['AUTH'] },
  { name: 'MAIL after AUTH', ctx: { command: cmd('MAIL'), tls: true, user: 'alice@example.com' }, fires: false },
  { name: 'RCPT without AUTH (not in the default list)', ctx: { command: cmd('RCPT') }, fires: false },
  ...['EHLO', 'STARTTLS', 'AUTH', 'NOOP', 'QUIT'].map((verb): RuleCase => ({ name: `${verb} without AUTH`, ctx: { command: cmd(verb) }, fires: false })),
  { name: 'no command', ctx: {}, fires: false },
  { name: 'params.commands: RCPT listed', ctx: { command: cmd('RCPT') }, params: { commands: ['MAIL', 'RCPT'] }, fires: true, vars: { verb: 'RCPT' }, mentions: ['RCPT'] },
  { name: 'params.commands are upper-cased', ctx: { command: cmd('MAIL') }, params: { commands: ['mail'] }, fires: true, vars: { verb: 'MAIL' }, mentions: ['MAIL'] },
];

describe('command.auth-required', () => {
  itBehavesAsTabled(rule, 'command.auth-required', 'command', cases);
});
