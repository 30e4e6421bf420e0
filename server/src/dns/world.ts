/**
 * The simulated DNS world. Every client here connects from 127.0.0.1 and no machine here
 * reaches real DNS, so rules that need DNS (PTR, forward confirmation, later SPF/DKIM/DMARC)
 * read records declared in the config, like a zone file.
 */
import net from 'node:net';
import { BoundedMemo } from '../util/bounded-memo.js';

export type RecordType = 'A' | 'AAAA' | 'PTR' | 'MX' | 'TXT';

/** What a lookup answered: values, no such name/record, or a declared temporary failure. */
export type Lookup = { status: 'ok'; values: string[] } | { status: 'none' } | { status: 'servfail' };

export interface DnsWorld {
  lookup(name: string, type: RecordType): Promise<Lookup>;
  /** Reverse lookup of an IP address (PTR of its in-addr.arpa / ip6.arpa name). */
  reverse(ip: string): Promise<Lookup>;
  /** Whether the name owns any record (NXDOMAIN vs NODATA); absent: assume it does. */
  exists?(name: string): boolean;
  /** Whether the world says anything about a mail domain; absent (real DNS): always. */
  declares?(domain: string): boolean;
}

/** Records per owner name; a type may be declared as `SERVFAIL` to simulate a broken zone. */
export type WorldRecords = Record<string, Partial<Record<RecordType, string[] | 'SERVFAIL'>>>;

/** `203.0.113.7` → `7.113.0.203.in-addr.arpa`; IPv6 → nibble format under ip6.arpa (RFC 3596 §2.5). */
export function reverseName(ip: string): string {
  const plain = toIPv4IfMapped(ip.replace(/%.*$/, ''));
  if (net.isIPv4(plain)) return `${plain.split('.').reverse().join('.')}.in-addr.arpa`;
  if (net.isIPv6(plain)) return `${expandIPv6(plain).split('').reverse().join('.')}.ip6.arpa`;
  throw new Error(`not an IP address: ${ip}`);
}

/** An IPv4-mapped IPv6 address (RFC 4291 §2.5.5.2) in any spelling → the IPv4 address; others unchanged. */
function toIPv4IfMapped(ip: string): string {
  if (!net.isIPv6(ip)) return ip;
  const full = expandIPv6(ip);
  if (!full.startsWith('00000000000000000000ffff')) return ip;
  const tail = full.slice(24);
  return [0, 2, 4, 6].map((i) => parseInt(tail.slice(i, i + 2), 16)).join('.');
}

/** Full 32-nibble form of an IPv6 address, lower case, no colons. */
function expandIPv6(ip: string): string {
  let [head, tail] = ip.toLowerCase().split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  // an embedded IPv4 tail counts as two groups
  const fix = (groups: string[]) =>
    groups.flatMap((g) => {
      if (!g.includes('.')) return [g];
      const [a, b, c, d] = g.split('.').map(Number) as [number, number, number, number];
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  const hh = fix(h);
  const tt = fix(t);
  const fill = tail === undefined ? [] : Array(8 - hh.length - tt.length).fill('0');
  return [...hh, ...fill, ...tt].map((g) => g.padStart(4, '0')).join('');
}

export function canonicalName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** Normalises addresses for comparison (IPv4-mapped IPv6 to IPv4, IPv6 to full form). */
export function sameAddress(a: string, b: string): boolean {
  const norm = (ip: string) => {
    const v4 = toIPv4IfMapped(ip.replace(/%.*$/, ''));
    return net.isIPv6(v4) ? expandIPv6(v4) : v4;
  };
  return norm(a) === norm(b);
}

/**
 * A DNS world from declared records. Owner names may be written as IP addresses for PTRs
 * (`203.0.113.7: {PTR: [mail.example.com]}`); they are stored under their reverse name.
 */
export class StaticDnsWorld implements DnsWorld {
  private readonly records = new Map<string, Partial<Record<RecordType, string[] | 'SERVFAIL'>>>();

  constructor(records: WorldRecords = {}) {
    for (const [owner, set] of Object.entries(records)) {
      const key = net.isIP(owner.replace(/^\[|\]$/g, '')) ? reverseName(owner.replace(/^\[|\]$/g, '')) : canonicalName(owner);
      const existing = this.records.get(key) ?? {};
      for (const [type, values] of Object.entries(set) as Array<[RecordType, string[] | 'SERVFAIL']>) {
        existing[type] = values === 'SERVFAIL' ? 'SERVFAIL' : values.map((v) => (type === 'PTR' ? canonicalName(v) : v));
      }
      this.records.set(key, existing);
    }
  }

  async lookup(name: string, type: RecordType): Promise<Lookup> {
    const set = this.records.get(canonicalName(name));
    const values = set?.[type];
    if (values === 'SERVFAIL') return { status: 'servfail' };
    if (!values || values.length === 0) return { status: 'none' };
    return { status: 'ok', values: [...values] };
  }

  reverse(ip: string): Promise<Lookup> {
    return this.lookup(reverseName(ip), 'PTR');
  }

  /** True when the name owns a record of any type (a SERVFAIL declaration counts). */
  exists(name: string): boolean {
    const set = this.records.get(canonicalName(name));
    return !!set && Object.values(set).some((v) => v === 'SERVFAIL' || (Array.isArray(v) && v.length > 0));
  }

  /**
   * Whether the world declares the mail-authentication records of a domain: a TXT record
   * (or a TXT SERVFAIL) at the domain, at `_dmarc.<domain>` or `<selector>._domainkey.<domain>`,
   * or at a parent domain of at least two labels or its `_dmarc` name (so that
   * `news.example.com` is judged when `example.com` publishes SPF or DMARC). A/PTR records alone
   * (a PTR host name) declare nothing. Domains the world is silent about are "undeclared"
   * (config `dns.undeclared`).
   */
  declares(domain: string): boolean {
    const d = canonicalName(domain);
    if (!d) return false;
    for (const [owner, set] of this.records) {
      if (set.TXT === undefined) continue;
      if (owner === d || owner === `_dmarc.${d}` || owner.endsWith(`._domainkey.${d}`)) return true;
      const base = owner.replace(/^_dmarc\./, '');
      if (base.includes('.') && d.endsWith(`.${base}`)) return true;
    }
    return false;
  }
}

export interface ForwardConfirmation {
  /** PTR names of the address (empty when there is none). */
  ptrNames: string[];
  /** The PTR name whose A/AAAA records include the address, if any (FCrDNS). */
  confirmedName?: string;
  /** A lookup answered SERVFAIL on the way. */
  temporaryFailure: boolean;
}

/** Addresses whose confirmation a static world remembers (a sandbox sees a handful). */
export const CONFIRMATIONS_KEPT = 10_000;
const confirmations = new WeakMap<StaticDnsWorld, BoundedMemo<ForwardConfirmation>>();

/**
 * Forward-confirmed reverse DNS: the address has a PTR, and one of the PTR names resolves
 * (A or AAAA) back to the address. Gmail's 550 5.7.25 is about exactly this.
 *
 * A StaticDnsWorld never changes once built, so its answer for an address is computed once
 * (two rules ask for every message: message.ptr and message.ptr-tempfail) and shared, frozen.
 */
export function forwardConfirm(dns: DnsWorld, ip: string): Promise<ForwardConfirmation> {
  if (!(dns instanceof StaticDnsWorld)) return lookUpConfirmation(dns, ip);
  let known = confirmations.get(dns);
  if (!known) confirmations.set(dns, (known = new BoundedMemo(CONFIRMATIONS_KEPT)));
  return known.get(ip, () => lookUpConfirmation(dns, ip));
}

async function lookUpConfirmation(dns: DnsWorld, ip: string): Promise<ForwardConfirmation> {
  const ptr = await dns.reverse(ip);
  if (ptr.status === 'servfail') return { ptrNames: [], temporaryFailure: true };
  if (ptr.status === 'none') return { ptrNames: [], temporaryFailure: false };
  let temporaryFailure = false;
  const type: RecordType = net.isIPv6(toIPv4IfMapped(ip.replace(/%.*$/, ''))) ? 'AAAA' : 'A';
  for (const name of ptr.values) {
    const forward = await dns.lookup(name, type);
    if (forward.status === 'servfail') temporaryFailure = true;
    if (forward.status === 'ok' && forward.values.some((v) => sameAddress(v, ip))) {
      return { ptrNames: ptr.values, confirmedName: name, temporaryFailure };
    }
  }
  return { ptrNames: ptr.values, temporaryFailure };
}
