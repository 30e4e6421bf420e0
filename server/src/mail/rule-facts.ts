/**
 * What the end-of-DATA rules need from a message, as cheaply as possible. The header block is
 * always parsed on the SMTP path (mail/headers.ts); the full mailparser parse runs there only
 * when the message may carry attachments (a multipart or non-text body), because the
 * attachment rules must see them before the reply. Every other message gets its display
 * parse after the reply (store/display-queue.ts).
 */
import { createRequire } from 'node:module';
import type { AddressValue } from '../store/types.js';
import { parseForRules } from './headers.js';
import { parseMessage, type ParsedFields } from './parse.js';

interface ParsedAddress {
  name?: string;
  address?: string;
  group?: ParsedAddress[];
}

// the address parser mailparser itself uses, so From addresses come out the same as its `from`
const requireFromMailparser = createRequire(createRequire(import.meta.url).resolve('mailparser'));
const addressparser = requireFromMailparser('nodemailer/lib/addressparser') as (value: string) => ParsedAddress[];

function flatten(list: ParsedAddress[]): AddressValue[] {
  return list.flatMap((a) => (a.group ? flatten(a.group) : [{ name: a.name ?? '', address: a.address ?? '' }]));
}

/** The addresses of the From header(s), as mailparser's `from.value` gives them. */
export function fromAddresses(headers: ParsedFields['headers']): AddressValue[] {
  return headers.filter((h) => h.name === 'from').flatMap((h) => flatten(addressparser(h.value)));
}

/** A body that mailparser may report attachments for: multipart, or a single non-text part. */
export function mayHaveAttachments(headers: ParsedFields['headers']): boolean {
  const type = headers.find((h) => h.name === 'content-type')?.value.trim().toLowerCase() ?? '';
  const disposition = headers.find((h) => h.name === 'content-disposition')?.value.trim().toLowerCase() ?? '';
  return (type !== '' && !type.startsWith('text/')) || disposition.startsWith('attachment');
}

/** What the rules get; `complete` when it is the full parse, display fields included. */
export type PolicyFacts = ParsedFields & { complete: boolean };

/**
 * Headers always; addresses from them; the full parse only when attachments are possible.
 * A full parse is all the display needs too: such a message is stored complete, with no
 * display parse after the reply (session-recorder.ts).
 */
export async function parseForPolicy(raw: Buffer): Promise<PolicyFacts> {
  const headersOnly = parseForRules(raw);
  if (headersOnly.parseError === undefined && mayHaveAttachments(headersOnly.headers)) return { ...(await parseMessage(raw)), complete: true };
  return { ...headersOnly, from: fromAddresses(headersOnly.headers), complete: false };
}
