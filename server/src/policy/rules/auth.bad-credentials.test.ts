import { describe } from 'vitest';
import { badCredentials as rule } from './auth.bad-credentials.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
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
  // no users configured: Bouncer is a sandbox, any credentials pass
  { name: 'no users: any user name and password', ctx: attempt('anyone@example.com', 'anything', []), fires: false },
  { name: 'no users: an empty password', ctx: attempt('alice@example.com', '', []), fires: false },
  { name: 'no AUTH attempt', ctx: { users: USERS }, fires: false },
  // a normal account
  { name: 'the right password', ctx: attempt('alice@example.com', 'hunter2'), fires: false },
  { name: 'the right password, user name in another case', ctx: attempt('ALICE@example.COM', 'hunter2'), fires: false },
  { name: 'a wrong password', ctx: attempt('alice@example.com', 'nope'), fires: true, mentions: ['alice@example.com', 'password'] },
  { name: 'the password in another case', ctx: attempt('alice@example.com', 'HUNTER2'), fires: true, mentions: ['alice@example.com'] },
  { name: 'an empty password', ctx: attempt('alice@example.com', ''), fires: true, mentions: ['alice@example.com'] },
  { name: 'an unknown user', ctx: attempt('carol@example.com', 'hunter2'), fires: true, mentions: ['"carol@example.com"'] },
  { name: 'a user name without the domain', ctx: attempt('alice', 'hunter2'), fires: true, mentions: ['"alice"'], fixMentions: ['full address'] },
  // a 2-step account
  { name: "a 2-step user's app password is accepted", ctx: attempt('bob@example.com', 'abcdefghijklmnop'), fires: false },
  { name: "a 2-step user's account password (auth.app-password answers first)", ctx: attempt('bob@example.com', 'bob-account-pw'), fires: true, mentions: ['bob@example.com'] },
  { name: 'a 2-step user with a wrong password', ctx: attempt('bob@example.com', 'nope'), fires: true, mentions: ['bob@example.com'] },
];

describe('auth.bad-credentials', () => {
  itBehavesAsTabled(rule, 'auth.bad-credentials', 'auth', cases);
});
