/**
 * Scenarios: deterministic, scoped failure injection for tests. "The next 2 sessions whose
 * RCPT matches *@example.com get 421 4.7.0 and the connection closes", "the 3rd message from
 * app@example.org is dropped after MAIL", "delay the DATA reply by 2 s", "fire
 * rcpt.no-such-user for tag w3".
 *
 * The registry is the policy engine's scenario hook (engine.ts): consulted before the profile's
 * rules at every phase, it returns a verdict when a scenario fires (the engine decides, the
 * adapter writes). Matching is synchronous and in creation order, so which connection gets a
 * scenario depends only on the order the phases are reached, never on timing. Every firing
 * becomes a decision carrying the scenario id.
 */
import { randomBytes } from 'node:crypto';
import type { EventBus } from '../events/bus.js';
import { PolicyEngine } from '../policy/engine.js';
import type { Profile } from '../policy/profile.js';
import { renderReply } from '../policy/render.js';
import type { Decision, Phase, Reply, ReplyTemplate, SessionContext, Verdict, VerdictEffects } from '../policy/types.js';
import {
  MAX_FIRINGS_KEPT,
  parseScenario,
  SCENARIO_PHASES,
  type KnownRule,
  type ParsedScenario,
  type Scenario,
  type ScenarioPhase,
} from './spec.js';

/** Scenarios kept at once (active and finished); finished ones make room first. */
export const MAX_SCENARIOS = 1000;

export interface ScenarioRegistryDeps {
  profiles: () => Iterable<Profile>;
  /** Per-session counters are dropped when a session closes. */
  bus?: EventBus;
  now?: () => number;
}

interface Entry {
  scenario: Scenario;
  parsed: ParsedScenario;
  /** Transactions counted for `nth`. */
  counted: number;
  /** Per open session: the transaction last counted and its ordinal. */
  ordinals: Map<string, { tx: number; ordinal: number }>;
}

export class ScenarioRegistry {
  private readonly entries = new Map<string, Entry>();
  /** Per open session: how many MAIL transactions it began (the `mail` phase was reached). */
  private readonly transactions = new Map<string, number>();
  private readonly now: () => number;
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: ScenarioRegistryDeps) {
    this.now = deps.now ?? (() => Date.now());
    this.unsubscribe =
      deps.bus?.subscribe('session.closed', ({ session }) => {
        this.transactions.delete(session.id);
        for (const e of this.entries.values()) e.ordinals.delete(session.id);
      }) ?? (() => undefined);
  }

  /** Validates and adds a scenario; throws a ScenarioError listing every problem. */
  create(input: unknown): Scenario {
    const parsed = parseScenario(input, (id) => this.findRule(id));
    this.makeRoom();
    const createdAt = this.now();
    const scenario: Scenario = {
      id: `sc-${randomBytes(6).toString('hex')}`,
      ...(parsed.name !== undefined ? { name: parsed.name } : {}),
      match: stripUndefined(parsed.match),
      action: stripUndefined(parsed.action),
      times: parsed.times,
      ...(parsed.ttlMs !== undefined ? { ttlMs: parsed.ttlMs, expiresAt: createdAt + parsed.ttlMs } : {}),
      createdAt,
      fired: 0,
      state: 'active',
      firings: [],
    };
    this.entries.set(scenario.id, { scenario, parsed, counted: 0, ordinals: new Map() });
    return structuredClone(scenario);
  }

  /** Oldest first; `tag` keeps the scenarios scoped to that tag. */
  list(filter: { tag?: string } = {}): Scenario[] {
    const out: Scenario[] = [];
    for (const e of this.entries.values()) {
      this.refreshState(e);
      if (filter.tag !== undefined && e.scenario.match.tag !== filter.tag) continue;
      out.push(structuredClone(e.scenario));
    }
    return out;
  }

  get(id: string): Scenario | undefined {
    const e = this.entries.get(id);
    if (!e) return undefined;
    this.refreshState(e);
    return structuredClone(e.scenario);
  }

  delete(id: string): boolean {
    return this.entries.delete(id);
  }

  /** Deletes every scenario, or those scoped to `tag`; returns how many. */
  deleteAll(filter: { tag?: string } = {}): number {
    let n = 0;
    for (const [id, e] of this.entries) {
      if (filter.tag !== undefined && e.scenario.match.tag !== filter.tag) continue;
      this.entries.delete(id);
      n++;
    }
    return n;
  }

  close(): void {
    this.unsubscribe();
    this.entries.clear();
    this.transactions.clear();
  }

  /** The engine's hook: the first active scenario (in creation order) that matches fires. */
  fire(phase: Phase, ctx: SessionContext, profile: Profile): Verdict | undefined {
    if (!(SCENARIO_PHASES as readonly string[]).includes(phase)) return undefined;
    if (phase === 'mail') this.transactions.set(ctx.sessionId, (this.transactions.get(ctx.sessionId) ?? 0) + 1);
    if (this.entries.size === 0) return undefined;
    for (const e of this.entries.values()) {
      if (!this.refreshState(e) || e.scenario.action.phase !== phase) continue;
      if (!matches(e.parsed, phase as ScenarioPhase, ctx)) continue;
      if (e.parsed.match.nth !== undefined && this.ordinal(e, ctx.sessionId) !== e.parsed.match.nth) continue;
      return this.fireEntry(e, phase as ScenarioPhase, ctx, profile);
    }
    return undefined;
  }

  /** The ordinal of the session's current transaction among those this scenario counted. */
  private ordinal(e: Entry, sessionId: string): number {
    const tx = this.transactions.get(sessionId) ?? 0;
    const known = e.ordinals.get(sessionId);
    if (known && known.tx === tx) return known.ordinal;
    const ordinal = ++e.counted;
    e.ordinals.set(sessionId, { tx, ordinal });
    return ordinal;
  }

  private fireEntry(e: Entry, phase: ScenarioPhase, ctx: SessionContext, profile: Profile): Verdict {
    const s = e.scenario;
    const at = this.now();
    s.fired++;
    s.firings.push({ at, sessionId: ctx.sessionId, phase });
    if (s.firings.length > MAX_FIRINGS_KEPT) s.firings.shift();
    this.refreshState(e);

    const { action } = e.parsed;
    const reply = this.reply(e.parsed, ctx, profile);
    const label = `Scenario ${s.id}${s.name ? ` "${s.name}"` : ''} fired (${s.fired} of ${s.times})`;
    const decision: Decision = {
      at,
      phase,
      ruleId: action.rule ?? (reply ? 'scenario.reply' : action.drop ? 'scenario.drop' : 'scenario.delay'),
      verdict: reply || action.drop === 'no-reply' ? 'reject' : 'accept',
      ...(reply ? { reply: { code: reply.code, enhanced: reply.enhanced, lines: reply.lines, close: reply.close } } : {}),
      why: `${label}: ${describe(action, reply)}.`,
      fix: 'Injected by a Bouncer test scenario, not by the profile: the sender should handle it as it would the real reply (retry a 4xx later, give up on a 5xx, reconnect after a dropped connection).',
      scenarioId: s.id,
    };
    const effects: VerdictEffects = {};
    if (action.delayMs) effects.delayMs = action.delayMs;
    if (reply) return { kind: 'reject', reply, decision, effects };
    if (action.drop === 'no-reply') return { kind: 'drop', decision, effects };
    if (action.drop === 'after-reply') effects.closeAfterReply = true;
    return { kind: 'continue', effects: { ...effects, decisions: [decision] } };
  }

  /** The reply a scenario gives: its rule's template (from this profile if it has it), with overrides. */
  private reply(p: ParsedScenario, ctx: SessionContext, profile: Profile): Reply | undefined {
    const { rule, reply, drop } = p.action;
    if (!rule && !reply) return undefined;
    const base: ReplyTemplate | undefined = rule ? (ruleIn(profile, rule)?.reply ?? this.findRule(rule)?.reply) : undefined;
    const template: ReplyTemplate = {
      code: reply?.code ?? base?.code ?? 451,
      enhanced: reply?.enhanced ?? (reply?.code !== undefined && base?.code !== reply.code ? undefined : base?.enhanced),
      text: reply?.text ?? base?.text ?? [`Injected failure (${rule})`],
      close: (reply?.close ?? base?.close ?? false) || drop === 'after-reply',
    };
    const address = ctx.command?.path?.address;
    const vars = {
      ...PolicyEngine.baseVars(ctx),
      address,
      arg: ctx.command?.argument,
      name: ctx.helo?.name,
      ip: ctx.client.address,
      domain: address?.includes('@') ? address.slice(address.lastIndexOf('@') + 1) : undefined,
    };
    return renderReply(template, vars);
  }

  /** A rule by id in any loaded profile (the first that declares it). */
  private findRule(id: string): KnownRule | undefined {
    for (const profile of this.deps.profiles()) {
      const found = ruleIn(profile, id);
      if (found) return found;
    }
    return undefined;
  }

  /** Updates the state for expiry by time; true while active. */
  private refreshState(e: Entry): boolean {
    const s = e.scenario;
    if (s.state === 'active') {
      if (s.times !== 'unlimited' && s.fired >= s.times) s.state = 'exhausted';
      else if (s.expiresAt !== undefined && this.now() >= s.expiresAt) s.state = 'expired';
    }
    return s.state === 'active';
  }

  /** At the cap, the oldest finished scenarios go; if every one is active, creating fails. */
  private makeRoom(): void {
    if (this.entries.size < MAX_SCENARIOS) return;
    for (const [id, e] of this.entries) {
      if (!this.refreshState(e)) {
        this.entries.delete(id);
        return;
      }
    }
    throw new RangeError(`${MAX_SCENARIOS} scenarios are active; delete some first`);
  }
}

function ruleIn(profile: Profile, id: string): KnownRule | undefined {
  for (const [phase, rules] of Object.entries(profile.rules) as Array<[ScenarioPhase | 'command', Profile['rules'][Phase]]>) {
    const rule = rules.find((r) => r.id === id);
    if (rule) return { phase, reply: rule.reply };
  }
  return undefined;
}

function matches(p: ParsedScenario, phase: ScenarioPhase, ctx: SessionContext): boolean {
  const m = p.match;
  if (m.listener !== undefined && ctx.listener !== m.listener) return false;
  if (m.tag !== undefined && ctx.tag !== m.tag) return false;
  if (p.mailFrom) {
    const sender = phase === 'mail' ? ctx.command?.path?.address : ctx.envelope.mailFrom?.address;
    if (sender === undefined || !p.mailFrom.test(sender)) return false;
  }
  if (p.rcpt) {
    const rcpt = p.rcpt;
    if (phase === 'rcpt') {
      const address = ctx.command?.path?.address;
      if (address === undefined || !rcpt.test(address)) return false;
    } else if (!ctx.envelope.rcptTo.some((r) => rcpt.test(r.address))) {
      return false;
    }
  }
  return true;
}

function describe(action: ParsedScenario['action'], reply: Reply | undefined): string {
  const parts: string[] = [];
  if (action.delayMs) parts.push(`the reply waited ${action.delayMs} ms`);
  if (reply) parts.push(`replied ${reply.code}${reply.enhanced ? ` ${reply.enhanced}` : ''}${action.rule ? ` (the reply of rule ${action.rule})` : ''}${reply.close ? ' and closed the connection' : ''}`);
  else if (action.drop === 'no-reply') parts.push('dropped the connection without a reply');
  else if (action.drop === 'after-reply') parts.push('closed the connection after the reply');
  return parts.join(', then ');
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
