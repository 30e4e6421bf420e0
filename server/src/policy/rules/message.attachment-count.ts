import type { CheckDefinition } from '../types.js';
import { numberParam } from './helpers.js';

/** LIM: at most 500 attachments per message; G26: 552 5.3.4 with the count. */
export const attachmentCount: CheckDefinition = {
  id: 'message.attachment-count',
  phases: ['message'],
  summary: 'More attachments than Gmail accepts',
  check(ctx, params) {
    const message = ctx.message;
    if (!message || message.parseError) return null;
    const limit = numberParam(params.max, 500);
    const count = message.attachments?.length ?? 0;
    if (count <= limit) return null;
    return {
      why: `The message has ${count} attachments; Gmail accepts at most ${limit}.`,
      fix: 'Send fewer attachments per message, or put them in one archive or behind a link.',
      vars: { count, limit },
    };
  },
};
