import { verbSet } from './helpers.js';
import type { CheckDefinition } from '../types.js';

/** The verbs this rule applies to unless the profile's `commands` param lists others. */
const DEFAULT_VERBS: readonly string[] = ['MAIL'];

/** Submission (RFC 6409 §4.3) requires an authenticated client before MAIL. */
export const authRequired: CheckDefinition = {
  id: 'command.auth-required',
  phases: ['command'],
  summary: 'MAIL (params.commands) before a successful AUTH',
  check(ctx, params) {
    const verb = ctx.command?.verb ?? '';
    if (ctx.user !== undefined || !verbSet(params, DEFAULT_VERBS).has(verb)) return null;
    return {
      why: `The client sent ${verb} without authenticating; the submission server only relays for signed-in users.`,
      fix: 'Authenticate with AUTH PLAIN or AUTH LOGIN after STARTTLS (nodemailer: auth: {user, pass}).',
      vars: { verb },
    };
  },
};
