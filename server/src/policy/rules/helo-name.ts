/**
 * What kind of name a HELO/EHLO argument is (RFC 5321 §4.1.1.1: `Domain / address-literal`).
 * Shared by the helo.* rules so each stays a few lines.
 */
import net from 'node:net';

export type HeloNameKind =
  | { kind: 'empty' }
  | { kind: 'invalid' }
  | { kind: 'non-fqdn'; reason: string }
  | { kind: 'domain' }
  | { kind: 'address-literal'; address: string };

// RFC 5321 §4.1.2 sub-domain = Let-dig [Ldh-str]; underscores appear in real host names, and
// Gmail does not reject them, so they are tolerated.
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;

/** Loopback, private, link-local, CGNAT, unspecified and documentation-free special ranges. */
const NON_PUBLIC = new net.BlockList();
for (const [net4, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  NON_PUBLIC.addSubnet(net4, prefix, 'ipv4');
}
NON_PUBLIC.addAddress('::', 'ipv6');
NON_PUBLIC.addAddress('::1', 'ipv6');
NON_PUBLIC.addSubnet('fc00::', 7, 'ipv6');
NON_PUBLIC.addSubnet('fe80::', 10, 'ipv6');

export function isNonPublicAddress(ip: string): boolean {
  const v4 = ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  const family = net.isIPv4(v4) ? 'ipv4' : net.isIPv6(v4) ? 'ipv6' : undefined;
  return family ? NON_PUBLIC.check(v4, family) : false;
}

function addressLiteral(arg: string): string | undefined {
  const m = /^\[(?:(IPv6:)([0-9a-f:.]+)|(\d{1,3}(?:\.\d{1,3}){3}))\]$/i.exec(arg);
  if (!m) return undefined;
  const address = m[2] ?? m[3] ?? '';
  if (m[1] ? !net.isIPv6(address) : !net.isIPv4(address)) return undefined;
  return address;
}

export function classifyHeloName(raw: string): HeloNameKind {
  const arg = raw.trim();
  if (!arg) return { kind: 'empty' };
  if (arg.startsWith('[')) {
    const address = addressLiteral(arg);
    if (!address) return { kind: 'invalid' };
    if (isNonPublicAddress(address)) return { kind: 'non-fqdn', reason: `${arg} is a loopback or private address, not a name the world can resolve` };
    return { kind: 'address-literal', address };
  }
  const name = arg.replace(/\.$/, '');
  if (name.length > 255 || !name.split('.').every((label) => LABEL.test(label))) return { kind: 'invalid' };
  const lower = name.toLowerCase();
  if (net.isIPv4(name)) return { kind: 'non-fqdn', reason: `${arg} is a bare IP address; an address must be written as a literal like [${name}]` };
  // RFC 3696 §2: a top-level label is never all-numeric, so 1.2.3 or 256.1.1.1 is neither a name nor an address
  if (/^\d+$/.test(name.split('.').at(-1) ?? '')) return { kind: 'invalid' };
  if (lower === 'localhost' || lower.endsWith('.localhost') || lower === 'localhost.localdomain' || lower.endsWith('.localdomain')) {
    return { kind: 'non-fqdn', reason: `${arg} names the local machine, not a host the world can resolve` };
  }
  if (!name.includes('.')) return { kind: 'non-fqdn', reason: `${arg} is a single label (a machine or container name), not a fully-qualified domain name` };
  return { kind: 'domain' };
}
