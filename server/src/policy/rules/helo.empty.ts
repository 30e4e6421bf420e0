import { classifyHeloName } from './helo-name.js';
import type { CheckDefinition } from '../types.js';

/** RFC 5321 §4.1.1.1: EHLO/HELO take a domain or address literal; Gmail refuses none at all. */
export const heloEmpty: CheckDefinition = {
  id: 'helo.empty',
  phases: ['helo'],
  summary: 'EHLO/HELO without an argument',
  check(ctx) {
    if (classifyHeloName(ctx.helo?.name ?? '').kind !== 'empty') return null;
    return {
      why: `${ctx.helo?.verb ?? 'EHLO'} was sent without a host name.`,
      fix: 'Send EHLO followed by the fully-qualified name of the sending host (nodemailer: the `name` option).',
    };
  },
};
