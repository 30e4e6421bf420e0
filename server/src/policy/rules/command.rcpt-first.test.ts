import { describe, expect, it } from 'vitest';
import type { RuleHit } from '../types.js';
import { rcptFirst as rule } from './command.rcpt-first.js';
import { makeContext, ONE_LINE, type RuleCase } from './context.fixture.js';
import { CHECKS } from './index.js';
import type { CommandInfo } from '../types.js';

const cmd = (verb: string): CommandInfo => ({ verb, argument: '', known: true });
const from = { address: 'alice@example.com', args: {} };
const to = { address: 'bob@example.com', args: {} };

const cases: RuleCase[] = [
  { name: 'DATA before MAIL and RCPT', ctx: { command: cmd('DATA') }, fires: true, mentions: ['DATA', 'before MAIL FROM'], fixMentions: ['RCPT TO'] },
  { name: 'DATA after MAIL, no recipient accepted', ctx: { command: cmd('DATA'), envelope: { mailFrom: from, rcptTo: [] } }, fires: true, mentions: ['DATA', 'no recipient'] },
  { name: 'DATA with a recipient', ctx: { command: cmd('DATA'), envelope: { mailFrom: from, rcptTo: [to] } }, fires: false },
  { name: 'RCPT', ctx: { command: cmd('RCPT'), envelope: { mailFrom: from, rcptTo: [] } }, fires: false },
  { name: 'no command', ctx: {}, fires: false },
];

describe('command.rcpt-first', () => {
  it('is registered under its file name, in the command phase', () => {
    expect(rule.id).toBe('command.rcpt-first');
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
