import { describe } from 'vitest';
import { unimplemented as rule } from './command.unimplemented.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
import type { CommandInfo } from '../types.js';

const cmd = (verb: string, known = true): CommandInfo => ({ verb, argument: '', known });
const GMAIL = { commands: ['BDAT', 'EXPN', 'ETRN', 'TURN', 'ATRN', 'VERB', 'SAML', 'SOML', 'SEND'] };

const cases: RuleCase[] = [
  ...GMAIL.commands.map(
    (verb): RuleCase => ({ name: `${verb} with the gmail-mx list`, ctx: { command: cmd(verb) }, params: GMAIL, fires: true, vars: { verb }, mentions: [verb], fixMentions: [verb] }),
  ),
  ...['MAIL', 'EHLO', 'VRFY', 'NOOP'].map((verb): RuleCase => ({ name: `${verb} with the gmail-mx list`, ctx: { command: cmd(verb) }, params: GMAIL, fires: false })),
  { name: 'an unknown verb is command.unrecognized’s business', ctx: { command: cmd('FOO', false) }, params: GMAIL, fires: false },
  { name: 'no params: nothing is unimplemented', ctx: { command: cmd('BDAT') }, fires: false },
  { name: 'params.commands are upper-cased', ctx: { command: cmd('BDAT') }, params: { commands: ['bdat'] }, fires: true, vars: { verb: 'BDAT' }, mentions: ['BDAT'] },
  { name: 'no command', ctx: {}, params: GMAIL, fires: false },
];

describe('command.unimplemented', () => {
  itBehavesAsTabled(rule, 'command.unimplemented', 'command', cases);
});
