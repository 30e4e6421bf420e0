import { splitAddress } from './helpers.js';
import type { CheckDefinition } from '../types.js';

/** Consumer Gmail addresses ignore dots in the local part (support.google.com/mail/answer/7436150). */
const DOTLESS_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/** Lower case, without a +tag (subaddress, RFC 5233), without dots where Gmail ignores them. */
function canonicalLocal(local: string, domain: string): string {
  const untagged = (local.toLowerCase().split('+')[0] ?? '');
  return DOTLESS_DOMAINS.has(domain) ? untagged.replace(/\./g, '') : untagged;
}

/**
 * A recipient domain declared with a mailbox list (config `mailboxes:`) knows its users;
 * any other local part does not exist. Undeclared domains accept every mailbox.
 */
export const noSuchUser: CheckDefinition = {
  id: 'rcpt.no-such-user',
  phases: ['rcpt'],
  summary: 'Recipient not in the declared mailbox list of its domain',
  check(ctx) {
    const address = ctx.command?.path?.address;
    if (!address) return null;
    const { local, domain } = splitAddress(address);
    const mailboxes = ctx.mailboxes.get(domain);
    if (!mailboxes) return null;
    const base = canonicalLocal(local, domain);
    if ([...mailboxes].some((m) => canonicalLocal(m, domain) === base)) return null;
    return {
      why: `${address} is not one of the mailboxes declared for ${domain}.`,
      fix: `Check the address for typos; in Bouncer, add "${base}" to mailboxes.${domain} in the config if it should exist.`,
      vars: { address, domain },
    };
  },
};
