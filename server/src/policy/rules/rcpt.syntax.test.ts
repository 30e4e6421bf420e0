import { describe } from 'vitest';
import { rcptSyntax as rule } from './rcpt.syntax.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
import type { CommandInfo, MailPath } from '../types.js';

const rcpt = (argument: string, path: MailPath | null | undefined): CommandInfo => ({ verb: 'RCPT', argument, known: true, path });

const cases: RuleCase[] = [
  { name: 'a malformed path', ctx: { command: rcpt('TO:bob@example.com', null) }, fires: true, vars: { arg: 'TO:bob@example.com' }, mentions: ['TO:bob@example.com'], fixMentions: ['RCPT TO:<'] },
  { name: 'an empty path <>', ctx: { command: rcpt('TO:<>', { address: '', args: {} }) }, fires: true, vars: { arg: 'TO:<>' }, mentions: ['TO:<>'] },
  { name: 'an empty argument', ctx: { command: rcpt('', null) }, fires: true, vars: { arg: '' }, mentions: ['RCPT'] },
  { name: 'a well-formed path', ctx: { command: rcpt('TO:<bob@example.com>', { address: 'bob@example.com', args: {} }) }, fires: false },
  { name: 'a local-only path (<postmaster>)', ctx: { command: rcpt('TO:<postmaster>', { address: 'postmaster', args: {} }) }, fires: false },
  { name: 'a command without a parsed path', ctx: { command: rcpt('TO:<bob@example.com>', undefined) }, fires: false },
  { name: 'no command', ctx: {}, fires: false },
];

describe('rcpt.syntax', () => {
  itBehavesAsTabled(rule, 'rcpt.syntax', 'rcpt', cases);
});
