import { describe } from 'vitest';
import { unrecognized as rule } from './command.unrecognized.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
import type { CommandInfo } from '../types.js';

const cmd = (verb: string, known: boolean): CommandInfo => ({ verb, argument: '', known });
const LONG = 'X'.repeat(60);

const cases: RuleCase[] = [
  { name: 'an unknown verb', ctx: { command: cmd('FOO', false), unrecognizedCommands: 1 }, fires: true, vars: { verb: 'FOO' }, mentions: ['FOO'] },
  { name: 'GET (an HTTP client)', ctx: { command: cmd('GET', false), unrecognizedCommands: 1 }, fires: true, vars: { verb: 'GET' }, mentions: ['GET'] },
  { name: 'a long verb: vars keep it whole, why shows 40 characters', ctx: { command: cmd(LONG, false), unrecognizedCommands: 1 }, fires: true, vars: { verb: LONG }, mentions: [`"${LONG.slice(0, 40)}"`] },
  ...['EHLO', 'MAIL', 'BDAT', 'NOOP'].map((verb): RuleCase => ({ name: `${verb} (known)`, ctx: { command: cmd(verb, true) }, fires: false })),
  { name: 'no command', ctx: {}, fires: false },
];

describe('command.unrecognized', () => {
  itBehavesAsTabled(rule, 'command.unrecognized', 'command', cases);
});
