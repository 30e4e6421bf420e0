import { describe, expect, it } from 'vitest';
import type { RuleHit } from '../types.js';
import { appPassword as rule } from './auth.app-password.js';
import { makeContext, ONE_LINE, type RuleCase } from './context.fixture.js';
import { CHECKS } from './index.js';
import { badCredentials } from './auth.bad-credentials.js';
import type { UserAccount } from '../types.js';

const USERS: UserAccount[] = [
  { username: 'alice@example.com', password: 'hunter2' },
  // 2-step verification: only the app password works over SMTP
  { username: 'bob@example.com', password: 'bob-account-pw', appPassword: 'abcdefghijklmnop' },
];
const attempt = (username: string, password: string, users: UserAccount[] = USERS): RuleCase['ctx'] => ({
  auth: { method: 'PLAIN', username, password },
  users,
  tls: true,
});

const cases: RuleCase[] = [
  { name: "a 2-step user's account password", ctx: attempt('bob@example.com', 'bob-account-pw'), fires: true, mentions: ['bob@example.com', '2-step'], fixMentions: ['app password'] },
  { name: "a 2-step user's account password, user name in another case", ctx: attempt('BOB@Example.com', 'bob-account-pw'), fires: true, mentions: ['bob@example.com'] },
  { name: "a 2-step user's app password", ctx: attempt('bob@example.com', 'abcdefghijklmnop'), fires: false },
  { name: 'a 2-step user with a wrong password', ctx: attempt('bob@example.com', 'nope'), fires: false },
  { name: 'a normal user with the right password', ctx: attempt('alice@example.com', 'hunter2'), fires: false },
  { name: 'a normal user with a wrong password', ctx: attempt('alice@example.com', 'nope'), fires: false },
  { name: 'an unknown user', ctx: attempt('carol@example.com', 'bob-account-pw'), fires: false },
  { name: 'no users configured', ctx: attempt('bob@example.com', 'bob-account-pw', []), fires: false },
  { name: 'no AUTH attempt', ctx: { users: USERS }, fires: false },
];

describe('auth.app-password', () => {
  it('is registered under its file name, in the auth phase', () => {
    expect(rule.id).toBe('auth.app-password');
    expect(rule.phases).toEqual(['auth']);
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

describe('auth.app-password with auth.bad-credentials (profiles run app-password first)', () => {
  it.each([
    { who: "bob's account password", ctx: attempt('bob@example.com', 'bob-account-pw'), app: true, bad: true },
    { who: "bob's app password", ctx: attempt('bob@example.com', 'abcdefghijklmnop'), app: false, bad: false },
    { who: 'bob with a wrong password', ctx: attempt('bob@example.com', 'nope'), app: false, bad: true },
    { who: "alice's password", ctx: attempt('alice@example.com', 'hunter2'), app: false, bad: false },
  ])('$who: app-password $app, bad-credentials $bad', async ({ ctx, app, bad }) => {
    expect((await rule.check(makeContext(ctx), {})) !== null).toBe(app);
    expect((await badCredentials.check(makeContext(ctx), {})) !== null).toBe(bad);
  });
});
