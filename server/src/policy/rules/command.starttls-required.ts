import { verbSet } from './helpers.js';
import type { CheckDefinition } from '../types.js';

/** The verbs this rule applies to unless the profile's `commands` param lists others. */
const DEFAULT_VERBS: readonly string[] = ['MAIL', 'AUTH'];

/** Gmail's submission servers refuse MAIL and AUTH on a plaintext channel (gen_smtp#124). */
export const starttlsRequired: CheckDefinition = {
  id: 'command.starttls-required',
  phases: ['command'],
  summary: 'MAIL or AUTH (params.commands) before STARTTLS',
  check(ctx, params) {
    const verb = ctx.command?.verb ?? '';
    if (ctx.tls || !verbSet(params, DEFAULT_VERBS).has(verb)) return null;
    return {
      why: `The client sent ${verb} on a plaintext connection; this port requires TLS first.`,
      fix: 'Issue STARTTLS after EHLO (nodemailer: requireTLS: true, or secure: true on port 465), then EHLO again.',
      vars: { verb },
    };
  },
};
