import { describe, expect, it } from 'vitest';
import { classifyHeloName, isNonPublicAddress, type HeloNameKind } from './helo-name.js';

type Kind = HeloNameKind['kind'];

const LONG = [...Array(4).fill('a'.repeat(59)), 'b'.repeat(60)].join('.'); // 300 characters

describe('classifyHeloName', () => {
  it.each<[string, Kind]>([
    // empty
    ['', 'empty'],
    ['   ', 'empty'],
    ['\t', 'empty'],
    // domains
    ['mail.example.com', 'domain'],
    ['mail.example.com.', 'domain'],
    ['  mail.example.com  ', 'domain'],
    ['MAIL.EXAMPLE.COM', 'domain'],
    ['xn--bcher-kva.example', 'domain'],
    ['under_score.example.com', 'domain'],
    ['a-b.c-d.example', 'domain'],
    ['0.example.com', 'domain'],
    [`${'a'.repeat(63)}.example.com`, 'domain'],
    // not fully qualified
    ['localhost', 'non-fqdn'],
    ['LOCALHOST', 'non-fqdn'],
    ['localhost.', 'non-fqdn'],
    ['localhost.localdomain', 'non-fqdn'],
    ['foo.localdomain', 'non-fqdn'],
    ['foo.localhost', 'non-fqdn'],
    ['myserver', 'non-fqdn'],
    ['3f4e5a6b7c8d', 'non-fqdn'],
    ['192.0.2.1', 'non-fqdn'],
    ['192.0.2.1.', 'non-fqdn'],
    ['[127.0.0.1]', 'non-fqdn'],
    ['[10.1.2.3]', 'non-fqdn'],
    ['[172.16.5.4]', 'non-fqdn'],
    ['[172.31.255.255]', 'non-fqdn'],
    ['[192.168.0.1]', 'non-fqdn'],
    ['[169.254.1.1]', 'non-fqdn'],
    ['[100.64.0.1]', 'non-fqdn'],
    ['[0.0.0.0]', 'non-fqdn'],
    ['[IPv6:::1]', 'non-fqdn'],
    ['[ipv6:::1]', 'non-fqdn'],
    ['[IPv6:::]', 'non-fqdn'],
    ['[IPv6:fe80::1]', 'non-fqdn'],
    ['[IPv6:fd00::1]', 'non-fqdn'],
    ['[IPv6:fc00::1]', 'non-fqdn'],
    ['[IPv6:::ffff:127.0.0.1]', 'non-fqdn'],
    ['[IPv6:::ffff:10.0.0.1]', 'non-fqdn'],
    // public address literals
    ['[203.0.113.7]', 'address-literal'],
    ['[172.32.0.1]', 'address-literal'],
    ['[100.128.0.1]', 'address-literal'],
    ['[IPv6:2001:db8::1]', 'address-literal'],
    ['[IPv6:::ffff:203.0.113.7]', 'address-literal'],
    // invalid
    ['bad_host!', 'invalid'],
    ['a b', 'invalid'],
    ['[999.1.1.1]', 'invalid'],
    ['[1.2.3]', 'invalid'],
    ['[IPv6:zz::1]', 'invalid'],
    ['[IPv6:1.2.3.4]', 'invalid'],
    ['[]', 'invalid'],
    ['[203.0.113.7', 'invalid'],
    ['-lead.example.com', 'invalid'],
    ['trail-.example.com', 'invalid'],
    [`${'a'.repeat(64)}.example.com`, 'invalid'],
    [LONG, 'invalid'],
    ['exa..mple.com', 'invalid'],
    ['.example.com', 'invalid'],
    ['.', 'invalid'],
    ['user@example.com', 'invalid'],
  ])('%j is %s', (name, kind) => {
    expect(classifyHeloName(name).kind).toBe(kind);
  });

  it.each([
    ['localhost', 'localhost names the local machine'],
    ['myserver', 'myserver is a single label'],
    ['192.0.2.1', 'literal like [192.0.2.1]'],
    ['[10.1.2.3]', '[10.1.2.3] is a loopback or private address'],
  ])('the reason for %j names it: %j', (name, reason) => {
    const kind = classifyHeloName(name);
    expect(kind.kind).toBe('non-fqdn');
    expect(kind.kind === 'non-fqdn' && kind.reason).toContain(reason);
  });

  it.each([
    ['[203.0.113.7]', '203.0.113.7'],
    ['[IPv6:2001:db8::1]', '2001:db8::1'],
    ['[IPv6:2001:DB8::1]', '2001:DB8::1'],
  ])('%j is the address literal of %s', (name, address) => {
    expect(classifyHeloName(name)).toEqual({ kind: 'address-literal', address });
  });
});

describe('isNonPublicAddress', () => {
  it.each<[string, boolean]>([
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['10.0.0.1', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.0.1', true],
    ['100.64.0.1', true],
    ['100.127.255.255', true],
    ['100.128.0.1', false],
    ['0.0.0.0', true],
    ['203.0.113.7', false],
    ['8.8.8.8', false],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['febf::1', true],
    ['fec0::1', false],
    ['fc00::1', true],
    ['fdff::1', true],
    ['::ffff:127.0.0.1', true],
    ['::FFFF:192.168.0.1', true],
    ['::ffff:203.0.113.7', false],
    ['2001:db8::1', false],
    ['2a00:1450::1', false],
    ['not an ip', false],
    ['', false],
  ])('%s → %s', (ip, expected) => {
    expect(isNonPublicAddress(ip)).toBe(expected);
  });
});
