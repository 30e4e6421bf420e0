import type { CheckDefinition } from '../types.js';

/** RFC 1870 §6.3: a message over the limit is refused at end of DATA with 552; the excess was never kept. */
export const messageSize: CheckDefinition = {
  id: 'message.size',
  phases: ['message'],
  summary: 'Message body over limits.maxMessageSize',
  check(ctx) {
    const size = ctx.message?.size ?? 0;
    if (size <= ctx.limits.maxMessageSize) return null;
    return {
      why: `The message is ${size} bytes; the limit is ${ctx.limits.maxMessageSize} bytes (the encoded size counts).`,
      fix: 'Send smaller messages: link large files instead of attaching them (base64 adds about 37%).',
      vars: { size },
    };
  },
};
