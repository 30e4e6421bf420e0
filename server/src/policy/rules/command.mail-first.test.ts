import { describe, expect, it } from 'vitest';
import type { RuleHit } from '../types.js';
import { mailFirst as rule } from './command.mail-first.js';
import { makeContext, ONE_LINE, type RuleCase } from './context.fixture.js';
import { CHECKS } from './index.js';
import type { CommandInfo } from '../types.js';

const cmd = (verb: string, extra: Partial<CommandInfo> = {}): CommandInfo => ({ verb, argument: '', known: true, ...extra });
const rcpt = cmd('RCPT', { argument: 'TO:<bob@example.com>', path: { address: 'bob@example.com', args: {} } });

const cases: RuleCase[] = [
  { name: 'RCPT before MAIL', ctx: { command: rcpt }, fires: true, mentions: ['RCPT', 'MAIL FROM'], fixMentions: ['MAIL FROM'] },
  { name: 'RCPT after MAIL', ctx: { command: rcpt, envelope: { mailFrom: { address: 'alice@example.com', args: {} }, rcptTo: [] } }, fires: false },
  { name: 'RCPT after MAIL FROM:<> (the null sender)', ctx: { command: rcpt, envelope: { mailFrom: { address: '', args: {} }, rcptTo: [] } }, fires: false },
  { name: 'DATA before MAIL is command.rcpt-first’s business', ctx: { command: cmd('DATA') }, fires: false },
  { name: 'MAIL', ctx: { command: cmd('MAIL') }, fires: false },
  { name: 'no command', ctx: {}, fires: false },
];

describe('command.mail-first', () => {
  it('is registered under its file name, in the command phase', () => {
    expect(rule.id).toBe('command.mail-first');
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
