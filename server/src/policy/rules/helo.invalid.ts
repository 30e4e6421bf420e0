import { classifyHeloName } from './helo-name.js';
import type { CheckDefinition } from '../types.js';

/** RFC 5321 §4.1.1.1: the argument must be a domain or an address literal like [192.0.2.1]. */
export const heloInvalid: CheckDefinition = {
  id: 'helo.invalid',
  phases: ['helo'],
  summary: 'EHLO/HELO argument that is neither a domain nor an address literal',
  check(ctx) {
    const arg = ctx.helo?.name ?? '';
    if (classifyHeloName(arg).kind !== 'invalid') return null;
    return {
      why: `"${arg.slice(0, 100)}" is neither a domain name nor an address literal.`,
      fix: 'Use the host name of the sender (letters, digits, hyphens, dots), or an address literal in brackets like [203.0.113.7].',
      vars: { arg: arg.slice(0, 255) },
    };
  },
};
