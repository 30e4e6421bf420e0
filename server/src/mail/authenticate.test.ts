/**
 * mail/authenticate.ts with the real mailauth 4.13.3 and real RSA signatures, against
 * DNS worlds declared per test (no mocks: the resolver is the world).
 */
import { authenticate as mailauthAuthenticate } from 'mailauth';
import { beforeAll, describe, expect, it } from 'vitest';
import { dkimKey, plainMessage, signedMessage, type DkimKey } from '../../test/support/dkim.js';
import { mailauthResolver } from '../dns/mailauth-resolver.js';
import { StaticDnsWorld, type WorldRecords } from '../dns/world.js';
import { allQualifier, authenticateMessage, orgAligned, type MessageEnvelope } from './authenticate.js';

let key: DkimKey;
let weak: DkimKey;
let signed: Buffer;
beforeAll(async () => {
  key = dkimKey(2048);
  weak = dkimKey(512);
  signed = await signedMessage({ from: 'Alice <alice@example.com>', to: 'bob@gmail.com', subject: 'hello', text: 'signed body' }, { domain: 'example.com', selector: 's1', key });
});

const env = (o: Partial<MessageEnvelope> = {}): MessageEnvelope => ({ ip: '203.0.113.7', helo: 'mail.example.com', mailFrom: 'alice@example.com', mta: 'mx.google.com', ...o });
const run = (raw: Buffer, records: WorldRecords, e: Partial<MessageEnvelope> = {}, settings: { undeclared?: 'none' | 'fail'; bulk?: string[] } = {}) =>
  authenticateMessage(raw, env(e), { world: new StaticDnsWorld(records), undeclared: settings.undeclared ?? 'none', bulkDomains: settings.bulk ?? [] });

describe('SPF for the MAIL FROM domain against the client address', () => {
  const spf = (record: string | 'SERVFAIL' | string[]) => ({ 'example.com': { TXT: record === 'SERVFAIL' ? ('SERVFAIL' as const) : Array.isArray(record) ? record : [record] } });
  it.each([
    ['pass: the address is listed', 'v=spf1 ip4:203.0.113.7 -all', 'pass', '-'],
    ['pass: a CIDR range', 'v=spf1 ip4:203.0.113.0/24 ~all', 'pass', '~'],
    ['fail: -all', 'v=spf1 ip4:192.0.2.1 -all', 'fail', '-'],
    ['softfail: ~all', 'v=spf1 ip4:192.0.2.1 ~all', 'softfail', '~'],
    ['neutral: ?all', 'v=spf1 ip4:192.0.2.1 ?all', 'neutral', '?'],
    ['permerror: an unknown mechanism', 'v=spf1 ipv4:203.0.113.7 -all', 'permerror', '-'],
    ['permerror: two SPF records', ['v=spf1 -all', 'v=spf1 +all'], 'permerror', undefined],
    ['none: TXT records, none of them SPF', 'google-site-verification=x', 'none', undefined],
    ['temperror: SERVFAIL', 'SERVFAIL', 'temperror', undefined],
  ] as const)('%s', async (_label, record, result, qualifier) => {
    const auth = await run(await plainMessage({ from: 'alice@example.com', to: 'b@gmail.com', text: 'x' }), spf(record as never));
    expect(auth.spf).toMatchObject({ result, domain: 'example.com', identity: 'mailfrom', ip: '203.0.113.7', declared: true });
    // an unsigned message has no DKIM results (mailauth's "message not signed" row is dropped)
    expect(auth.dkim).toEqual([]);
    expect(auth.spf.allQualifier).toBe(qualifier);
  });

  it('an include: is followed in the world', async () => {
    const auth = await run(await plainMessage({ from: 'alice@example.com', text: 'x' }), {
      'example.com': { TXT: ['v=spf1 include:_spf.esp.example -all'] },
      '_spf.esp.example': { TXT: ['v=spf1 ip4:203.0.113.0/28 -all'] },
    });
    expect(auth.spf.result).toBe('pass');
  });

  it('the null sender: SPF for the HELO name (RFC 7208 §2.4)', async () => {
    const auth = await run(await plainMessage({ from: 'mailer-daemon@example.com', text: 'x' }), { 'mail.example.com': { TXT: ['v=spf1 a -all'], A: ['203.0.113.7'] } }, { mailFrom: '' });
    expect(auth.spf).toMatchObject({ result: 'pass', domain: 'mail.example.com', identity: 'helo' });
  });

  it('an undeclared domain: none, declared false', async () => {
    const auth = await run(await plainMessage({ from: 'alice@example.com', text: 'x' }), {});
    expect(auth.spf).toMatchObject({ result: 'none', declared: false });
    expect(auth.dmarc).toMatchObject({ result: 'none', declared: false });
  });
});

describe('DKIM signatures verified with keys from the world', () => {
  it('pass: aligned, key size reported', async () => {
    const auth = await run(signed, { 's1._domainkey.example.com': { TXT: [key.txt] } });
    expect(auth.dkim).toEqual([{ result: 'pass', domain: 'example.com', selector: 's1', algorithm: 'rsa-sha256', aligned: true, keyBits: 2048, declared: true }]);
  });

  it('fail: a signed header changed after signing', async () => {
    const tampered = Buffer.from(signed.toString('utf8').replace('Subject: hello', 'Subject: HELLO'));
    const auth = await run(tampered, { 's1._domainkey.example.com': { TXT: [key.txt] } });
    expect(auth.dkim[0]).toMatchObject({ result: 'fail', comment: 'bad signature' });
  });

  it('neutral: the body changed after signing', async () => {
    const tampered = Buffer.from(signed.toString('utf8').replace('signed body', 'other body'));
    const auth = await run(tampered, { 's1._domainkey.example.com': { TXT: [key.txt] } });
    expect(auth.dkim[0]).toMatchObject({ result: 'neutral', comment: 'body hash did not verify' });
  });

  it('neutral (no key) when the selector is not published; declared when the domain is', async () => {
    const auth = await run(signed, { 'example.com': { TXT: ['v=spf1 -all'] } });
    expect(auth.dkim[0]).toMatchObject({ result: 'neutral', comment: 'no key', declared: true });
  });

  it('another key than the signer’s → fail', async () => {
    const auth = await run(signed, { 's1._domainkey.example.com': { TXT: [dkimKey(1024).txt] } });
    expect(auth.dkim[0]).toMatchObject({ result: 'fail', keyBits: 1024 });
  });

  it('temperror when the key lookup answers SERVFAIL', async () => {
    const auth = await run(signed, { 's1._domainkey.example.com': { TXT: 'SERVFAIL' } });
    expect(auth.dkim[0]).toMatchObject({ result: 'temperror', comment: 'DNS failure: ESERVFAIL' });
  });

  it('a 512-bit key still verifies (the weak-key rule warns)', async () => {
    const raw = await signedMessage({ from: 'alice@example.com', to: 'b@gmail.com', subject: 's', text: 'x' }, { domain: 'example.com', selector: 'old', key: weak });
    const auth = await run(raw, { 'old._domainkey.example.com': { TXT: [weak.txt] } });
    expect(auth.dkim[0]).toMatchObject({ result: 'pass', keyBits: 512 });
  });

  it('a signature by another domain is not aligned with From', async () => {
    const raw = await signedMessage({ from: 'alice@example.com', to: 'b@gmail.com', subject: 's', text: 'x' }, { domain: 'esp.example', selector: 'e1', key });
    const auth = await run(raw, { 'e1._domainkey.esp.example': { TXT: [key.txt] } });
    expect(auth.dkim[0]).toMatchObject({ result: 'pass', domain: 'esp.example', aligned: false });
  });
});

describe('DMARC for the From domain', () => {
  const unsigned = () => plainMessage({ from: 'alice@example.com', to: 'b@gmail.com', text: 'x' });
  it.each([
    ['reject, failing', 'v=DMARC1; p=reject', 'v=spf1 ip4:192.0.2.1 -all', 'fail', 'reject'],
    ['quarantine, failing', 'v=DMARC1; p=quarantine', 'v=spf1 ip4:192.0.2.1 ~all', 'fail', 'quarantine'],
    ['none, failing', 'v=DMARC1; p=none', 'v=spf1 ip4:192.0.2.1 ~all', 'fail', 'none'],
    ['reject, passing through aligned SPF', 'v=DMARC1; p=reject', 'v=spf1 ip4:203.0.113.7 -all', 'pass', 'reject'],
  ])('%s', async (_label, dmarc, spf, result, policy) => {
    const auth = await run(await unsigned(), { 'example.com': { TXT: [spf] }, '_dmarc.example.com': { TXT: [dmarc] } });
    expect(auth.dmarc).toMatchObject({ result, policy, domain: 'example.com', record: dmarc, declared: true });
  });

  it('a subdomain gets the organizational record’s sp=', async () => {
    const raw = await plainMessage({ from: 'news@mail.example.com', to: 'b@gmail.com', text: 'x' });
    const auth = await run(raw, { '_dmarc.example.com': { TXT: ['v=DMARC1; p=none; sp=reject'] } }, { mailFrom: 'news@mail.example.com' });
    expect(auth.dmarc).toMatchObject({ result: 'fail', policy: 'reject', domain: 'mail.example.com', declared: true });
  });

  it('SPF passing for another domain is not aligned; DKIM by the From domain is', async () => {
    const auth = await run(signed, {
      'bounces.esp.example': { TXT: ['v=spf1 ip4:203.0.113.7 -all'] },
      's1._domainkey.example.com': { TXT: [key.txt] },
      '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] },
    }, { mailFrom: 'b@bounces.esp.example' });
    expect(auth.spf.result).toBe('pass');
    expect(auth.dmarc).toMatchObject({ result: 'pass', spfAligned: false, dkimAligned: true });
  });

  it('no DMARC record: none, alignment still computed (for 5.7.32)', async () => {
    const auth = await run(await unsigned(), { 'example.com': { TXT: ['v=spf1 ip4:203.0.113.7 -all'] } });
    expect(auth.dmarc).toMatchObject({ result: 'none', policy: undefined, spfAligned: true, dkimAligned: false });
  });

  it('temperror when _dmarc answers SERVFAIL', async () => {
    const auth = await run(await unsigned(), { '_dmarc.example.com': { TXT: 'SERVFAIL' } });
    expect(auth.dmarc).toMatchObject({ result: 'temperror' });
  });

  it('two From addresses: no DMARC result (RFC 7489 §6.6.1)', async () => {
    const raw = Buffer.from('From: a@example.com, b@example.com\r\nSubject: x\r\n\r\nbody\r\n');
    const auth = await run(raw, {});
    expect(auth.headerFrom).toEqual(['a@example.com', 'b@example.com']);
    expect(auth.dmarc).toBeUndefined();
  });
});

describe('ARC', () => {
  it('none without ARC sets; pass for a chain sealed by a forwarder whose key is in the world', async () => {
    const forwarderKey = dkimKey(2048);
    const world = new StaticDnsWorld({ 's1._domainkey.example.com': { TXT: [key.txt] }, 'arc._domainkey.forwarder.example': { TXT: [forwarderKey.txt] } });
    expect((await authenticateMessage(signed, env(), { world, undeclared: 'none', bulkDomains: [] })).arc).toEqual({ result: 'none', instance: 0, comment: undefined });
    // the forwarder authenticates and seals (RFC 8617 §5.1), then relays with its own address
    const sealed = await mailauthAuthenticate(signed, {
      ip: '203.0.113.7', helo: 'mail.example.com', sender: 'alice@example.com', mta: 'mx.forwarder.example', resolver: mailauthResolver(world) as never, disableBimi: true,
      seal: { signingDomain: 'forwarder.example', selector: 'arc', privateKey: forwarderKey.privateKey },
    });
    const forwarded = Buffer.concat([Buffer.from(sealed.headers), signed]);
    const auth = await authenticateMessage(forwarded, env({ ip: '198.51.100.9', mailFrom: 'srs@forwarder.example' }), { world, undeclared: 'none', bulkDomains: [] });
    expect(auth.arc).toMatchObject({ result: 'pass', instance: 1 });
  });
});

describe('the result as a whole', () => {
  it('an RFC 8601 Authentication-Results header with every method, authserv-id first', async () => {
    const auth = await run(signed, { 'example.com': { TXT: ['v=spf1 ip4:203.0.113.7 -all'] }, 's1._domainkey.example.com': { TXT: [key.txt] }, '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] } });
    expect(auth.header).toMatch(/^Authentication-Results: mx\.google\.com;\r\n /);
    expect(auth.header).toContain('dkim=pass header.i=@example.com header.s=s1');
    expect(auth.header).toContain('spf=pass (mx.google.com: domain of alice@example.com designates 203.0.113.7 as permitted sender) smtp.mailfrom=alice@example.com');
    expect(auth.header).toContain('dmarc=pass (p=REJECT arc=none) header.from=example.com');
    expect(auth.header).not.toMatch(/\r\n$/);
    expect(auth.headerFrom).toEqual(['alice@example.com']);
  });

  it('undeclared policy and bulk senders (domains and their subdomains) are carried', async () => {
    const raw = await plainMessage({ from: 'news@mail.example.com', to: 'b@gmail.com', text: 'x' });
    expect((await run(raw, {}, {}, { undeclared: 'fail', bulk: ['example.com'] }))).toMatchObject({ undeclaredPolicy: 'fail', bulk: true });
    expect((await run(raw, {}, { mailFrom: 'x@other.example' }, { bulk: ['other.example'] })).bulk).toBe(true);
    expect((await run(raw, {}, { mailFrom: 'x@other.example' }, { bulk: ['ample.com'] })).bulk).toBe(false);
  });

  it.each([
    ['v=spf1 ip4:1.2.3.4 -all', '-'],
    ['v=spf1 ~all', '~'],
    ['v=spf1 mx all', '+'],
    ['v=spf1 ip4:1.2.3.4 redirect=_spf.example.com', undefined],
    [undefined, undefined],
  ])('allQualifier(%j) → %j', (record, q) => expect(allQualifier(record)).toBe(q));

  it.each([
    ['example.com', 'example.com', true],
    ['example.com', 'bounces.example.com', true],
    ['mail.example.com', 'news.example.com', true],
    ['example.co.uk', 'other.co.uk', false],
    ['example.com', 'example.net', false],
    ['example.com', '', false],
  ])('orgAligned(%s, %s) → %s', (a, b, ok) => expect(orgAligned(a, b)).toBe(ok));
});
