import { describe, expect, it } from 'vitest';
import { canonicalName, forwardConfirm, reverseName, sameAddress, StaticDnsWorld, type ForwardConfirmation, type Lookup, type RecordType, type WorldRecords } from './world.js';

const nibbles = (s: string) => s.split('').join('.');

describe('reverseName', () => {
  it.each([
    // IPv4
    ['203.0.113.7', '7.113.0.203.in-addr.arpa'],
    ['127.0.0.1', '1.0.0.127.in-addr.arpa'],
    ['10.0.0.255', '255.0.0.10.in-addr.arpa'],
    // IPv6, full nibble form (RFC 3596 §2.5)
    ['2001:db8::1', `1.${'0.'.repeat(23)}8.b.d.0.1.0.0.2.ip6.arpa`],
    ['2001:DB8::1', `1.${'0.'.repeat(23)}8.b.d.0.1.0.0.2.ip6.arpa`],
    ['2001:db8:0:0:0:0:0:1', `1.${'0.'.repeat(23)}8.b.d.0.1.0.0.2.ip6.arpa`],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', `1.${'0.'.repeat(23)}8.b.d.0.1.0.0.2.ip6.arpa`],
    ['2001:db8:85a3::8a2e:370:7334', '4.3.3.7.0.7.3.0.e.2.a.8.0.0.0.0.0.0.0.0.3.a.5.8.8.b.d.0.1.0.0.2.ip6.arpa'],
    ['::1', `1.${'0.'.repeat(31)}ip6.arpa`],
    ['::', `${'0.'.repeat(32)}ip6.arpa`],
    ['fe80::', `${'0.'.repeat(29)}8.e.f.ip6.arpa`],
    ['1::', `${'0.'.repeat(28)}1.0.0.0.ip6.arpa`],
    // an IPv4 tail inside IPv6 (NAT64)
    ['64:ff9b::192.0.2.33', `1.2.2.0.0.0.0.c.${'0.'.repeat(16)}b.9.f.f.4.6.0.0.ip6.arpa`],
    // IPv4-mapped IPv6 is the IPv4 address
    ['::ffff:192.0.2.1', '1.2.0.192.in-addr.arpa'],
    ['::FFFF:192.0.2.1', '1.2.0.192.in-addr.arpa'],
    ['::ffff:127.0.0.1', '1.0.0.127.in-addr.arpa'],
  ])('%s → %s', (ip, name) => {
    expect(reverseName(ip)).toBe(name);
  });

  it('an IPv6 name has 32 nibbles', () => {
    const name = reverseName('2001:db8::1');
    expect(name.replace(/\.ip6\.arpa$/, '').split('.')).toHaveLength(32);
    expect(name).toBe(`${nibbles('20010db8000000000000000000000001'.split('').reverse().join(''))}.ip6.arpa`);
  });

  it.each(['mail.example.com', 'not an ip', '', '999.1.1.1', '[127.0.0.1]'])('throws for %j', (input) => {
    expect(() => reverseName(input)).toThrow(/not an IP address/);
  });
});

describe('canonicalName', () => {
  it.each([
    ['Mail.Example.COM', 'mail.example.com'],
    ['mail.example.com.', 'mail.example.com'],
    ['  mail.example.com  ', 'mail.example.com'],
    ['MAIL.EXAMPLE.COM.', 'mail.example.com'],
  ])('%j → %j', (input, output) => {
    expect(canonicalName(input)).toBe(output);
  });
});

describe('sameAddress', () => {
  it.each<[string, string, boolean]>([
    ['127.0.0.1', '127.0.0.1', true],
    ['127.0.0.1', '127.0.0.2', false],
    ['::ffff:127.0.0.1', '127.0.0.1', true],
    ['127.0.0.1', '::FFFF:127.0.0.1', true],
    ['2001:db8::1', '2001:DB8:0:0:0:0:0:1', true],
    ['2001:db8::1', '2001:0db8::0001', true],
    ['2001:db8::1', '2001:db8::2', false],
    ['::1', '127.0.0.1', false],
  ])('%s vs %s → %s', (a, b, same) => {
    expect(sameAddress(a, b)).toBe(same);
  });
});

describe('StaticDnsWorld', () => {
  const records: WorldRecords = {
    '203.0.113.7': { PTR: ['Mail.Example.COM.'] },
    '[198.51.100.9]': { PTR: ['bracketed.example'] },
    '2001:db8::25': { PTR: ['mx6.example.net'] },
    '5.100.51.198.in-addr.arpa': { PTR: ['written-out.example'] },
    'Mail.Example.COM.': { A: ['203.0.113.7'], MX: ['10 mail.example.com'], TXT: ['v=spf1 ip4:203.0.113.7 -all'] },
    'mx6.example.net': { AAAA: ['2001:db8::25'], A: [] },
    'broken.example': { A: 'SERVFAIL' },
    '192.0.2.99': { PTR: 'SERVFAIL' },
  };
  const world = new StaticDnsWorld(records);

  it.each<[string, string, RecordType, Lookup]>([
    ['an A record', 'mail.example.com', 'A', { status: 'ok', values: ['203.0.113.7'] }],
    ['names are case-insensitive', 'MAIL.example.com', 'A', { status: 'ok', values: ['203.0.113.7'] }],
    ['a trailing dot is ignored', 'mail.example.com.', 'A', { status: 'ok', values: ['203.0.113.7'] }],
    ['MX values as written', 'mail.example.com', 'MX', { status: 'ok', values: ['10 mail.example.com'] }],
    ['TXT values as written', 'mail.example.com', 'TXT', { status: 'ok', values: ['v=spf1 ip4:203.0.113.7 -all'] }],
    ['a type the name does not have', 'mail.example.com', 'AAAA', { status: 'none' }],
    ['an empty list is no record', 'mx6.example.net', 'A', { status: 'none' }],
    ['an unknown name', 'nowhere.example', 'A', { status: 'none' }],
    ['a SERVFAIL type', 'broken.example', 'A', { status: 'servfail' }],
    ['other types of a SERVFAIL name', 'broken.example', 'MX', { status: 'none' }],
    ['a PTR owner given as an IP, looked up by its reverse name', '7.113.0.203.in-addr.arpa', 'PTR', { status: 'ok', values: ['mail.example.com'] }],
    ['a PTR owner given as a reverse name', '5.100.51.198.in-addr.arpa', 'PTR', { status: 'ok', values: ['written-out.example'] }],
    ['an IP owner is not stored under the IP text', '203.0.113.7', 'PTR', { status: 'none' }],
  ])('lookup: %s', async (_, name, type, expected) => {
    expect(await world.lookup(name, type)).toStrictEqual(expected);
  });

  it.each<[string, Lookup]>([
    ['203.0.113.7', { status: 'ok', values: ['mail.example.com'] }],
    ['::ffff:203.0.113.7', { status: 'ok', values: ['mail.example.com'] }],
    ['198.51.100.9', { status: 'ok', values: ['bracketed.example'] }],
    ['198.51.100.5', { status: 'ok', values: ['written-out.example'] }],
    ['2001:db8::25', { status: 'ok', values: ['mx6.example.net'] }],
    ['2001:DB8:0:0:0:0:0:25', { status: 'ok', values: ['mx6.example.net'] }],
    ['192.0.2.99', { status: 'servfail' }],
    ['192.0.2.1', { status: 'none' }],
    ['2001:db8::26', { status: 'none' }],
  ])('reverse(%s)', async (ip, expected) => {
    expect(await world.reverse(ip)).toStrictEqual(expected);
  });

  it('PTR values are canonical names; other values are kept as written', async () => {
    expect(await world.reverse('203.0.113.7')).toStrictEqual({ status: 'ok', values: ['mail.example.com'] });
    expect(await new StaticDnsWorld({ 'x.example': { TXT: ['Mixed Case.'] } }).lookup('x.example', 'TXT')).toStrictEqual({ status: 'ok', values: ['Mixed Case.'] });
  });

  it('an owner written as an IP and as its reverse name is one owner', async () => {
    const merged = new StaticDnsWorld({ '203.0.113.7': { PTR: ['a.example'] }, '7.113.0.203.in-addr.arpa': { TXT: ['hello'] } });
    expect(await merged.reverse('203.0.113.7')).toStrictEqual({ status: 'ok', values: ['a.example'] });
    expect(await merged.lookup('7.113.0.203.in-addr.arpa', 'TXT')).toStrictEqual({ status: 'ok', values: ['hello'] });
  });

  it('answers copies: a caller cannot change the world', async () => {
    const first = await world.lookup('mail.example.com', 'A');
    if (first.status === 'ok') first.values.push('192.0.2.66');
    expect(await world.lookup('mail.example.com', 'A')).toStrictEqual({ status: 'ok', values: ['203.0.113.7'] });
  });

  it('an empty world answers none', async () => {
    const empty = new StaticDnsWorld();
    expect(await empty.reverse('127.0.0.1')).toStrictEqual({ status: 'none' });
    expect(await empty.lookup('localhost', 'A')).toStrictEqual({ status: 'none' });
  });
});

describe('forwardConfirm', () => {
  const V4 = '127.0.0.1';
  const V6 = '2001:db8::25';
  it.each<[string, WorldRecords, string, ForwardConfirmation]>([
    [
      'PTR name resolves back (the loopback identity)',
      { [V4]: { PTR: ['sender.bouncer.test'] }, 'sender.bouncer.test': { A: [V4] } },
      V4,
      { ptrNames: ['sender.bouncer.test'], confirmedName: 'sender.bouncer.test', temporaryFailure: false },
    ],
    ['no PTR', {}, V4, { ptrNames: [], temporaryFailure: false }],
    ['PTR SERVFAIL', { [V4]: { PTR: 'SERVFAIL' } }, V4, { ptrNames: [], temporaryFailure: true }],
    ['PTR without A', { [V4]: { PTR: ['sender.bouncer.test'] } }, V4, { ptrNames: ['sender.bouncer.test'], temporaryFailure: false }],
    [
      'PTR with A elsewhere',
      { [V4]: { PTR: ['sender.bouncer.test'] }, 'sender.bouncer.test': { A: ['192.0.2.1', '192.0.2.2'] } },
      V4,
      { ptrNames: ['sender.bouncer.test'], temporaryFailure: false },
    ],
    ['A SERVFAIL', { [V4]: { PTR: ['sender.bouncer.test'] }, 'sender.bouncer.test': { A: 'SERVFAIL' } }, V4, { ptrNames: ['sender.bouncer.test'], temporaryFailure: true }],
    [
      'one of several A records matches',
      { [V4]: { PTR: ['sender.bouncer.test'] }, 'sender.bouncer.test': { A: ['192.0.2.1', V4] } },
      V4,
      { ptrNames: ['sender.bouncer.test'], confirmedName: 'sender.bouncer.test', temporaryFailure: false },
    ],
    [
      'the second PTR name confirms after a SERVFAIL on the first',
      { [V4]: { PTR: ['broken.example', 'sender.bouncer.test'] }, 'broken.example': { A: 'SERVFAIL' }, 'sender.bouncer.test': { A: [V4] } },
      V4,
      { ptrNames: ['broken.example', 'sender.bouncer.test'], confirmedName: 'sender.bouncer.test', temporaryFailure: true },
    ],
    [
      'the first PTR name confirms; the second is not looked at',
      { [V4]: { PTR: ['sender.bouncer.test', 'broken.example'] }, 'broken.example': { A: 'SERVFAIL' }, 'sender.bouncer.test': { A: [V4] } },
      V4,
      { ptrNames: ['sender.bouncer.test', 'broken.example'], confirmedName: 'sender.bouncer.test', temporaryFailure: false },
    ],
    [
      'PTR and A names in any case and with trailing dots',
      { [V4]: { PTR: ['Sender.Bouncer.TEST.'] }, 'SENDER.bouncer.test.': { A: [V4] } },
      V4,
      { ptrNames: ['sender.bouncer.test'], confirmedName: 'sender.bouncer.test', temporaryFailure: false },
    ],
    [
      'an IPv4-mapped client uses the IPv4 PTR and A',
      { [V4]: { PTR: ['sender.bouncer.test'] }, 'sender.bouncer.test': { A: [V4] } },
      `::ffff:${V4}`,
      { ptrNames: ['sender.bouncer.test'], confirmedName: 'sender.bouncer.test', temporaryFailure: false },
    ],
    [
      'an IPv4 client is not confirmed by an AAAA',
      { [V4]: { PTR: ['sender.bouncer.test'] }, 'sender.bouncer.test': { AAAA: ['::ffff:127.0.0.1'] } },
      V4,
      { ptrNames: ['sender.bouncer.test'], temporaryFailure: false },
    ],
    [
      'IPv6 client with an AAAA written in another form',
      { [V6]: { PTR: ['mx6.example.net'] }, 'mx6.example.net': { AAAA: ['2001:DB8:0:0:0:0:0:25'] } },
      V6,
      { ptrNames: ['mx6.example.net'], confirmedName: 'mx6.example.net', temporaryFailure: false },
    ],
    ['IPv6 client whose name has only an A record', { [V6]: { PTR: ['mx6.example.net'] }, 'mx6.example.net': { A: [V4] } }, V6, { ptrNames: ['mx6.example.net'], temporaryFailure: false }],
    ['IPv6 client, AAAA SERVFAIL', { [V6]: { PTR: ['mx6.example.net'] }, 'mx6.example.net': { AAAA: 'SERVFAIL' } }, V6, { ptrNames: ['mx6.example.net'], temporaryFailure: true }],
    ['IPv6 client without PTR', {}, V6, { ptrNames: [], temporaryFailure: false }],
  ])('%s', async (_, records, ip, expected) => {
    expect(await forwardConfirm(new StaticDnsWorld(records), ip)).toStrictEqual(expected);
  });

  it('a static world answers an address once: the same frozen answer every time, per world', async () => {
    const records: WorldRecords = { [V4]: { PTR: ['mx.example.net'] }, 'mx.example.net': { A: [V4] } };
    const world = new StaticDnsWorld(records);
    const first = await forwardConfirm(world, V4);
    expect(first).toStrictEqual({ ptrNames: ['mx.example.net'], confirmedName: 'mx.example.net', temporaryFailure: false });
    expect(await forwardConfirm(world, V4)).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.ptrNames)).toBe(true);
    // another world with other records has its own answer
    const other = await forwardConfirm(new StaticDnsWorld({ [V4]: { PTR: ['mx.example.net'] } }), V4);
    expect(other).toStrictEqual({ ptrNames: ['mx.example.net'], temporaryFailure: false });
  });
});
