/**
 * Shared wording for the authentication rules: what SPF and DKIM said, and which records
 * would fix it, computed from the session (the client address, the domains involved).
 */
import net from 'node:net';
import type { MessageAuth } from '../../mail/auth-types.js';
import { domainOf } from '../../mail/authenticate.js';

/** The SPF mechanism that authorises one address (RFC 7208 §5.6): `ip4:203.0.113.7` / `ip6:2001:db8::7`. */
export function ipMechanism(ip: string): string {
  return net.isIPv6(ip) && !/^::ffff:\d/i.test(ip) ? `ip6:${ip}` : `ip4:${ip.replace(/^::ffff:/i, '')}`;
}

/** An SPF record that lets the sending address pass: `v=spf1 ip4:<ip> ~all`. */
export function exampleSpf(ip: string): string {
  return `v=spf1 ${ipMechanism(ip)} ~all`;
}

/** The From domain (single From address), else the SPF domain. */
export function authorDomain(auth: MessageAuth): string {
  return auth.headerFrom.length === 1 ? domainOf(auth.headerFrom[0]!) : auth.spf.domain;
}

/** Where the DKIM key belongs: the first signature's selector and domain, else `s1._domainkey.<From domain>`. */
export function dkimKeyName(auth: MessageAuth): string {
  const sig = auth.dkim[0];
  return sig ? `${sig.selector}._domainkey.${sig.domain}` : `s1._domainkey.${authorDomain(auth)}`;
}

export function describeSpf(auth: MessageAuth): string {
  const { spf } = auth;
  const record = spf.record ? `record "${spf.record}"` : 'no SPF record';
  return `SPF for ${spf.domain} with ip ${spf.ip} is ${spf.result} (${record})`;
}

export function describeDkim(auth: MessageAuth): string {
  if (auth.dkim.length === 0) return 'the message has no DKIM signature';
  return auth.dkim
    .map((d) => `DKIM d=${d.domain} s=${d.selector} is ${d.result}${d.comment ? ` (${d.comment})` : ''}`)
    .join(', ');
}

/** The records that would authenticate this message, as one line. */
export function authFix(auth: MessageAuth): string {
  const spfName = auth.spf.domain;
  const spf = auth.spf.record
    ? `add ${ipMechanism(auth.spf.ip)} to the SPF record of ${spfName} ("${auth.spf.record}")`
    : `publish a TXT record at ${spfName}: "${exampleSpf(auth.spf.ip)}"`;
  return `Either ${spf}, or sign with DKIM and publish the public key as TXT at ${dkimKeyName(auth)} ("v=DKIM1; k=rsa; p=<base64 key>").`;
}
