import { describe, expect, it } from 'vitest';
import type { RuleHit } from '../types.js';
import { authRequired as rule } from './command.auth-required.js';
import { makeContext, ONE_LINE, type RuleCase } from './context.fixture.js';
import { CHECKS } from './index.js';
import type { CommandInfo } from '../types.js';

const cmd = (verb: string): CommandInfo => ({ verb, argument: '', known: true });

const cases: RuleCase[] = [
  { name: 'MAIL without AUTH', ctx: { command: cmd('MAIL'), tls: true }, fires: true, vars: { verb: 'MAIL' }, mentions: ['MAIL'], fixMentions: ['AUTH'] },
  { name: 'MAIL after AUTH', ctx: { command: cmd('MAIL'), tls: true, user: 'alice@example.com' }, fires: false },
  { name: 'RCPT without AUTH (not in the default list)', ctx: { command: cmd('RCPT') }, fires: false },
  ...['EHLO', 'STARTTLS', 'AUTH', 'NOOP', 'QUIT'].map((verb): RuleCase => ({ name: `${verb} without AUTH`, ctx: { command: cmd(verb) }, fires: false })),
  { name: 'no command', ctx: {}, fires: false },
  { name: 'params.commands: RCPT listed', ctx: { command: cmd('RCPT') }, params: { commands: ['MAIL', 'RCPT'] }, fires: true, vars: { verb: 'RCPT' }, mentions: ['RCPT'] },
  { name: 'params.commands are upper-cased', ctx: { command: cmd('MAIL') }, params: { commands: ['mail'] }, fires: true, vars: { verb: 'MAIL' }, mentions: ['MAIL'] },
];

describe('command.auth-required', () => {
  it('is registered under its file name, in the command phase', () => {
    expect(rule.id).toBe('command.auth-required');
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
