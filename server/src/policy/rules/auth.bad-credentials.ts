import type { CheckDefinition } from '../types.js';

/**
 * Wrong user name or password (535 5.7.8). With no users configured any credentials pass:
 * Bouncer is a sandbox, and the banner says so.
 */
export const badCredentials: CheckDefinition = {
  id: 'auth.bad-credentials',
  phases: ['auth'],
  summary: 'Unknown user or wrong password (only when users are configured)',
  check(ctx) {
    const attempt = ctx.auth;
    if (!attempt || ctx.users.length === 0) return null;
    const user = ctx.users.find((u) => u.username.toLowerCase() === attempt.username.toLowerCase());
    const expected = user?.appPassword ?? user?.password;
    if (user && attempt.password === expected) return null;
    return {
      why: user ? `The password for ${user.username} is wrong.` : `There is no account "${attempt.username}".`,
      fix: 'Check the SMTP user name (the full address) and password; with 2-step verification use an app password.',
    };
  },
};
