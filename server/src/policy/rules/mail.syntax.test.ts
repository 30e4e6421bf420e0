import { describe, expect, it } from 'vitest';
import type { RuleHit } from '../types.js';
import { mailSyntax as rule } from './mail.syntax.js';
import { makeContext, ONE_LINE, type RuleCase } from './context.fixture.js';
import { CHECKS } from './index.js';
import type { CommandInfo, MailPath } from '../types.js';

const mail = (argument: string, path: MailPath | null | undefined): CommandInfo => ({ verb: 'MAIL', argument, known: true, path });

const cases: RuleCase[] = [
  { name: 'a path without angle brackets', ctx: { command: mail('FROM:alice@example.com', null) }, fires: true, vars: { arg: 'FROM:alice@example.com' }, mentions: ['FROM:alice@example.com'], fixMentions: ['MAIL FROM:<'] },
  { name: 'a space before the path', ctx: { command: mail('FROM: <alice@example.com> x', null) }, fires: true, vars: { arg: 'FROM: <alice@example.com> x' }, mentions: ['FROM: <alice@example.com> x'] },
  { name: 'an empty argument', ctx: { command: mail('', null) }, fires: true, vars: { arg: '' }, mentions: ['MAIL'] },
  { name: 'a well-formed path', ctx: { command: mail('FROM:<alice@example.com>', { address: 'alice@example.com', args: {} }) }, fires: false },
  { name: 'the null reverse-path <>', ctx: { command: mail('FROM:<>', { address: '', args: {} }) }, fires: false },
  { name: 'a path with SIZE', ctx: { command: mail('FROM:<a@example.com> SIZE=10', { address: 'a@example.com', args: { SIZE: '10' } }) }, fires: false },
  { name: 'a command without a parsed path', ctx: { command: mail('FROM:<a@example.com>', undefined) }, fires: false },
  { name: 'no command', ctx: {}, fires: false },
];

describe('mail.syntax', () => {
  it('is registered under its file name, in the mail phase', () => {
    expect(rule.id).toBe('mail.syntax');
    expect(rule.phases).toEqual(['mail']);
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
