import type { CheckDefinition } from '../types.js';

/**
 * An account with 2-step verification only takes its app password over SMTP; its normal
 * password gets 534 5.7.9 (nodemailer#1116).
 */
export const appPassword: CheckDefinition = {
  id: 'auth.app-password',
  phases: ['auth'],
  summary: "A 2-step account's normal password",
  check(ctx) {
    const attempt = ctx.auth;
    if (!attempt) return null;
    const user = ctx.users.find((u) => u.username.toLowerCase() === attempt.username.toLowerCase());
    if (!user?.appPassword || attempt.password !== user.password) return null;
    return {
      why: `${user.username} has 2-step verification; its account password is not accepted over SMTP.`,
      fix: 'Create an app password (myaccount.google.com/apppasswords) and use it as the SMTP password, or use OAuth2.',
    };
  },
};
