import { describe, expect, it } from 'vitest';
import type { RuleHit } from '../types.js';
import { heloEmpty as rule } from './helo.empty.js';
import { makeContext, ONE_LINE, type RuleCase } from './context.fixture.js';
import { CHECKS } from './index.js';

const cases: RuleCase[] = [
  { name: 'EHLO with an empty name', ctx: { helo: { verb: 'EHLO', name: '' } }, fires: true, mentions: ['EHLO'] },
  { name: 'EHLO with only spaces', ctx: { helo: { verb: 'EHLO', name: '   ' } }, fires: true, mentions: ['EHLO'] },
  { name: 'EHLO with a tab', ctx: { helo: { verb: 'EHLO', name: '\t' } }, fires: true, mentions: ['EHLO'] },
  { name: 'HELO with an empty name names HELO', ctx: { helo: { verb: 'HELO', name: '' } }, fires: true, mentions: ['HELO'] },
  { name: 'a fully-qualified name', ctx: { helo: { verb: 'EHLO', name: 'mail.example.com' } }, fires: false },
  { name: 'localhost (non-fqdn, not empty)', ctx: { helo: { verb: 'EHLO', name: 'localhost' } }, fires: false },
  { name: 'an invalid name (not empty)', ctx: { helo: { verb: 'EHLO', name: 'a b' } }, fires: false },
  { name: 'empty brackets (invalid, not empty)', ctx: { helo: { verb: 'EHLO', name: '[]' } }, fires: false },
  { name: 'an address literal', ctx: { helo: { verb: 'HELO', name: '[203.0.113.7]' } }, fires: false },
];

describe('helo.empty', () => {
  it('is registered under its file name, in the helo phase', () => {
    expect(rule.id).toBe('helo.empty');
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
