import { describe } from 'vitest';
import { starttlsRequired as rule } from './command.starttls-required.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
import type { CommandInfo } from '../types.js';

const cmd = (verb: string): CommandInfo => ({ verb, argument: '', known: true });

const cases: RuleCase[] = [
  { name: 'MAIL on plaintext', ctx: { command: cmd('MAIL') }, fires: true, vars: { verb: 'MAIL' }, mentions: ['MAIL', 'plaintext'], fixMentions: ['STARTTLS'] },
  { name: 'AUTH on plaintext', ctx: { command: cmd('AUTH') }, fires: true, vars: { verb: 'AUTH' }, mentions: ['AUTH'] },
  { name: 'MAIL after STARTTLS', ctx: { command: cmd('MAIL'), tls: true }, fires: false },
  { name: 'AUTH after STARTTLS', ctx: { command: cmd('AUTH'), tls: true }, fires: false },
  ...['EHLO', 'STARTTLS', 'NOOP', 'QUIT', 'RCPT'].map((verb): RuleCase => ({ name: `${verb} on plaintext`, ctx: { command: cmd(verb) }, fires: false })),
  { name: 'no command', ctx: {}, fires: false },
  { name: 'params.commands: AUTH not listed', ctx: { command: cmd('AUTH') }, params: { commands: ['MAIL'] }, fires: false },
  { name: 'params.commands: RCPT listed', ctx: { command: cmd('RCPT') }, params: { commands: ['MAIL', 'RCPT'] }, fires: true, vars: { verb: 'RCPT' }, mentions: ['RCPT'] },
];

describe('command.starttls-required', () => {
  itBehavesAsTabled(rule, 'command.starttls-required', 'command', cases);
});
