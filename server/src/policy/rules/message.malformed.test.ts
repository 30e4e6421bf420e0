import { describe, expect, it } from 'vitest';
import { malformed as rule } from './message.malformed.js';
import { makeContext, type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
import type { MessageFacts } from '../types.js';

const message = (parseError?: string): MessageFacts => ({ raw: Buffer.alloc(0), size: 100, truncated: false, headers: [], ...(parseError === undefined ? {} : { parseError }) });
const LONG = `boundary ${'x'.repeat(300)}`;

const cases: RuleCase[] = [
  { name: 'a parse error', ctx: { message: message('Unexpected end of multipart data') }, fires: true, mentions: ['Unexpected end of multipart data'], fixMentions: ['MIME'] },
  { name: 'a long parse error is cut to 200 characters', ctx: { message: message(LONG) }, fires: true, mentions: [LONG.slice(0, 200)] },
  { name: 'a message that parsed', ctx: { message: message() }, fires: false },
  { name: 'an empty parse error', ctx: { message: message('') }, fires: false },
  { name: 'no message yet', ctx: {}, fires: false },
];

it('cuts a long parse error', async () => {
  const hit = await rule.check(makeContext({ message: message(LONG) }), {});
  expect(hit?.why).not.toContain(LONG.slice(0, 201));
});

describe('message.malformed', () => {
  itBehavesAsTabled(rule, 'message.malformed', 'message', cases);
});
