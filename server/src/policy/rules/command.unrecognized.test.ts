import { describe, expect, it } from 'vitest';
import type { RuleHit } from '../types.js';
import { unrecognized as rule } from './command.unrecognized.js';
import { makeContext, ONE_LINE, type RuleCase } from './context.fixture.js';
import { CHECKS } from './index.js';
import type { CommandInfo } from '../types.js';

const cmd = (verb: string, known: boolean): CommandInfo => ({ verb, argument: '', known });
const LONG = 'X'.repeat(60);

const cases: RuleCase[] = [
  { name: 'an unknown verb', ctx: { command: cmd('FOO', false), unrecognizedCommands: 1 }, fires: true, vars: { verb: 'FOO' }, mentions: ['FOO'] },
  { name: 'GET (an HTTP client)', ctx: { command: cmd('GET', false), unrecognizedCommands: 1 }, fires: true, vars: { verb: 'GET' }, mentions: ['GET'] },
  { name: 'a long verb: vars keep it whole, why shows 40 characters', ctx: { command: cmd(LONG, false), unrecognizedCommands: 1 }, fires: true, vars: { verb: LONG }, mentions: [`"${LONG.slice(0, 40)}"`] },
  ...['EHLO', 'MAIL', 'BDAT', 'NOOP'].map((verb): RuleCase => ({ name: `${verb} (known)`, ctx: { command: cmd(verb, true) }, fires: false })),
  { name: 'no command', ctx: {}, fires: false },
];

describe('command.unrecognized', () => {
  it('is registered under its file name, in the command phase', () => {
    expect(rule.id).toBe('command.unrecognized');
    expect(rule.phases).toEqual(['command']);
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
