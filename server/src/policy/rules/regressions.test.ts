/**
 * Regressions: cases where a rule or helper once disagreed with its own documentation or the
 * RFCs (dots in Gmail local parts, numeric non-addresses, zone ids, IPv4-mapped spellings,
 * multi-line parser errors, runtime rule switches).
 */
import { describe, expect, it } from 'vitest';
import { reverseName } from '../../dns/world.js';
import type { RuleHit } from '../types.js';
import { makeContext } from './context.fixture.js';
import { classifyHeloName } from './helo-name.js';
import { malformed } from './message.malformed.js';
import { noSuchUser } from './rcpt.no-such-user.js';
import { PolicyEngine } from '../engine.js';
import { loadProfiles } from '../profile.js';
import { CHECKS } from './index.js';
import { BUILTIN_PROFILE_DIR } from '../../util/paths.js';

describe('rcpt.no-such-user: "Gmail ignores dots" (its own comment) is not implemented', () => {
  // support.google.com/mail/answer/7436150: dots do not matter in @gmail.com addresses.
  const mailboxes = new Map<string, ReadonlySet<string>>([['gmail.com', new Set(['john.doe', 'janedoe'])]]);
  it.each(['johndoe@gmail.com', 'J.ohn.Doe@gmail.com', 'jane.doe@gmail.com', 'j.a.n.e.d.o.e+tag@gmail.com'])('%s is a declared mailbox', async (address) => {
    const ctx = makeContext({ mailboxes, command: { verb: 'RCPT', argument: `TO:<${address}>`, known: true, path: { address, args: {} } } });
    expect(await noSuchUser.check(ctx, {})).toBeNull();
  });
});

describe('classifyHeloName: all-numeric names that are not IPv4 addresses count as domains', () => {
  // RFC 3696 §2 / RFC 1123 §2.1: a top-level label is never all-numeric; Postfix's valid_hostname()
  // refuses such names ("numeric hostname"). 192.0.2.1 is already non-fqdn; its malformed siblings pass.
  it.each(['256.1.1.1', '1.2.3.4.5', '1.2.3', '999.999.999.999'])('%j is not a domain', (name) => {
    expect(classifyHeloName(name).kind).not.toBe('domain');
  });
});

describe('reverseName: IPv6 zone ids and other spellings of IPv4-mapped addresses', () => {
  it('a zone id (fe80::1%eth0, which net.isIPv6 accepts) does not leak into the ip6.arpa name', () => {
    let name: string | undefined;
    try {
      name = reverseName('fe80::1%eth0');
    } catch {
      return; // refusing it is also correct
    }
    expect(name).toMatch(/^([0-9a-f]\.){32}ip6\.arpa$/);
  });

  it.each(['0:0:0:0:0:ffff:192.0.2.1', '::ffff:c000:201'])('%s is the same address as ::ffff:192.0.2.1 (192.0.2.1)', (ip) => {
    expect(reverseName(ip)).toBe('1.2.0.192.in-addr.arpa');
  });
});

describe('message.malformed: why must stay one line', () => {
  it('a multi-line parser error does not put a newline into why', async () => {
    const ctx = makeContext({ message: { raw: Buffer.alloc(0), size: 10, truncated: false, headers: [], parseError: 'Invalid header\n  at line 3' } });
    const hit = (await malformed.check(ctx, {})) as RuleHit;
    expect(hit.why).not.toMatch(/[\r\n]/);
  });
});

describe('PolicyEngine.setEnabled turns on a rule the profile has off', () => {
  it('helo.require-ehlo (off in gmail-mx) fires after setEnabled(true) and stops after setEnabled(false)', async () => {
    const engine = new PolicyEngine(loadProfiles([BUILTIN_PROFILE_DIR], new Set(CHECKS.keys())).get('gmail-mx')!);
    const ctx = makeContext({ helo: { verb: 'HELO', name: 'mail.example.com' } });
    expect((await engine.evaluate('helo', ctx)).kind).toBe('continue');
    engine.setEnabled('helo.require-ehlo', true);
    const verdict = await engine.evaluate('helo', ctx);
    expect(verdict.kind === 'reject' && verdict.decision.ruleId).toBe('helo.require-ehlo');
    engine.setEnabled('helo.require-ehlo', false);
    expect((await engine.evaluate('helo', ctx)).kind).toBe('continue');
  });
});
