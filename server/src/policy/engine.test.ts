import { describe, expect, it } from 'vitest';
import { StaticDnsWorld } from '../dns/world.js';
import { BUILTIN_PROFILE_DIR } from '../util/paths.js';
import { PolicyEngine } from './engine.js';
import { loadProfiles, type Profile } from './profile.js';
import { FIXED_NOW, makeContext, messageFacts } from './rules/context.fixture.js';
import { CHECKS } from './rules/index.js';
import { PHASES, type CheckDefinition, type Phase, type ReplyTemplate, type RuleHit, type RuleSpec, type Verdict } from './types.js';

const profiles = loadProfiles([BUILTIN_PROFILE_DIR], new Set(CHECKS.keys()));
const gmailMx = profiles.get('gmail-mx')!;

/** A profile with gmail-mx's settings and only the given rules. */
function profileWith(rules: Partial<Record<Phase, RuleSpec[]>>): Profile {
  const empty = Object.fromEntries(PHASES.map((p) => [p, [] as RuleSpec[]])) as Record<Phase, RuleSpec[]>;
  return { ...gmailMx, name: 'test', rules: { ...empty, ...rules } };
}

function rule(id: string, reply: Partial<ReplyTemplate> = {}, extra: Partial<RuleSpec> = {}): RuleSpec {
  return {
    id,
    check: id,
    enabled: true,
    description: `test rule ${id}`,
    params: {},
    reply: { code: 550, enhanced: '5.7.1', text: [`${id} says no {sessionId} - gsmtp`], ...reply },
    ...extra,
  };
}

/** Test checks: `test.a`/`test.b`/`test.c` fire, `test.never` does not, `test.async` fires after a tick. */
const hit = (id: string, vars?: RuleHit['vars']): RuleHit => ({ why: `${id} fired`, fix: `stop triggering ${id}`, ...(vars ? { vars } : {}) });
const TEST_CHECKS = new Map<string, CheckDefinition>(
  (
    [
      ['test.a', () => hit('test.a', { name: 'localhost' })],
      ['test.b', () => hit('test.b', { verb: 'MAIL' })],
      ['test.c', () => hit('test.c')],
      ['test.never', () => null],
      ['test.never-async', async () => null],
      ['test.async', async () => hit('test.async', { ip: '192.0.2.1' })],
      ['test.params', (_ctx, params) => (params.fire === true ? hit('test.params', { got: String(params.value) }) : null)],
      ['test.vars', () => hit('test.vars', { arg: 'a{b}c', size: 42, empty: '' })],
    ] as Array<[string, CheckDefinition['check']]>
  ).map(([id, check]) => [id, { id, phases: ['helo'], summary: id, check }]),
);

const engineFor = (rules: Partial<Record<Phase, RuleSpec[]>>) => new PolicyEngine(profileWith(rules), TEST_CHECKS);
const ruleIdOf = (v: Verdict) => (v.kind === 'reject' ? v.decision.ruleId : undefined);

describe('PolicyEngine: order and switches', () => {
  it.each<[string, string[], string | undefined]>([
    ['nothing fires', ['test.never', 'test.never-async'], undefined],
    ['no rules at all', [], undefined],
    ['the only rule that fires', ['test.never', 'test.b'], 'test.b'],
    ['the first of two that fire', ['test.a', 'test.b'], 'test.a'],
    ['the first of two that fire, other order', ['test.b', 'test.a'], 'test.b'],
    ['after rules that do not fire', ['test.never', 'test.never-async', 'test.c', 'test.a'], 'test.c'],
    ['an async check is awaited', ['test.never', 'test.async', 'test.a'], 'test.async'],
  ])('%s → %s', async (_, ids, winner) => {
    const engine = engineFor({ helo: ids.map((id) => rule(id)) });
    const verdict = await engine.evaluate('helo', makeContext());
    expect(ruleIdOf(verdict)).toBe(winner);
    if (!winner) expect(verdict).toStrictEqual({ kind: 'continue' });
  });

  it('evaluates only the asked phase', async () => {
    const engine = engineFor({ helo: [rule('test.a')], mail: [rule('test.b')] });
    expect(ruleIdOf(await engine.evaluate('mail', makeContext()))).toBe('test.b');
    expect(ruleIdOf(await engine.evaluate('helo', makeContext()))).toBe('test.a');
    expect(await engine.evaluate('rcpt', makeContext())).toStrictEqual({ kind: 'continue' });
  });

  it('skips rules the profile disables', async () => {
    const engine = engineFor({ helo: [rule('test.a', {}, { enabled: false }), rule('test.b')] });
    expect(ruleIdOf(await engine.evaluate('helo', makeContext()))).toBe('test.b');
    expect(engine.isEnabled(engine.rules('helo')[0]!)).toBe(false);
    expect(engine.isEnabled(engine.rules('helo')[1]!)).toBe(true);
  });

  it('continues when every rule that would fire is disabled', async () => {
    const engine = engineFor({ helo: [rule('test.a', {}, { enabled: false }), rule('test.never')] });
    expect(await engine.evaluate('helo', makeContext())).toStrictEqual({ kind: 'continue' });
  });

  it('setEnabled(false) then setEnabled(true) at runtime', async () => {
    const engine = engineFor({ helo: [rule('test.a'), rule('test.b')] });
    const ctx = makeContext();
    expect(ruleIdOf(await engine.evaluate('helo', ctx))).toBe('test.a');
    engine.setEnabled('test.a', false);
    expect(ruleIdOf(await engine.evaluate('helo', ctx))).toBe('test.b');
    engine.setEnabled('test.b', false);
    expect(await engine.evaluate('helo', ctx)).toStrictEqual({ kind: 'continue' });
    engine.setEnabled('test.a', true);
    expect(ruleIdOf(await engine.evaluate('helo', ctx))).toBe('test.a');
    engine.setEnabled('test.a', false);
    engine.setEnabled('test.b', true);
    expect(ruleIdOf(await engine.evaluate('helo', ctx))).toBe('test.b');
  });

  it('setEnabled switches by rule id, and only on that engine', async () => {
    const profile = profileWith({ helo: [rule('custom.one', {}, { check: 'test.a' }), rule('test.b')] });
    const one = new PolicyEngine(profile, TEST_CHECKS);
    const other = new PolicyEngine(profile, TEST_CHECKS);
    one.setEnabled('test.a', false); // the check's id, not the rule's: no effect
    expect(ruleIdOf(await one.evaluate('helo', makeContext()))).toBe('custom.one');
    one.setEnabled('custom.one', false);
    expect(ruleIdOf(await one.evaluate('helo', makeContext()))).toBe('test.b');
    expect(ruleIdOf(await other.evaluate('helo', makeContext()))).toBe('custom.one');
    expect(profile.rules.helo[0]!.enabled).toBe(true);
  });

  it('passes the rule params to the check', async () => {
    const engine = engineFor({ helo: [rule('test.params', { text: ['got {got}'] }, { params: { fire: true, value: 7 } })] });
    const verdict = await engine.evaluate('helo', makeContext());
    expect(verdict.kind === 'reject' && verdict.reply.lines).toEqual(['got 7']);
    const quiet = engineFor({ helo: [rule('test.params', {}, { params: { fire: false } })] });
    expect(await quiet.evaluate('helo', makeContext())).toStrictEqual({ kind: 'continue' });
  });

  it('throws when a rule names an unknown check', async () => {
    const engine = engineFor({ helo: [rule('test.never'), rule('custom.x', {}, { check: 'no.such-check' })] });
    await expect(engine.evaluate('helo', makeContext())).rejects.toThrow(/rule custom\.x names unknown check no\.such-check/);
  });

  it('does not look up the checks of disabled rules', async () => {
    const engine = engineFor({ helo: [rule('custom.x', {}, { check: 'no.such-check', enabled: false })] });
    expect(await engine.evaluate('helo', makeContext())).toStrictEqual({ kind: 'continue' });
  });
});

describe('PolicyEngine: the decision and the reply', () => {
  it('carries phase, rule id, verdict, reply, why and fix', async () => {
    const engine = engineFor({
      mail: [rule('test.b', { code: 530, enhanced: '5.7.0', text: ['Must issue a STARTTLS command first, not {verb}. {sessionId} - gsmtp'], close: true })],
    });
    const verdict = await engine.evaluate('mail', makeContext());
    const reply = { code: 530, enhanced: '5.7.0', lines: ['Must issue a STARTTLS command first, not MAIL. ab1sm12345678xyz.1 - gsmtp'], close: true };
    expect(verdict).toStrictEqual({
      kind: 'reject',
      reply,
      decision: { at: Date.parse(FIXED_NOW), phase: 'mail', ruleId: 'test.b', verdict: 'reject', reply, why: 'test.b fired', fix: 'stop triggering test.b' },
    });
  });

  it.each<[number, 'reject' | 'accept']>([
    [550, 'reject'],
    [504, 'reject'],
    [451, 'reject'],
    [421, 'reject'],
    [400, 'reject'],
    [399, 'accept'],
    [354, 'accept'],
    [250, 'accept'],
  ])('code %i → verdict %s', async (code, expected) => {
    const engine = engineFor({ helo: [rule('test.c', { code })] });
    const verdict = await engine.evaluate('helo', makeContext());
    expect(verdict.kind).toBe('reject');
    expect(verdict.kind === 'reject' && verdict.decision.verdict).toBe(expected);
    expect(verdict.kind === 'reject' && verdict.reply.code).toBe(code);
  });

  it('close defaults to false; enhanced may be absent', async () => {
    const engine = engineFor({ helo: [rule('test.c', { code: 502, text: ['No.'], enhanced: undefined })] });
    const verdict = await engine.evaluate('helo', makeContext());
    expect(verdict.kind === 'reject' && verdict.reply).toStrictEqual({ code: 502, enhanced: undefined, lines: ['No.'], close: false });
  });

  it.each<[string, string, string]>([
    ['{sessionId}', 'OK {sessionId} - gsmtp', 'OK ab1sm12345678xyz.1 - gsmtp'],
    ['{hostname}', '{hostname} says no', 'mx.google.com says no'],
    ['{clientIp}', '[{clientIp}] refused', '[127.0.0.1] refused'],
    ['{unixTime}', 'at {unixTime}', `at ${Date.parse(FIXED_NOW) / 1000}`],
    ['{maxMessageSize}', 'limit {maxMessageSize}', 'limit 157286400'],
    ['{maxRecipients}', 'at most {maxRecipients}', 'at most 100'],
    ['a rule var', '<{name}>: Helo command rejected', '<localhost>: Helo command rejected'],
    ['the same placeholder twice', '{name} {name}', 'localhost localhost'],
    ['an unknown placeholder stays as written', 'hello {nope} {challenge}', 'hello {nope} {challenge}'],
    ['another rule’s var stays as written', '{verb} {arg}', '{verb} {arg}'],
    ['not a placeholder', '{ name } {na-me} {} {{name}}', '{ name } {na-me} {} {localhost}'],
  ])('fills %s', async (_, text, line) => {
    const engine = engineFor({ helo: [rule('test.a', { text: [text] })] });
    const verdict = await engine.evaluate('helo', makeContext());
    expect(verdict.kind === 'reject' && verdict.reply.lines).toEqual([line]);
  });

  it('fills every line, with numbers, empty strings and braces inside values', async () => {
    const engine = engineFor({ helo: [rule('test.vars', { text: ['arg={arg}', 'size={size} empty=[{empty}]', ' {sessionId} - gsmtp'] })] });
    const verdict = await engine.evaluate('helo', makeContext({ sessionId: 'zz9xx.42' }));
    expect(verdict.kind === 'reject' && verdict.reply.lines).toEqual(['arg=a{b}c', 'size=42 empty=[]', ' zz9xx.42 - gsmtp']);
  });

  it('uses the judged (XCLIENT) address for {clientIp}', async () => {
    const engine = engineFor({ helo: [rule('test.c', { text: ['[{clientIp}]'] })] });
    const ctx = makeContext({ client: { realAddress: '127.0.0.1', address: '203.0.113.7', claimedAddress: '203.0.113.7' } });
    const verdict = await engine.evaluate('helo', ctx);
    expect(verdict.kind === 'reject' && verdict.reply.lines).toEqual(['[203.0.113.7]']);
  });

  it('does not change the profile’s template', async () => {
    const spec = rule('test.a', { text: ['<{name}> {sessionId}'] });
    await engineFor({ helo: [spec] }).evaluate('helo', makeContext());
    expect(spec.reply.text).toEqual(['<{name}> {sessionId}']);
  });
});

describe('PolicyEngine with the real gmail-mx profile and checks', () => {
  const engine = new PolicyEngine(gmailMx);
  const ehlo = (name: string) => makeContext({ helo: { verb: 'EHLO', name } });

  it.each<[string, Phase, ReturnType<typeof makeContext>, string | undefined]>([
    ['EHLO localhost', 'helo', ehlo('localhost'), 'helo.non-fqdn'],
    ['EHLO with an empty name', 'helo', ehlo(''), 'helo.empty'],
    ['EHLO bad_host!', 'helo', ehlo('bad_host!'), 'helo.invalid'],
    ['EHLO mail.example.com (helo.match-ptr is off in gmail-mx)', 'helo', ehlo('mail.example.com'), undefined],
    ['HELO sender.bouncer.test (helo.require-ehlo is off in gmail-mx)', 'helo', makeContext({ helo: { verb: 'HELO', name: 'sender.bouncer.test' } }), undefined],
    ['MAIL before EHLO', 'command', makeContext({ command: { verb: 'MAIL', argument: 'FROM:<a@example.com>', known: true } }), 'command.helo-first'],
    ['the 9th unknown command', 'command', makeContext({ command: { verb: 'FOO', argument: '', known: false }, unrecognizedCommands: 9 }), 'command.unrecognized'],
    ['the 10th unknown command: too-many comes first', 'command', makeContext({ command: { verb: 'FOO', argument: '', known: false }, unrecognizedCommands: 10 }), 'command.too-many-unrecognized'],
    ['BDAT', 'command', makeContext({ command: { verb: 'BDAT', argument: '10 LAST', known: false, unimplemented: true } }), 'command.unimplemented'],
    ['a well-formed message from the loopback identity', 'message', makeContext({ message: messageFacts() }), undefined],
    ['a message without headers from the loopback identity', 'message', makeContext({ message: { raw: Buffer.alloc(0), size: 100, truncated: false, headers: [] } }), 'message.no-message-id'],
    ['a message from an address without PTR', 'message', makeContext({ message: { raw: Buffer.alloc(0), size: 100, truncated: false, headers: [] }, dns: new StaticDnsWorld({}) }), 'message.ptr'],
    [
      'a message while the PTR zone answers SERVFAIL',
      'message',
      makeContext({ message: { raw: Buffer.alloc(0), size: 100, truncated: false, headers: [] }, dns: new StaticDnsWorld({ '127.0.0.1': { PTR: 'SERVFAIL' } }) }),
      'message.ptr-tempfail',
    ],
    [
      'an over-size message without PTR: size comes first',
      'message',
      makeContext({ message: { raw: Buffer.alloc(0), size: 157286401, truncated: true, headers: [] }, dns: new StaticDnsWorld({}) }),
      'message.size',
    ],
  ])('%s → %s', async (_, phase, ctx, winner) => {
    expect(ruleIdOf(await engine.evaluate(phase, ctx))).toBe(winner);
  });

  it('EHLO localhost gets the Postfix wording and closes', async () => {
    const verdict = await engine.evaluate('helo', ehlo('localhost'));
    expect(verdict.kind === 'reject' && verdict.reply).toStrictEqual({
      code: 504,
      enhanced: '5.5.2',
      lines: ['<localhost>: Helo command rejected: need fully-qualified hostname'],
      close: true,
    });
    expect(verdict.kind === 'reject' && verdict.decision.why).toContain('localhost');
  });

  it('message.ptr fills {ip} and {sessionId} on a multi-line reply', async () => {
    const verdict = await engine.evaluate('message', makeContext({ message: { raw: Buffer.alloc(0), size: 100, truncated: false, headers: [] }, dns: new StaticDnsWorld({}) }));
    expect(verdict.kind).toBe('reject');
    if (verdict.kind !== 'reject') return;
    expect(verdict.reply.code).toBe(550);
    expect(verdict.reply.enhanced).toBe('5.7.25');
    expect(verdict.reply.lines[0]).toBe('[127.0.0.1] The IP address sending this message does not have a PTR record');
    expect(verdict.reply.lines.at(-1)).toBe(' https://support.google.com/mail/answer/81126#ip-practices ab1sm12345678xyz.1 - gsmtp');
    expect(verdict.reply.lines.join('\n')).not.toMatch(/\{[a-zA-Z]+\}/);
  });
});

describe('PolicyEngine: warning rules', () => {
  const warn = (id: string, text: string) => rule(id, { code: 250, enhanced: '2.0.0', text: ['OK {sessionId} - gsmtp'] }, { warning: text });

  it('a warning rule that fires is recorded and evaluation goes on to the next rule', async () => {
    const engine = engineFor({ helo: [warn('test.a', 'Gmail would frown at <{name}>.'), rule('test.b')] });
    const verdict = await engine.evaluate('helo', makeContext());
    expect(verdict.kind).toBe('reject');
    expect(ruleIdOf(verdict)).toBe('test.b');
    expect(verdict.warnings).toStrictEqual([
      {
        at: Date.parse(FIXED_NOW),
        phase: 'helo',
        ruleId: 'test.a',
        text: 'Gmail would frown at <localhost>.',
        why: 'test.a fired',
        fix: 'stop triggering test.a',
        reply: { code: 250, enhanced: '2.0.0', lines: ['OK ab1sm12345678xyz.1 - gsmtp'] },
      },
    ]);
  });

  it('warnings alone leave the verdict continue, in rule order', async () => {
    const engine = engineFor({ helo: [warn('test.c', 'first'), rule('test.never'), warn('test.async', 'second at {ip}')] });
    const verdict = await engine.evaluate('helo', makeContext());
    expect(verdict.kind).toBe('continue');
    expect(verdict.warnings?.map((w) => [w.ruleId, w.text])).toEqual([
      ['test.c', 'first'],
      ['test.async', 'second at 192.0.2.1'],
    ]);
  });

  it('a warning rule that does not fire, or is switched off, leaves no warning', async () => {
    const engine = engineFor({ helo: [warn('test.never', 'x'), warn('test.c', 'y')] });
    engine.setEnabled('test.c', false);
    expect(await engine.evaluate('helo', makeContext())).toStrictEqual({ kind: 'continue' });
  });

  it('rules after a rejection are not evaluated, warnings included', async () => {
    const engine = engineFor({ helo: [rule('test.b'), warn('test.c', 'never seen')] });
    const verdict = await engine.evaluate('helo', makeContext());
    expect(ruleIdOf(verdict)).toBe('test.b');
    expect(verdict.warnings).toBeUndefined();
  });
});
