import type { CheckDefinition } from '../types.js';

/** Optional (strict profile): HELO is RFC 821's greeting; a modern sender says EHLO (RFC 5321 §3.2). */
export const requireEhlo: CheckDefinition = {
  id: 'helo.require-ehlo',
  phases: ['helo'],
  summary: 'HELO instead of EHLO',
  check(ctx) {
    if (ctx.helo?.verb !== 'HELO') return null;
    return {
      why: 'The client greeted with HELO, which offers no extensions (no STARTTLS, no SIZE, no 8BITMIME).',
      fix: 'Greet with EHLO; fall back to HELO only if EHLO is refused.',
    };
  },
};
