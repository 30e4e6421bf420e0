import type { CheckDefinition } from '../types.js';

/**
 * A client that keeps sending unknown verbs is not speaking SMTP; Gmail ends the session
 * ("Too many unrecognized commands, goodbye."). The count is the profile's
 * limits.maxUnrecognizedCommands unless params.max says otherwise.
 */
export const tooManyUnrecognized: CheckDefinition = {
  id: 'command.too-many-unrecognized',
  phases: ['command'],
  summary: 'The Nth unrecognised command of a session',
  check(ctx, params) {
    if (ctx.command?.known !== false || ctx.command.unimplemented) return null;
    const max = typeof params.max === 'number' ? params.max : ctx.limits.maxUnrecognizedCommands;
    if (ctx.unrecognizedCommands < max) return null;
    return {
      why: `The client sent ${ctx.unrecognizedCommands} commands the server does not recognise.`,
      fix: 'Check that the client speaks SMTP to this port (not HTTP, not implicit TLS on a plain port) and sends valid verbs.',
    };
  },
};
