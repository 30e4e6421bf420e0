import type { CheckDefinition } from '../types.js';
import { headerValues } from './helpers.js';

/**
 * G26 / sender guidelines (support.google.com/a/answer/81126): a message needs a From header
 * with a valid address (RFC 5322 §3.6.2); else 550 5.7.1.
 */
const ADDRESS = /^(?:"[^"]*"|[^\s@"<>()[\],;:]+)@(?:\[[^\]\s]+\]|(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+[\p{L}\p{N}][\p{L}\p{N}-]*)$/u;

export function validAddress(address: string): boolean {
  return ADDRESS.test(address);
}

export const fromInvalid: CheckDefinition = {
  id: 'message.from-invalid',
  phases: ['message'],
  summary: 'No From header, or no valid address in it',
  check(ctx) {
    const message = ctx.message;
    if (!message || message.parseError) return null;
    const values = headerValues(message.headers, 'from');
    if (values.length === 0) {
      return { why: 'The message has no From header.', fix: 'Add a From header with the sender address, e.g. "From: Alice <alice@example.com>".' };
    }
    const addresses = message.from ?? [];
    const bad = addresses.find((a) => !validAddress(a.address));
    if (addresses.length > 0 && !bad) return null;
    return {
      why: addresses.length === 0 ? `The From header "${values[0]!.slice(0, 200)}" holds no address.` : `The From header holds "${bad!.address || bad!.name}", which is not a valid address.`,
      fix: 'Put one full address in From, e.g. "From: Alice <alice@example.com>" (local part, @, a fully qualified domain).',
    };
  },
};
