/**
 * Scenario parsing and matching, table-driven, through the real engine with the built-in
 * profiles (so `rule:` replies come from the YAML the server runs with).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../events/bus.js';
import { PolicyEngine } from '../policy/engine.js';
import { loadProfiles } from '../policy/profile.js';
import { makeContext } from '../policy/rules/context.fixture.js';
import { CHECKS } from '../policy/rules/index.js';
import type { MailPath, Phase, SessionContext, Verdict } from '../policy/types.js';
import { BUILTIN_PROFILE_DIR } from '../util/paths.js';
import { MAX_SCENARIOS, ScenarioRegistry } from './registry.js';
import { ScenarioError, type ScenarioInput } from './spec.js';

const profiles = loadProfiles([BUILTIN_PROFILE_DIR], new Set(CHECKS.keys()));
const gmailMx = profiles.get('gmail-mx')!;
const permissive = profiles.get('permissive')!;

let now = 1_000;
let bus: EventBus;
let registry: ScenarioRegistry;
let engine: PolicyEngine;

beforeEach(() => {
  now = 1_000;
  bus = new EventBus();
  registry = new ScenarioRegistry({ profiles: () => profiles.values(), bus, now: () => now });
  engine = new PolicyEngine(gmailMx, CHECKS, { scenarios: registry });
});

const path = (address: string): MailPath => ({ address, args: {} });

/** A context at `phase` for session `sid`; `rcpt`/`from` set the command path or the envelope. */
function ctx(phase: Phase, o: { sid?: string; tag?: string; from?: string; rcpt?: string; rcpts?: string[]; listener?: string } = {}): SessionContext {
  const command =
    phase === 'mail' ? { verb: 'MAIL', argument: `FROM:<${o.from ?? ''}>`, known: true, path: path(o.from ?? '') }
    : phase === 'rcpt' ? { verb: 'RCPT', argument: `TO:<${o.rcpt ?? ''}>`, known: true, path: path(o.rcpt ?? '') }
    : undefined;
  return makeContext({
    sessionId: o.sid ?? 's1',
    listener: o.listener ?? 'smtp',
    tag: o.tag,
    command,
    helo: { verb: 'EHLO', name: 'app.example.com' },
    envelope: {
      mailFrom: phase !== 'mail' && o.from !== undefined ? path(o.from) : undefined,
      rcptTo: (o.rcpts ?? []).map(path),
    },
  });
}

const create = (input: ScenarioInput) => registry.create(input);

function problemsOf(input: unknown): string[] {
  try {
    registry.create(input);
  } catch (err) {
    if (err instanceof ScenarioError) return err.problems;
    throw err;
  }
  return [];
}

/** One transaction (MAIL then RCPT) in session `sid`; returns the verdict at `at`. */
async function transaction(sid: string, at: 'mail' | 'rcpt', o: { from?: string; rcpt?: string; tag?: string } = {}): Promise<Verdict> {
  const mail = await engine.evaluate('mail', ctx('mail', { sid, from: o.from ?? 'app@example.org', tag: o.tag }));
  if (at === 'mail') return mail;
  return engine.evaluate('rcpt', ctx('rcpt', { sid, from: o.from ?? 'app@example.org', rcpt: o.rcpt ?? 'user@example.com', tag: o.tag }));
}

describe('parsing', () => {
  it('fills defaults: times 1, phase from the rule, text as lines', () => {
    const s = create({ action: { rule: 'rcpt.no-such-user' } });
    expect(s).toMatchObject({ times: 1, fired: 0, state: 'active', action: { phase: 'rcpt', rule: 'rcpt.no-such-user' }, match: {} });
    expect(s.id).toMatch(/^sc-[0-9a-f]{12}$/);
    const t = create({ action: { phase: 'data', reply: { code: 451, text: 'later' } }, ttlMs: 5000 });
    expect(t).toMatchObject({ times: 'unlimited', ttlMs: 5000, expiresAt: 6000, action: { reply: { code: 451, text: ['later'] } } });
  });

  it.each<[string, unknown, string[]]>([
    ['not an object', 'x', ['Invalid input: expected object, received string']],
    ['no action at all', {}, ['action: Invalid input: expected object, received undefined']],
    ['an empty action', { action: { phase: 'rcpt' } }, ['action: give at least one of reply, rule, delayMs or drop']],
    ['no phase and no rule', { action: { delayMs: 10 } }, ['action.phase: required (connect, helo, starttls, auth, mail, rcpt, data or message) unless action.rule names a profile rule']],
    ['an unknown rule', { action: { rule: 'rcpt.nope' } }, ['action.rule: no profile has a rule "rcpt.nope"']],
    [
      'a reply without code or text',
      { action: { phase: 'rcpt', reply: { close: true } } },
      ['action.reply.code: required unless action.rule gives the reply', 'action.reply.text: required unless action.rule gives the reply'],
    ],
    [
      'no-reply with a reply',
      { action: { phase: 'mail', drop: 'no-reply', reply: { code: 421, text: 'x' } } },
      ['action.drop: "no-reply" closes the connection without answering, so it cannot come with a reply or rule (use reply.close or drop "after-reply")'],
    ],
    [
      'recipient, sender and nth before they are known, and a bad tag and pattern, all at once',
      { match: { rcpt: '*@x', mailFrom: '/(a)\\1/', nth: 2, tag: 'Bad Tag!' }, action: { phase: 'helo', delayMs: 5 } },
      [
        'match.rcpt: recipients are known from the rcpt phase on, but action.phase is helo',
        'match.mailFrom: the sender is known from the mail phase on, but action.phase is helo',
        'match.nth: counts messages (MAIL transactions), so action.phase must be mail, rcpt, data or message, not helo',
        'match.tag: a tag is 1-64 characters: letters, digits, ".", "_" and "-", starting with a letter or digit',
        'match.mailFrom: /(a)\\1/: it cannot be matched in linear time (backreferences, lookarounds and large {n,m} repetitions are not allowed)',
      ],
    ],
    [
      'schema problems and combination problems together',
      { match: { rcpt: '*@x', nth: 'two' }, action: { phase: 'mail', rule: 'rcpt.nope', reply: { code: 200 } } },
      [
        'match.nth: Invalid input: expected number, received string',
        'action.reply.code: scenarios inject failures: the code is 4xx or 5xx',
        'action.rule: no profile has a rule "rcpt.nope"',
        'match.rcpt: recipients are known from the rcpt phase on, but action.phase is mail',
      ],
    ],
    [
      'schema problems are all listed',
      { match: { nth: 0, extra: 1 }, action: { phase: 'later', reply: { code: 250, enhanced: '2.0.0', text: [] } }, times: -1 },
      [
        'match.nth: Too small: expected number to be >=1',
        'match: Unrecognized key: "extra"',
        'action.phase: Invalid option: expected one of "connect"|"helo"|"starttls"|"auth"|"mail"|"rcpt"|"data"|"message"',
        'action.reply.code: scenarios inject failures: the code is 4xx or 5xx',
        'action.reply.enhanced: an enhanced status code looks like 4.7.0 (RFC 3463), class 4 or 5',
        'action.reply.text: Too small: expected array to have >=1 items',
        'times: Too small: expected number to be >=1',
      ],
    ],
  ])('refuses %s, listing every problem', (_what, input, problems) => {
    expect(problemsOf(input)).toEqual(problems);
  });

  it('keeps at most MAX_SCENARIOS, making room by dropping finished ones first', () => {
    const first = create({ action: { phase: 'mail', delayMs: 1 } });
    for (let i = 1; i < MAX_SCENARIOS; i++) create({ action: { phase: 'mail', delayMs: 1 }, match: { listener: 'none' } });
    expect(() => create({ action: { phase: 'mail', delayMs: 1 } })).toThrow(RangeError);
    // first fires (times 1) and is then exhausted: it makes room
    registry.fire('mail', ctx('mail', { from: 'a@b' }), gmailMx);
    expect(registry.get(first.id)!.state).toBe('exhausted');
    const next = create({ action: { phase: 'mail', delayMs: 1 } });
    expect(registry.get(first.id)).toBeUndefined();
    expect(registry.list()).toHaveLength(MAX_SCENARIOS);
    expect(registry.list().at(-1)!.id).toBe(next.id);
  });
});

describe('matching and firing', () => {
  it('a rule id gives that rule’s reply from the profile, with placeholders filled, and a decision with the scenario id', async () => {
    const s = create({ action: { rule: 'rcpt.no-such-user' }, match: { rcpt: '*@example.com' } });
    const v = await engine.evaluate('rcpt', ctx('rcpt', { sid: 'kq5sm1.1', rcpt: 'bob@example.com' }));
    expect(v.kind).toBe('reject');
    if (v.kind !== 'reject') return;
    expect(v.reply).toEqual({
      code: 550,
      enhanced: '5.1.1',
      close: false,
      lines: [
        'The email account that you tried to reach does not exist. Please try',
        "double-checking the recipient's email address for typos or",
        'unnecessary spaces. Learn more at',
        ' https://support.google.com/mail/?p=NoSuchUser kq5sm1.1 - gsmtp',
      ],
    });
    expect(v.decision).toMatchObject({ phase: 'rcpt', ruleId: 'rcpt.no-such-user', verdict: 'reject', scenarioId: s.id, at: 1000 });
    expect(v.decision.why).toBe(`Scenario ${s.id} fired (1 of 1): replied 550 5.1.1 (the reply of rule rcpt.no-such-user).`);
    expect(registry.get(s.id)).toMatchObject({ fired: 1, state: 'exhausted', firings: [{ at: 1000, sessionId: 'kq5sm1.1', phase: 'rcpt' }] });
  });

  it('a rule the listener’s profile lacks is taken from the profile that declares it', () => {
    create({ action: { rule: 'rcpt.no-such-user' } });
    const v = registry.fire('rcpt', ctx('rcpt', { rcpt: 'x@example.com' }), permissive);
    expect(v).toMatchObject({ kind: 'reject', reply: { code: 550, enhanced: '5.1.1' } });
  });

  it('reply fields override the rule’s; a different code drops its enhanced code', () => {
    create({ action: { rule: 'rcpt.no-such-user', reply: { code: 450, close: true } }, times: 'unlimited' });
    const v = registry.fire('rcpt', ctx('rcpt', { rcpt: 'x@example.com' }), gmailMx);
    expect(v).toMatchObject({ kind: 'reject', reply: { code: 450, enhanced: undefined, close: true } });
  });

  it('count expiry: fires exactly `times` times, then the profile decides again', async () => {
    const s = create({ match: { rcpt: '*@example.com' }, action: { phase: 'rcpt', reply: { code: 421, enhanced: '4.7.0', text: 'Try again later', close: true } }, times: 2 });
    const kinds: string[] = [];
    for (const sid of ['a', 'b', 'c']) kinds.push((await transaction(sid, 'rcpt')).kind);
    expect(kinds).toEqual(['reject', 'reject', 'continue']);
    expect(registry.get(s.id)).toMatchObject({ fired: 2, state: 'exhausted' });
    expect(registry.get(s.id)!.firings.map((f) => f.sessionId)).toEqual(['a', 'b']);
  });

  it('time expiry: inactive from expiresAt on', () => {
    const s = create({ action: { phase: 'mail', delayMs: 10 }, ttlMs: 500 });
    expect(registry.fire('mail', ctx('mail', { from: 'a@b' }), gmailMx)).toBeDefined();
    now = 1_499;
    expect(registry.fire('mail', ctx('mail', { from: 'a@b' }), gmailMx)).toBeDefined();
    now = 1_500;
    expect(registry.fire('mail', ctx('mail', { from: 'a@b' }), gmailMx)).toBeUndefined();
    expect(registry.get(s.id)).toMatchObject({ state: 'expired', fired: 2 });
  });

  it.each<[string, ScenarioInput['match'], Parameters<typeof ctx>[1], boolean]>([
    ['rcpt glob, whole address, any case', { rcpt: '*@example.com' }, { rcpt: 'Bob@EXAMPLE.com' }, true],
    ['rcpt glob does not match a longer domain', { rcpt: '*@example.com' }, { rcpt: 'bob@example.com.evil' }, false],
    ['rcpt regex', { rcpt: '/^bob\\+/' }, { rcpt: 'bob+w1@example.com' }, true],
    ['tag', { tag: 'w1' }, { rcpt: 'x@y', tag: 'w1' }, true],
    ['another tag', { tag: 'w1' }, { rcpt: 'x@y', tag: 'w2' }, false],
    ['no tag', { tag: 'w1' }, { rcpt: 'x@y' }, false],
    ['listener', { listener: 'submission' }, { rcpt: 'x@y', listener: 'submission' }, true],
    ['another listener', { listener: 'submission' }, { rcpt: 'x@y' }, false],
    ['sender from the envelope at rcpt', { mailFrom: 'app@*' }, { rcpt: 'x@y', from: 'app@example.org' }, true],
    ['another sender', { mailFrom: 'app@*' }, { rcpt: 'x@y', from: 'bot@example.org' }, false],
    ['tag and rcpt together', { tag: 'w1', rcpt: 'a@*' }, { rcpt: 'b@y', tag: 'w1' }, false],
  ])('at rcpt: %s → fires %s', (_what, match, c, fires) => {
    create({ match, action: { phase: 'rcpt', reply: { code: 450, text: 'no' } } });
    expect(registry.fire('rcpt', ctx('rcpt', c), gmailMx)?.kind ?? 'none').toBe(fires ? 'reject' : 'none');
  });

  it('at data and message, rcpt matches any accepted recipient', () => {
    create({ match: { rcpt: 'b@*' }, action: { phase: 'data', reply: { code: 451, text: 'x' } }, times: 'unlimited' });
    expect(registry.fire('data', ctx('data', { rcpts: ['a@x', 'b@x'] }), gmailMx)?.kind).toBe('reject');
    expect(registry.fire('data', ctx('data', { rcpts: ['a@x'] }), gmailMx)).toBeUndefined();
  });

  it('fires only at its own phase', () => {
    create({ action: { phase: 'data', reply: { code: 451, text: 'x' } } });
    expect(registry.fire('rcpt', ctx('rcpt', { rcpt: 'a@x' }), gmailMx)).toBeUndefined();
    expect(registry.fire('command', ctx('data'), gmailMx)).toBeUndefined();
    expect(registry.fire('data', ctx('data'), gmailMx)?.kind).toBe('reject');
  });

  it('the first active scenario in creation order wins', () => {
    const a = create({ action: { phase: 'mail', reply: { code: 451, text: 'first' } } });
    create({ action: { phase: 'mail', reply: { code: 452, text: 'second' } } });
    expect(registry.fire('mail', ctx('mail', { from: 'x@y' }), gmailMx)).toMatchObject({ reply: { code: 451 } });
    expect(registry.fire('mail', ctx('mail', { from: 'x@y' }), gmailMx)).toMatchObject({ reply: { code: 452 } });
    expect(registry.get(a.id)!.state).toBe('exhausted');
  });

  it('nth: the 3rd message from a sender, across sessions and within one, counted once per transaction', async () => {
    const s = create({ match: { mailFrom: 'app@example.org', nth: 3 }, action: { phase: 'rcpt', reply: { code: 421, enhanced: '4.7.0', text: 'later', close: true } } });
    const out: string[] = [];
    // message 1 (two recipients: still one message), message 2 from another sender (not counted)
    await engine.evaluate('mail', ctx('mail', { sid: 'a', from: 'app@example.org' }));
    out.push((await engine.evaluate('rcpt', ctx('rcpt', { sid: 'a', from: 'app@example.org', rcpt: 'x@y' }))).kind);
    out.push((await engine.evaluate('rcpt', ctx('rcpt', { sid: 'a', from: 'app@example.org', rcpt: 'z@y' }))).kind);
    out.push((await transaction('b', 'rcpt', { from: 'other@example.org' })).kind);
    // message 2 (second transaction of session a), message 3 (session c) fires
    out.push((await transaction('a', 'rcpt')).kind);
    out.push((await transaction('c', 'rcpt')).kind);
    out.push((await transaction('d', 'rcpt')).kind);
    expect(out).toEqual(['continue', 'continue', 'continue', 'continue', 'reject', 'continue']);
    expect(registry.get(s.id)!.firings.map((f) => f.sessionId)).toEqual(['c']);
  });

  it('nth at the mail phase', async () => {
    create({ match: { nth: 2 }, action: { phase: 'mail', reply: { code: 421, enhanced: '4.7.0', text: 'later', close: true } } });
    expect([(await transaction('a', 'mail')).kind, (await transaction('b', 'mail')).kind, (await transaction('c', 'mail')).kind]).toEqual(['continue', 'reject', 'continue']);
  });

  it('per-session counters go when the session closes', async () => {
    create({ match: { nth: 5 }, action: { phase: 'rcpt', delayMs: 1 } });
    await transaction('gone', 'rcpt');
    bus.publish('session.closed', { session: { id: 'gone' } as never });
    // internal state is observable through a fresh transaction being counted anew
    expect((await transaction('gone', 'rcpt')).kind).toBe('continue');
  });

  it('delay only: the profile still decides, the delay and an accepting decision ride along', async () => {
    const s = create({ action: { phase: 'data', delayMs: 2000 } });
    const v = await engine.evaluate('data', ctx('data', { rcpts: ['a@x'] }));
    expect(v.kind).toBe('continue');
    expect(v.effects).toMatchObject({ delayMs: 2000, decisions: [{ ruleId: 'scenario.delay', verdict: 'accept', scenarioId: s.id, phase: 'data' }] });
    expect(v.effects!.decisions![0]!.why).toBe(`Scenario ${s.id} fired (1 of 1): the reply waited 2000 ms.`);
  });

  it('delay with a profile rejection: the rule’s verdict keeps the scenario’s delay', async () => {
    create({ action: { phase: 'helo', delayMs: 300 } });
    const v = await engine.evaluate('helo', makeContext({ helo: { verb: 'EHLO', name: 'localhost' } }));
    expect(v).toMatchObject({ kind: 'reject', decision: { ruleId: 'helo.non-fqdn' }, effects: { delayMs: 300 } });
  });

  it('a replying scenario decides before the profile’s rules; once exhausted the rules decide again', async () => {
    const s = create({ action: { phase: 'helo', reply: { code: 421, enhanced: '4.7.0', text: 'Busy {hostname}', close: true } } });
    const localhost = makeContext({ helo: { verb: 'EHLO', name: 'localhost' } });
    expect(await engine.evaluate('helo', localhost)).toMatchObject({
      kind: 'reject',
      reply: { code: 421, enhanced: '4.7.0', lines: ['Busy mx.google.com'], close: true },
      decision: { ruleId: 'scenario.reply', scenarioId: s.id },
    });
    expect(await engine.evaluate('helo', localhost)).toMatchObject({ kind: 'reject', decision: { ruleId: 'helo.non-fqdn' } });
    expect((await engine.evaluate('helo', localhost)) as { decision: { scenarioId?: string } }).not.toHaveProperty('decision.scenarioId');
  });

  it('drop without a reply, and close after the reply', () => {
    const a = create({ action: { phase: 'mail', drop: 'no-reply' } });
    expect(registry.fire('mail', ctx('mail', { from: 'x@y' }), gmailMx)).toMatchObject({
      kind: 'drop',
      decision: { ruleId: 'scenario.drop', verdict: 'reject', scenarioId: a.id },
    });
    const b = create({ action: { phase: 'mail', drop: 'after-reply' } });
    expect(registry.fire('mail', ctx('mail', { from: 'x@y' }), gmailMx)).toMatchObject({
      kind: 'continue',
      effects: { closeAfterReply: true, decisions: [{ ruleId: 'scenario.drop', verdict: 'accept', scenarioId: b.id }] },
    });
    create({ action: { phase: 'mail', drop: 'after-reply', reply: { code: 451, text: 'x' } } });
    expect(registry.fire('mail', ctx('mail', { from: 'x@y' }), gmailMx)).toMatchObject({ kind: 'reject', reply: { close: true } });
  });

  it('lists, scopes by tag and deletes', () => {
    const a = create({ match: { tag: 'W1' }, action: { phase: 'mail', delayMs: 1 } });
    const b = create({ match: { tag: 'w2' }, action: { phase: 'mail', delayMs: 1 } });
    expect(a.match.tag).toBe('w1');
    expect(registry.list({ tag: 'w1' }).map((s) => s.id)).toEqual([a.id]);
    expect(registry.list().map((s) => s.id)).toEqual([a.id, b.id]);
    expect(registry.deleteAll({ tag: 'w1' })).toBe(1);
    expect(registry.delete(b.id)).toBe(true);
    expect(registry.delete(b.id)).toBe(false);
    expect(registry.list()).toEqual([]);
  });

  it('returned scenarios are copies', () => {
    const s = create({ action: { phase: 'mail', delayMs: 1 } });
    s.fired = 99;
    registry.list()[0]!.match.tag = 'x';
    expect(registry.get(s.id)).toMatchObject({ fired: 0, match: {} });
  });
});
