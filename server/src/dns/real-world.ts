/**
 * A {@link DnsWorld} backed by a real DNS server (node's `dns.promises.Resolver` with
 * `setServers`), for `bouncer doctor --resolver <ip[:port]>`: the same checks, against the
 * records you really published.
 */
import { promises as dns } from 'node:dns';
import net from 'node:net';
import type { DnsWorld, Lookup, RecordType } from './world.js';
import { reverseName } from './world.js';

/** Codes node's resolver uses for "the name or the type is not there" (RFC 2308 NXDOMAIN / NODATA). */
const ABSENT = new Set(['ENOTFOUND', 'ENODATA']);

/** `127.0.0.1:5353`, `[::1]:5353`, `127.0.0.1` → what `Resolver.setServers` accepts. */
export function parseResolverAddress(value: string): string {
  const v = value.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(v);
  if (bracketed) {
    if (!net.isIPv6(bracketed[1]!)) throw new Error(`not an IPv6 address: ${bracketed[1]}`);
    return bracketed[2] ? `[${bracketed[1]}]:${port(bracketed[2])}` : bracketed[1]!;
  }
  if (net.isIP(v)) return v;
  const m = /^([^:]+):(\d+)$/.exec(v);
  if (m && net.isIPv4(m[1]!)) return `${m[1]}:${port(m[2]!)}`;
  throw new Error(`--resolver wants an IP address with an optional port (127.0.0.1:5353, [::1]:53), got "${value}"`);
}

function port(p: string): number {
  const n = Number(p);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`not a port: ${p}`);
  return n;
}

export class RealDnsWorld implements DnsWorld {
  private readonly resolver: dns.Resolver;

  constructor(server: string, opts: { timeoutMs?: number; tries?: number } = {}) {
    this.resolver = new dns.Resolver({ timeout: opts.timeoutMs ?? 2000, tries: opts.tries ?? 2 });
    this.resolver.setServers([parseResolverAddress(server)]);
  }

  async lookup(name: string, type: RecordType): Promise<Lookup> {
    try {
      const values = await this.query(name, type);
      return values.length ? { status: 'ok', values } : { status: 'none' };
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (ABSENT.has(code)) return { status: 'none' };
      // SERVFAIL, REFUSED, timeouts: the answer is unknown, as with a SERVFAIL in the world
      return { status: 'servfail' };
    }
  }

  reverse(ip: string): Promise<Lookup> {
    return this.lookup(reverseName(ip), 'PTR');
  }

  private async query(name: string, type: RecordType): Promise<string[]> {
    switch (type) {
      case 'A':
        return this.resolver.resolve4(name);
      case 'AAAA':
        return this.resolver.resolve6(name);
      case 'PTR':
        return this.resolver.resolvePtr(name);
      case 'MX':
        return (await this.resolver.resolveMx(name)).map((mx) => `${mx.priority} ${mx.exchange}`);
      case 'TXT':
        // RFC 7208 §3.3 / RFC 6376 §3.6.2.2: a record's character-strings are concatenated
        return (await this.resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
    }
  }
}
