import { describe, expect, it } from 'vitest';
import type { RuleHit } from '../types.js';
import { messageSize as rule } from './message.size.js';
import { makeContext, ONE_LINE, type RuleCase } from './context.fixture.js';
import { CHECKS } from './index.js';
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
  it('is registered under its file name, in the message phase', () => {
    expect(rule.id).toBe('message.size');
    expect(rule.phases).toEqual(['message']);
    expect(CHECKS.get(rule.id)).toBe(rule);
  });

  it.each(cases)('$name', async (c) => {
    const hit = await rule.check(makeContext(c.ctx), c.params ?? {});
    if (!c.fires) {
      expect(hit).toBeNull();
      return;
    }
    expect(hit).not.toBeNull();
    const { why, fix, vars } = hit as RuleHit;
    expect(vars).toStrictEqual(c.vars);
    expect(why).toMatch(ONE_LINE);
    expect(fix).toMatch(ONE_LINE);
    for (const m of c.mentions) expect(why).toContain(m);
    for (const m of c.fixMentions ?? []) expect(fix).toContain(m);
  });
});
