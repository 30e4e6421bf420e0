import { splitAddress } from './helpers.js';
import type { CheckDefinition } from '../types.js';

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
    // Gmail ignores dots and +tags in the local part (support.google.com/mail/answer/7436150)
    const base = local.toLowerCase().split('+')[0] ?? '';
    if (!mailboxes || mailboxes.has(base) || mailboxes.has(local.toLowerCase())) return null;
    return {
      why: `${address} is not one of the mailboxes declared for ${domain}.`,
      fix: `Check the address for typos; in Bouncer, add "${base}" to mailboxes.${domain} in the config if it should exist.`,
      vars: { address, domain },
    };
  },
};
