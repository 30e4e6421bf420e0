import { describe, expect, it } from 'vitest';
import type { RuleHit } from '../types.js';
import { requireEhlo as rule } from './helo.require-ehlo.js';
import { makeContext, ONE_LINE, type RuleCase } from './context.fixture.js';
import { CHECKS } from './index.js';

const cases: RuleCase[] = [
  { name: 'HELO with a good name', ctx: { helo: { verb: 'HELO', name: 'mail.example.com' } }, fires: true, mentions: ['HELO'], fixMentions: ['EHLO'] },
  { name: 'HELO with an empty name', ctx: { helo: { verb: 'HELO', name: '' } }, fires: true, mentions: ['HELO'] },
  { name: 'EHLO', ctx: { helo: { verb: 'EHLO', name: 'mail.example.com' } }, fires: false },
  { name: 'no greeting yet', ctx: {}, fires: false },
];

describe('helo.require-ehlo', () => {
  it('is registered under its file name, in the helo phase', () => {
    expect(rule.id).toBe('helo.require-ehlo');
    expect(rule.phases).toEqual(['helo']);
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
