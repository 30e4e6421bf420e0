import { describe } from 'vitest';
import { messageSize as rule } from './message.size.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
import type { MessageFacts } from '../types.js';

const LIMIT = 157286400;
const message = (size: number, truncated = false): MessageFacts => ({ raw: Buffer.alloc(0), size, truncated, headers: [] });

const cases: RuleCase[] = [
  { name: 'one byte over the limit', ctx: { message: message(LIMIT + 1, true) }, fires: true, vars: { size: LIMIT + 1 }, mentions: [String(LIMIT + 1), String(LIMIT)] },
  { name: 'far over the limit (truncated while streaming)', ctx: { message: message(400_000_000, true) }, fires: true, vars: { size: 400_000_000 }, mentions: ['400000000', String(LIMIT)] },
  { name: 'exactly the limit', ctx: { message: message(LIMIT) }, fires: false },
  { name: 'a small message', ctx: { message: message(1234) }, fires: false },
  { name: 'an empty message', ctx: { message: message(0) }, fires: false },
  { name: 'no message yet', ctx: {}, fires: false },
  {
    name: 'a smaller profile limit',
    ctx: { message: message(2048), limits: { maxMessageSize: 2047, maxRecipients: 100, maxUnrecognizedCommands: 10 } },
    fires: true,
    vars: { size: 2048 },
    mentions: ['2048', '2047'],
  },
];

describe('message.size', () => {
  itBehavesAsTabled(rule, 'message.size', 'message', cases);
});
