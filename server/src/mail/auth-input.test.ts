/**
 * mail/auth-input.ts: mailauth 4.13.3 gives the same answer for the reduced input as for the
 * whole message, on unsigned messages of every shape the reduction must survive; signed and
 * ARC-sealed messages are passed whole. Real mailauth, real DNS world, no mocks.
 */
import { authenticate } from 'mailauth';
import { beforeAll, describe, expect, it } from 'vitest';
import { dkimKey, plainMessage, signedMessage } from '../../test/support/dkim.js';
import { mailauthResolver } from '../dns/mailauth-resolver.js';
import { StaticDnsWorld } from '../dns/world.js';
import { authenticationInput } from './auth-input.js';

const world = new StaticDnsWorld({
  'example.com': { TXT: ['v=spf1 ip4:203.0.113.7 -all'] },
  '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] },
  'other.example': { TXT: ['v=spf1 -all'] },
  '_dmarc.other.example': { TXT: ['v=DMARC1; p=quarantine'] },
});

/** Everything of mailauth's result that Bouncer reads (mail/authenticate.ts), as plain data. */
async function verdict(input: Buffer, sender: string | undefined) {
  const res = await authenticate(input, {
    ip: '203.0.113.7',
    helo: 'mail.example.com',
    sender,
    mta: 'mx.google.com',
    resolver: mailauthResolver(world) as never,
    minBitLength: 512,
    disableBimi: true,
  });
  return JSON.parse(JSON.stringify({ headerFrom: res.dkim.headerFrom, envelopeFrom: res.dkim.envelopeFrom, dkim: res.dkim.results, spf: res.spf, dmarc: res.dmarc, arc: res.arc, headers: res.headers })) as unknown;
}

const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'latin1');

describe('an unsigned message is reduced to its From and Return-Path fields, with the same result', () => {
  const cases: Array<[string, () => Promise<Buffer> | Buffer]> = [
    ['as nodemailer sends it', () => plainMessage({ from: 'Alice <alice@example.com>', to: 'bob@gmail.com', subject: 'hi', text: 'body\r\n'.repeat(50) })],
    ['a From of another domain (DMARC fails)', () => plainMessage({ from: 'x@other.example', to: 'bob@gmail.com', text: 'x' })],
    ['two From fields', () => crlf(['From: a@example.com', 'From: b@other.example', 'Subject: two', '', 'x', ''])],
    ['one From field with two addresses', () => crlf(['From: a@example.com, b@example.com', '', 'x', ''])],
    ['a folded From with an encoded name', () => crlf(['Subject: s', 'From: =?UTF-8?B?w4lsaXNl?=', '\t<elise@example.com>', 'To: b@gmail.com', '', 'x', ''])],
    ['a From group', () => crlf(['From: team: a@example.com, b@example.com;', '', 'x', ''])],
    ['no From at all', () => crlf(['Subject: none', 'To: b@gmail.com', '', 'x', ''])],
    ['a Return-Path (read when there is no MAIL FROM)', () => crlf(['Return-Path: <bounce@other.example>', 'From: a@example.com', '', 'x', ''])],
    ['bare LF line ends', () => Buffer.from('From: a@example.com\nSubject: lf\n\nbody\nmore\n', 'latin1')],
    ['a header block ended by LF then CR LF', () => Buffer.from('From: a@example.com\n\r\nbody\r\n', 'latin1')],
    ['8-bit bytes in a field', () => Buffer.from('From: "J\xf6rg" <j@example.com>\r\nSubject: \xe9t\xe9\r\n\r\nx\r\n', 'latin1')],
    ['a field name with spaces before the colon', () => crlf(['From : a@example.com', '', 'x', ''])],
    ['a line without a colon', () => crlf(['garbage line', 'From: a@example.com', '', 'x', ''])],
    ['DKIM-Signature only mentioned in the body', () => crlf(['From: a@example.com', '', 'DKIM-Signature: v=1; d=example.com', ''])],
    ['an empty body', () => crlf(['From: a@example.com', '', ''])],
  ];

  it.each(cases)('%s', async (_label, make) => {
    const raw = await make();
    const reduced = authenticationInput(raw);
    expect(reduced).not.toBe(raw);
    expect(reduced.length).toBeLessThanOrEqual(raw.length);
    for (const sender of ['alice@example.com', undefined]) {
      expect(await verdict(reduced, sender)).toEqual(await verdict(raw, sender));
    }
  });

  it('keeps nothing but From and Return-Path, each field whole', () => {
    const raw = crlf(['Received: from x', 'From: =?UTF-8?B?w4lsaXNl?=', ' <elise@example.com>', 'Subject: s', 'Return-Path: <r@example.com>', '', 'body', '']);
    expect(authenticationInput(raw).toString('latin1')).toBe('From: =?UTF-8?B?w4lsaXNl?=\r\n <elise@example.com>\r\nReturn-Path: <r@example.com>\r\n\r\n');
  });
});

describe('a message mailauth must see whole is passed as it is', () => {
  let signed: Buffer;
  beforeAll(async () => {
    signed = await signedMessage({ from: 'alice@example.com', to: 'bob@gmail.com', text: 'signed' }, { domain: 'example.com', selector: 's1', key: dkimKey(1024) });
  });

  it('a DKIM-signed message', () => {
    expect(authenticationInput(signed)).toBe(signed);
  });

  it.each([
    ['an ARC-Seal', 'ARC-Seal: i=1; a=rsa-sha256; cv=none; d=example.com; s=s1; b=xyz'],
    ['an ARC-Message-Signature', 'ARC-Message-Signature: i=1; a=rsa-sha256; d=example.com; s=s1; bh=x; b=y'],
    ['an ARC-Authentication-Results', 'ARC-Authentication-Results: i=1; mx.example.com; spf=pass'],
    ['a dkim-signature in lower case', 'dkim-signature: v=1; d=example.com'],
  ])('a message with %s', (_label, field) => {
    const raw = crlf(['From: a@example.com', field, '', 'x', '']);
    expect(authenticationInput(raw)).toBe(raw);
  });

  it.each([
    ['a header block that never ends', crlf(['From: a@example.com', 'Subject: no body'])],
    ['an empty first line', crlf(['', 'From: a@example.com', '', 'x'])],
    ['a first line that is a bare LF', Buffer.from('\nFrom: a@example.com\n\nx')],
    ['an empty message', Buffer.alloc(0)],
  ])('%s', (_label, raw) => {
    expect(authenticationInput(raw)).toBe(raw);
  });
});
