import { describe, expect, it } from 'vitest';
import type { RuleHit } from '../types.js';
import { rcptSyntax as rule } from './rcpt.syntax.js';
import { makeContext, ONE_LINE, type RuleCase } from './context.fixture.js';
import { CHECKS } from './index.js';
import type { CommandInfo, MailPath } from '../types.js';

const rcpt = (argument: string, path: MailPath | null | undefined): CommandInfo => ({ verb: 'RCPT', argument, known: true, path });

const cases: RuleCase[] = [
  { name: 'a malformed path', ctx: { command: rcpt('TO:bob@example.com', null) }, fires: true, vars: { arg: 'TO:bob@example.com' }, mentions: ['TO:bob@example.com'], fixMentions: ['RCPT TO:<'] },
  { name: 'an empty path <>', ctx: { command: rcpt('TO:<>', { address: '', args: {} }) }, fires: true, vars: { arg: 'TO:<>' }, mentions: ['TO:<>'] },
  { name: 'an empty argument', ctx: { command: rcpt('', null) }, fires: true, vars: { arg: '' }, mentions: ['RCPT'] },
  { name: 'a well-formed path', ctx: { command: rcpt('TO:<bob@example.com>', { address: 'bob@example.com', args: {} }) }, fires: false },
  { name: 'a local-only path (<postmaster>)', ctx: { command: rcpt('TO:<postmaster>', { address: 'postmaster', args: {} }) }, fires: false },
  { name: 'a command without a parsed path', ctx: { command: rcpt('TO:<bob@example.com>', undefined) }, fires: false },
  { name: 'no command', ctx: {}, fires: false },
];

describe('rcpt.syntax', () => {
  it('is registered under its file name, in the rcpt phase', () => {
    expect(rule.id).toBe('rcpt.syntax');
    expect(rule.phases).toEqual(['rcpt']);
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
