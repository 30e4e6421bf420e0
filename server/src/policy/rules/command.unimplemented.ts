import { verbSet } from './helpers.js';
import type { CheckDefinition } from '../types.js';

/** The verbs this rule applies to unless the profile's `commands` param lists others. */
const NONE: readonly string[] = [];

/** Verbs that SMTP defines but this server does not implement (RFC 5321 §4.2.4: 502). */
export const unimplemented: CheckDefinition = {
  id: 'command.unimplemented',
  phases: ['command'],
  summary: "A real SMTP verb this server does not implement (the profile's unimplementedCommands, plus params.commands)",
  check(ctx, params) {
    const verb = ctx.command?.verb ?? '';
    if (!ctx.command?.unimplemented && !verbSet(params, NONE).has(verb)) return null;
    return {
      why: `${verb} is a real SMTP command, but this server does not implement it.`,
      fix: `Do not use ${verb}; only rely on the extensions the EHLO reply lists.`,
      vars: { verb },
    };
  },
};
