/**
 * Test support (not a test file): the shared shape of a table-driven rule test — the rule is
 * registered under its file name in its phases, and each row fires (with exact vars, a
 * one-line why and fix naming the facts) or does not.
 */
import { describe, expect, it } from 'vitest';
import type { MessageAuth } from '../../mail/auth-types.js';
import type { CheckDefinition, Phase, RuleHit } from '../types.js';
import { makeContext, ONE_LINE, type RuleCase } from './context.fixture.js';
import { CHECKS } from './index.js';

/** The registration check and one test per row (see the file comment). */
function tableTests(rule: CheckDefinition, phases: Phase[], cases: RuleCase[], id?: string): void {
  it(`is registered under its file name, in its phases (${phases.join(', ')})`, () => {
    if (id) expect(rule.id).toBe(id);
    expect(CHECKS.get(rule.id)).toBe(rule);
    expect(rule.phases).toEqual(phases);
  });

  it.each(cases)('$name', async (c) => {
    const hit = await rule.check(makeContext(c.ctx), c.params ?? {});
    if (!c.fires) {
      expect(hit).toBeNull();
      return;
    }
    expect(hit).not.toBeNull();
    const { why, fix, vars } = hit as RuleHit;
    expect(vars).toStrictEqual(c.vars);
    expect(why).toMatch(ONE_LINE);
    expect(fix).toMatch(ONE_LINE);
    for (const m of c.mentions) expect(why).toContain(m);
    for (const m of c.fixMentions ?? []) expect(fix).toContain(m);
  });
}

/** A rule's whole table test in its own describe block. */
export function ruleTable(rule: CheckDefinition, phases: Phase[], cases: RuleCase[]): void {
  describe(rule.id, () => tableTests(rule, phases, cases));
}

/** The same, inside a describe the caller opened; `id` is the rule's file name. */
export function itBehavesAsTabled(rule: CheckDefinition, id: string, phase: Phase, cases: RuleCase[]): void {
  tableTests(rule, [phase], cases, id);
}

type AuthOverrides = Partial<Omit<MessageAuth, 'spf' | 'dkim' | 'dmarc' | 'arc'>> & {
  spf?: Partial<MessageAuth['spf']>;
  dkim?: Array<Partial<MessageAuth['dkim'][number]>>;
  dmarc?: Partial<NonNullable<MessageAuth['dmarc']>> | null;
  arc?: Partial<MessageAuth['arc']>;
};

/**
 * Authentication results as mail/authenticate.ts produces them. The default is a sender that
 * passes everything: SPF pass for example.com from 203.0.113.7, one aligned 2048-bit DKIM
 * pass (s1), DMARC pass with p=none.
 */
export function authResults(o: AuthOverrides = {}): MessageAuth {
  const dkim = (o.dkim ?? [{}]).map((d) => ({ result: 'pass' as const, domain: 'example.com', selector: 's1', algorithm: 'rsa-sha256', aligned: true, keyBits: 2048, declared: true, ...d }));
  return {
    headerFrom: ['alice@example.com'],
    undeclaredPolicy: 'none',
    bulk: false,
    header: 'Authentication-Results: mx.google.com; spf=pass',
    ...o,
    spf: { result: 'pass', domain: 'example.com', identity: 'mailfrom', ip: '203.0.113.7', record: 'v=spf1 ip4:203.0.113.7 -all', allQualifier: '-', declared: true, ...o.spf },
    dkim,
    dmarc: o.dmarc === null ? undefined : { result: 'pass', domain: 'example.com', policy: 'none', record: 'v=DMARC1; p=none', spfAligned: true, dkimAligned: true, declared: true, ...o.dmarc },
    arc: { result: 'none', instance: 0, ...o.arc },
  };
}
