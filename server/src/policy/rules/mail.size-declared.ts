import type { CheckDefinition } from '../types.js';

/** RFC 1870 §6.2: a declared SIZE over the server's limit is refused at MAIL with 552. */
export const sizeDeclared: CheckDefinition = {
  id: 'mail.size-declared',
  phases: ['mail'],
  summary: 'MAIL FROM with SIZE= over the limit',
  check(ctx) {
    const size = ctx.command?.path?.args.SIZE;
    if (typeof size !== 'string' || !/^\d+$/.test(size)) return null;
    const declared = Number(size);
    if (declared <= ctx.limits.maxMessageSize) return null;
    return {
      why: `The client declared a ${declared}-byte message; the limit is ${ctx.limits.maxMessageSize} bytes (the encoded size counts).`,
      fix: 'Send smaller messages: link large files instead of attaching them (base64 adds about 37%).',
      vars: { size: declared },
    };
  },
};
