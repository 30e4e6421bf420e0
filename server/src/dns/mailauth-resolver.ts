/**
 * mailauth's DNS resolver contract, answered from a {@link DnsWorld}.
 *
 * mailauth 4.13.3 calls `resolver(name, rrtype)` and expects what node's
 * `dns.promises.resolve(name, rrtype)` returns (lib/spf/spf-verify.js, lib/tools.js
 * getPublicKey, lib/dmarc/get-dmarc-record.js, lib/arc/index.js):
 *  - TXT: `string[][]`, one array of character-strings per record (callers `join('')` them);
 *  - A, AAAA, PTR: `string[]`; MX: `Array<{exchange, priority}>`;
 *  - no such name: an error with code `ENOTFOUND`; a name without that type: `ENODATA`.
 *    SPF counts both as void lookups, DKIM answers `neutral (no key)`, DMARC finds no record;
 *  - any other code is a temporary error: SPF `temperror` (spf/index.js limitedResolver's
 *    default branch), DKIM `temperror` "DNS failure: <code>" (dkim-verifier.js), DMARC
 *    `temperror` (dmarc/verify.js). A record declared `SERVFAIL` therefore throws `ESERVFAIL`,
 *    the code node's resolver uses for a SERVFAIL answer (RFC 1035 §4.1.1 RCODE 2).
 */
import type { DnsWorld, RecordType } from './world.js';

export type MailauthResolver = (name: string, rrtype: string) => Promise<unknown[]>;

/** A DNS error shaped like node's (`err.code`, `err.hostname`, `err.syscall`). */
export function dnsError(code: 'ENOTFOUND' | 'ENODATA' | 'ESERVFAIL', name: string, rrtype: string): Error & { code: string } {
  const err = new Error(`query${rrtype} ${code} ${name}`) as Error & { code: string; hostname: string; syscall: string };
  err.code = code;
  err.hostname = name;
  err.syscall = `query${rrtype}`;
  return err;
}

/** RFC 1035 §3.3.14: a TXT record is one or more character-strings of at most 255 octets. */
export function txtChunks(value: string): string[] {
  if (value.length <= 255) return [value];
  const chunks: string[] = [];
  for (let i = 0; i < value.length; i += 255) chunks.push(value.slice(i, i + 255));
  return chunks;
}

/** `10 mx.example.com` (zone-file order) or a bare `mx.example.com` (priority 10). */
function mxRecord(value: string): { exchange: string; priority: number } {
  const m = /^\s*(\d+)\s+(\S+)\s*$/.exec(value);
  if (m) return { priority: Number(m[1]), exchange: m[2]!.replace(/\.$/, '') };
  return { priority: 10, exchange: value.trim().replace(/\.$/, '') };
}

const WORLD_TYPES: readonly string[] = ['A', 'AAAA', 'PTR', 'MX', 'TXT'];

export function mailauthResolver(world: DnsWorld): MailauthResolver {
  return async (name, rrtype) => {
    const type = rrtype.toUpperCase();
    if (!WORLD_TYPES.includes(type)) {
      // CNAME, SRV, ...: the world holds none; the name may still exist
      throw dnsError(world.exists?.(name) === false ? 'ENOTFOUND' : 'ENODATA', name, type);
    }
    const answer = await world.lookup(name, type as RecordType);
    if (answer.status === 'servfail') throw dnsError('ESERVFAIL', name, type);
    if (answer.status === 'none') throw dnsError(world.exists?.(name) === false ? 'ENOTFOUND' : 'ENODATA', name, type);
    switch (type) {
      case 'TXT':
        return answer.values.map(txtChunks);
      case 'MX':
        return answer.values.map(mxRecord);
      default:
        return answer.values;
    }
  };
}
