/**
 * Test support (not a test file): the shared body of every rule's table test. A rule is
 * registered under its file name in its phase, and for each row it fires or not; when it
 * fires, its vars are exact and its why/fix are single lines naming the facts of the row.
 */
import { expect, it } from 'vitest';
import type { CheckDefinition, Phase, RuleHit } from '../types.js';
import { makeContext, ONE_LINE, type RuleCase } from './context.fixture.js';
import { CHECKS } from './index.js';

export function itBehavesAsTabled(rule: CheckDefinition, id: string, phase: Phase, cases: RuleCase[]): void {
  it(`is registered under its file name, in the ${phase} phase`, () => {
    expect(rule.id).toBe(id);
    expect(rule.phases).toEqual([phase]);
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
}
