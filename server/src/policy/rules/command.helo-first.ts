import { verbSet } from './helpers.js';
import type { CheckDefinition } from '../types.js';

/** The verbs this rule applies to unless the profile's `commands` param lists others. */
const DEFAULT_VERBS: readonly string[] = ['MAIL', 'RCPT', 'DATA', 'AUTH'];

/** RFC 5321 §4.1.4: a session starts with EHLO/HELO; mail commands before it are out of sequence. */
export const heloFirst: CheckDefinition = {
  id: 'command.helo-first',
  phases: ['command'],
  summary: 'Mail commands (MAIL, RCPT, DATA, AUTH by default) before EHLO/HELO',
  check(ctx, params) {
    const verb = ctx.command?.verb ?? '';
    if (ctx.helo || !verbSet(params, DEFAULT_VERBS).has(verb)) return null;
    return {
      why: `The client sent ${verb} before introducing itself with EHLO.`,
      fix: 'Send EHLO <your fully-qualified host name> first (and again after STARTTLS).',
      vars: { verb },
    };
  },
};
