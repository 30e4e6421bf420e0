import { describe } from 'vitest';
import { mailSyntax as rule } from './mail.syntax.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
import type { CommandInfo, MailPath } from '../types.js';

const mail = (argument: string, path: MailPath | null | undefined): CommandInfo => ({ verb: 'MAIL', argument, known: true, path });

const cases: RuleCase[] = [
  { name: 'a path without angle brackets', ctx: { command: mail('FROM:alice@example.com', null) }, fires: true, vars: { arg: 'FROM:alice@example.com' }, mentions: ['FROM:alice@example.com'], fixMentions: ['MAIL FROM:<'] },
  { name: 'a space before the path', ctx: { command: mail('FROM: <alice@example.com> x', null) }, fires: true, vars: { arg: 'FROM: <alice@example.com> x' }, mentions: ['FROM: <alice@example.com> x'] },
  { name: 'an empty argument', ctx: { command: mail('', null) }, fires: true, vars: { arg: '' }, mentions: ['MAIL'] },
  { name: 'a well-formed path', ctx: { command: mail('FROM:<alice@example.com>', { address: 'alice@example.com', args: {} }) }, fires: false },
  { name: 'the null reverse-path <>', ctx: { command: mail('FROM:<>', { address: '', args: {} }) }, fires: false },
  { name: 'a path with SIZE', ctx: { command: mail('FROM:<a@example.com> SIZE=10', { address: 'a@example.com', args: { SIZE: '10' } }) }, fires: false },
  { name: 'a command without a parsed path', ctx: { command: mail('FROM:<a@example.com>', undefined) }, fires: false },
  { name: 'no command', ctx: {}, fires: false },
];

describe('mail.syntax', () => {
  itBehavesAsTabled(rule, 'mail.syntax', 'mail', cases);
});
