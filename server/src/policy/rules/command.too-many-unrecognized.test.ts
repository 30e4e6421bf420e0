import { describe } from 'vitest';
import { tooManyUnrecognized as rule } from './command.too-many-unrecognized.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
import type { CommandInfo } from '../types.js';

const unknown: CommandInfo = { verb: 'FOO', argument: '', known: false };
const known: CommandInfo = { verb: 'NOOP', argument: '', known: true };
const limits = (maxUnrecognizedCommands: number) => ({ maxMessageSize: 157286400, maxRecipients: 100, maxUnrecognizedCommands });
const at = (count: number, extra: RuleCase['ctx'] = {}) => ({ command: unknown, unrecognizedCommands: count, ...extra });

const cases: RuleCase[] = [
  // limits.maxUnrecognizedCommands: 10
  { name: '1st unknown command', ctx: at(1), fires: false },
  { name: '9th unknown command', ctx: at(9), fires: false },
  { name: '10th unknown command (the limit)', ctx: at(10), fires: true, mentions: ['10'] },
  { name: '11th unknown command', ctx: at(11), fires: true, mentions: ['11'] },
  { name: 'a known command after many unknown ones', ctx: { command: known, unrecognizedCommands: 50 }, fires: false },
  { name: 'no command', ctx: { unrecognizedCommands: 50 }, fires: false },
  // the profile's limit
  { name: 'limit 5: 4th', ctx: at(4, { limits: limits(5) }), fires: false },
  { name: 'limit 5: 5th', ctx: at(5, { limits: limits(5) }), fires: true, mentions: ['5'] },
  { name: 'limit 1: 1st', ctx: at(1, { limits: limits(1) }), fires: true, mentions: ['1'] },
  // params.max wins over the limit
  { name: 'params.max 3: 2nd', ctx: at(2), params: { max: 3 }, fires: false },
  { name: 'params.max 3: 3rd', ctx: at(3), params: { max: 3 }, fires: true, mentions: ['3'] },
  { name: 'params.max 20: 10th', ctx: at(10), params: { max: 20 }, fires: false },
  { name: 'params.max 20: 20th', ctx: at(20), params: { max: 20 }, fires: true, mentions: ['20'] },
  { name: 'params.max that is not a number falls back to the limit', ctx: at(3), params: { max: '3' }, fires: false },
];

describe('command.too-many-unrecognized', () => {
  itBehavesAsTabled(rule, 'command.too-many-unrecognized', 'command', cases);
});
