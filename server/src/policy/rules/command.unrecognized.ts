import type { CheckDefinition } from '../types.js';

/** RFC 5321 §4.2.4: an unknown verb gets a 5xx and the session goes on. */
export const unrecognized: CheckDefinition = {
  id: 'command.unrecognized',
  phases: ['command'],
  summary: 'A verb the server does not recognise',
  check(ctx) {
    if (ctx.command?.known !== false || ctx.command.unimplemented) return null;
    const verb = ctx.command.verb;
    return {
      why: `"${verb.slice(0, 40)}" is not an SMTP command this server knows.`,
      fix: 'Check the command spelling; the EHLO reply lists the extensions the server supports.',
      vars: { verb },
    };
  },
};
