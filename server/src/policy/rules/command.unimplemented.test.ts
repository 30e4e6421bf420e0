import { describe, expect, it } from 'vitest';
import type { RuleHit } from '../types.js';
import { unimplemented as rule } from './command.unimplemented.js';
import { makeContext, ONE_LINE, type RuleCase } from './context.fixture.js';
import { CHECKS } from './index.js';
import type { CommandInfo } from '../types.js';

const cmd = (verb: string, known = true): CommandInfo => ({ verb, argument: '', known });
const GMAIL = { commands: ['BDAT', 'EXPN', 'ETRN', 'TURN', 'ATRN', 'VERB', 'SAML', 'SOML', 'SEND'] };

const cases: RuleCase[] = [
  ...GMAIL.commands.map(
    (verb): RuleCase => ({ name: `${verb} with the gmail-mx list`, ctx: { command: cmd(verb) }, params: GMAIL, fires: true, vars: { verb }, mentions: [verb], fixMentions: [verb] }),
  ),
  ...['MAIL', 'EHLO', 'VRFY', 'NOOP'].map((verb): RuleCase => ({ name: `${verb} with the gmail-mx list`, ctx: { command: cmd(verb) }, params: GMAIL, fires: false })),
  { name: 'an unknown verb is command.unrecognized’s business', ctx: { command: cmd('FOO', false) }, params: GMAIL, fires: false },
  { name: 'no params: nothing is unimplemented', ctx: { command: cmd('BDAT') }, fires: false },
  { name: 'params.commands are upper-cased', ctx: { command: cmd('BDAT') }, params: { commands: ['bdat'] }, fires: true, vars: { verb: 'BDAT' }, mentions: ['BDAT'] },
  { name: 'no command', ctx: {}, params: GMAIL, fires: false },
];

describe('command.unimplemented', () => {
  it('is registered under its file name, in the command phase', () => {
    expect(rule.id).toBe('command.unimplemented');
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
