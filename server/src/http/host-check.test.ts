import { describe, expect, it } from 'vitest';
import { hostName, isHostAllowed } from './host-check.js';

describe('isHostAllowed (DNS-rebinding guard)', () => {
  it.each([
    [undefined, [], true],
    ['localhost:8025', [], true],
    ['127.0.0.1:8025', [], true],
    ['127.1.2.3', [], true],
    ['[::1]:8025', [], true],
    ['app.localhost:8025', [], true],
    ['evil.example:8025', [], false],
    ['evil.example', ['bouncer.internal'], false],
    ['bouncer.internal:8025', ['bouncer.internal'], true],
    ['BOUNCER.internal', ['bouncer.internal'], true],
    ['192.168.1.20:8025', ['192.168.1.20'], true],
    ['anything.example', ['*'], true],
    ['localhost.evil.example', [], false],
  ] as const)('%s with %j → %s', (host, allowed, expected) => {
    expect(isHostAllowed(host, allowed)).toBe(expected);
  });

  it.each([
    ['[::1]:8025', '::1'],
    ['Example.COM:80', 'example.com'],
    ['example.com', 'example.com'],
  ])('hostName(%s) = %s', (header, name) => {
    expect(hostName(header)).toBe(name);
  });
});
