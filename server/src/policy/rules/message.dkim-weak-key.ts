import type { CheckDefinition } from '../types.js';
import { numberParam } from './helpers.js';

/**
 * Warning rule. Google's sender guidelines ask for DKIM keys of at least 1024 bits
 * (support.google.com/a/answer/81126, "use a 1024-bit key or longer"); a shorter key still
 * verifies here, so the message passes with a warning.
 */
export const dkimWeakKey: CheckDefinition = {
  id: 'message.dkim-weak-key',
  phases: ['message'],
  summary: 'DKIM key shorter than 1024 bits',
  check(ctx, params) {
    const minBits = numberParam(params.minBits, 1024);
    const weak = ctx.message?.auth?.dkim.find((d) => d.keyBits !== undefined && d.keyBits < minBits);
    if (!weak) return null;
    const name = `${weak.selector}._domainkey.${weak.domain}`;
    return {
      why: `The DKIM key at ${name} has ${weak.keyBits} bits; Gmail asks for at least ${minBits}.`,
      fix: `Generate a 2048-bit RSA key, publish it at a new selector (e.g. s2._domainkey.${weak.domain}) and sign with it.`,
      vars: { domain: weak.domain, selector: weak.selector, bits: weak.keyBits!, minBits },
    };
  },
};
