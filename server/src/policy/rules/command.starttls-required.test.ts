import { describe, expect, it } from 'vitest';
import type { RuleHit } from '../types.js';
import { starttlsRequired as rule } from './command.starttls-required.js';
import { makeContext, ONE_LINE, type RuleCase } from './context.fixture.js';
import { CHECKS } from './index.js';
import type { CommandInfo } from '../types.js';

const cmd = (verb: string): CommandInfo => ({ verb, argument: '', known: true });

const cases: RuleCase[] = [
  { name: 'MAIL on plaintext', ctx: { command: cmd('MAIL') }, fires: true, vars: { verb: 'MAIL' }, mentions: ['MAIL', 'plaintext'], fixMentions: ['STARTTLS'] },
  { name: 'AUTH on plaintext', ctx: { command: cmd('AUTH') }, fires: true, vars: { verb: 'AUTH' }, mentions: ['AUTH'] },
  { name: 'MAIL after STARTTLS', ctx: { command: cmd('MAIL'), tls: true }, fires: false },
  { name: 'AUTH after STARTTLS', ctx: { command: cmd('AUTH'), tls: true }, fires: false },
  ...['EHLO', 'STARTTLS', 'NOOP', 'QUIT', 'RCPT'].map((verb): RuleCase => ({ name: `${verb} on plaintext`, ctx: { command: cmd(verb) }, fires: false })),
  { name: 'no command', ctx: {}, fires: false },
  { name: 'params.commands: AUTH not listed', ctx: { command: cmd('AUTH') }, params: { commands: ['MAIL'] }, fires: false },
  { name: 'params.commands: RCPT listed', ctx: { command: cmd('RCPT') }, params: { commands: ['MAIL', 'RCPT'] }, fires: true, vars: { verb: 'RCPT' }, mentions: ['RCPT'] },
];

describe('command.starttls-required', () => {
  it('is registered under its file name, in the command phase', () => {
    expect(rule.id).toBe('command.starttls-required');
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
