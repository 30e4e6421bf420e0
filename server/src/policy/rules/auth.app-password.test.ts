import { describe, expect, it } from 'vitest';
import { appPassword as rule } from './auth.app-password.js';
import { makeContext, type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
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
  itBehavesAsTabled(rule, 'auth.app-password', 'auth', cases);
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
