import { describe, expect, it } from 'vitest';
import { dnsError, mailauthResolver, txtChunks } from './mailauth-resolver.js';
import { StaticDnsWorld } from './world.js';

const world = new StaticDnsWorld({
  'example.com': { TXT: ['v=spf1 ip4:203.0.113.7 -all', 'google-site-verification=abc'], A: ['203.0.113.7'], MX: ['10 mx1.example.com', 'mx2.example.com.'] },
  's1._domainkey.example.com': { TXT: [`v=DKIM1; k=rsa; p=${'A'.repeat(400)}`] },
  'broken.example': { TXT: 'SERVFAIL', A: ['192.0.2.1'] },
  '203.0.113.7': { PTR: ['mail.example.com'] },
  'v6.example.com': { AAAA: ['2001:db8::7'] },
});
const resolve = mailauthResolver(world);

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return (err as { code: string }).code;
  }
}

describe('mailauthResolver: the DNS world in the shape of node’s dns.promises.resolve', () => {
  it('TXT: one array of character-strings per record', async () => {
    expect(await resolve('example.com', 'TXT')).toEqual([['v=spf1 ip4:203.0.113.7 -all'], ['google-site-verification=abc']]);
  });

  it('a TXT value over 255 octets is split into character-strings (RFC 1035 §3.3.14), which mailauth joins', async () => {
    const [record] = (await resolve('s1._domainkey.example.com', 'TXT')) as string[][];
    expect(record!.length).toBe(2);
    expect(record!.every((c) => c.length <= 255)).toBe(true);
    expect(record!.join('')).toBe(`v=DKIM1; k=rsa; p=${'A'.repeat(400)}`);
  });

  it('A, AAAA, PTR as string lists; MX as {exchange, priority}', async () => {
    expect(await resolve('example.com', 'A')).toEqual(['203.0.113.7']);
    expect(await resolve('v6.example.com', 'AAAA')).toEqual(['2001:db8::7']);
    expect(await resolve('7.113.0.203.in-addr.arpa', 'PTR')).toEqual(['mail.example.com']);
    expect(await resolve('example.com', 'MX')).toEqual([
      { exchange: 'mx1.example.com', priority: 10 },
      { exchange: 'mx2.example.com', priority: 10 },
    ]);
  });

  it.each([
    ['a name with no records at all → ENOTFOUND (NXDOMAIN)', 'nowhere.example', 'TXT', 'ENOTFOUND'],
    ['a name without that type → ENODATA', 'example.com', 'AAAA', 'ENODATA'],
    ['a type the world does not hold, on an existing name → ENODATA', 'example.com', 'CNAME', 'ENODATA'],
    ['a type the world does not hold, on a missing name → ENOTFOUND', 'nowhere.example', 'SRV', 'ENOTFOUND'],
    ['a SERVFAIL declaration → ESERVFAIL (mailauth: temperror)', 'broken.example', 'TXT', 'ESERVFAIL'],
    ['other types of that name still answer', 'broken.example', 'A', 'resolved'],
    ['names are case-insensitive, a trailing dot is ignored', 'EXAMPLE.com.', 'TXT', 'resolved'],
    ['lower-case rrtype', 'example.com', 'txt', 'resolved'],
  ])('%s', async (_label, name, type, code) => {
    expect(await codeOf(resolve(name, type))).toBe(code);
  });

  it('errors look like node’s (code, hostname, syscall)', () => {
    const err = dnsError('ENODATA', 'a.example', 'TXT') as Error & { code: string; hostname: string; syscall: string };
    expect([err.code, err.hostname, err.syscall]).toEqual(['ENODATA', 'a.example', 'queryTXT']);
  });

  it('txtChunks keeps short values whole', () => {
    expect(txtChunks('v=spf1 -all')).toEqual(['v=spf1 -all']);
    expect(txtChunks('x'.repeat(510))).toEqual(['x'.repeat(255), 'x'.repeat(255)]);
  });
});

describe('StaticDnsWorld.declares: which mail domains the world speaks for', () => {
  const w = new StaticDnsWorld({
    'example.com': { TXT: ['v=spf1 -all'] },
    '_dmarc.dmarc-only.example': { TXT: ['v=DMARC1; p=none'] },
    's1._domainkey.signer.example': { TXT: ['v=DKIM1; p=x'] },
    'broken.example': { TXT: 'SERVFAIL' },
    'mail.ptr-only.example': { A: ['192.0.2.1'] },
    '192.0.2.1': { PTR: ['mail.ptr-only.example'] },
  });
  it.each([
    ['example.com', true],
    ['EXAMPLE.com.', true],
    ['news.example.com', true],
    ['dmarc-only.example', true],
    ['sub.dmarc-only.example', true],
    ['signer.example', true],
    ['broken.example', true],
    ['ptr-only.example', false],
    ['mail.ptr-only.example', false],
    ['com', false],
    ['other.example', false],
    ['', false],
  ])('%s → %s', (domain, declared) => expect(w.declares(domain)).toBe(declared));

  it('exists(): any record, SERVFAIL included', () => {
    expect(w.exists('broken.example')).toBe(true);
    expect(w.exists('mail.ptr-only.example')).toBe(true);
    expect(w.exists('nowhere.example')).toBe(false);
  });
});
