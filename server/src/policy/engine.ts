/**
 * The policy engine: runs a phase's rules in the profile's order; the first rule that fires
 * decides. Rules are pure checks; the engine adds the reply and the trace entry; the SMTP
 * adapter writes. Order is data, as in Postfix's smtpd_*_restrictions.
 */
import type { Profile } from './profile.js';
import { fill, renderReply, type ReplyVars } from './render.js';
import { CHECKS } from './rules/index.js';
import type { CheckDefinition, Decision, Phase, RuleSpec, SessionContext, Verdict, Warning } from './types.js';

/**
 * Scenarios (testing kit, scenarios/registry.ts) are consulted before the profile's rules: a
 * scenario that replies or drops decides alone; one that only delays or closes after the reply
 * adds its effects to whatever the rules decide.
 */
export interface ScenarioHook {
  fire(phase: Phase, ctx: SessionContext, profile: Profile): Verdict | undefined;
}

/** What the standard placeholders are made of: a session context, or just these fields of one. */
export type ReplyVarsSource = Pick<SessionContext, 'sessionId' | 'hostname' | 'limits' | 'now'> & { client: Pick<SessionContext['client'], 'address'> };

/** The verdict when no rule fires and none warns: one shared object, not one per evaluation. */
const CONTINUE: Verdict = Object.freeze({ kind: 'continue' });

export interface EngineOptions {
  scenarios?: ScenarioHook;
}

export class PolicyEngine {
  /** Runtime switches by rule id; they win over the profile's `enabled`. */
  private readonly overrides = new Map<string, boolean>();

  constructor(
    readonly profile: Profile,
    private readonly checks: ReadonlyMap<string, CheckDefinition> = CHECKS,
    private readonly options: EngineOptions = {},
  ) {}

  /** Standard placeholders every reply may use (from the few context fields they need). */
  static baseVars(ctx: ReplyVarsSource): ReplyVars {
    return {
      sessionId: ctx.sessionId,
      hostname: ctx.hostname,
      clientIp: ctx.client.address,
      unixTime: Math.floor(ctx.now().getTime() / 1000),
      maxMessageSize: ctx.limits.maxMessageSize,
      maxRecipients: ctx.limits.maxRecipients,
    };
  }

  rules(phase: Phase): RuleSpec[] {
    return this.profile.rules[phase];
  }

  /** Turns a rule on or off (whatever the profile says) for evaluations after the call. */
  setEnabled(ruleId: string, enabled: boolean): void {
    this.overrides.set(ruleId, enabled);
  }

  isEnabled(rule: RuleSpec): boolean {
    return this.overrides.get(rule.id) ?? rule.enabled;
  }

  async evaluate(phase: Phase, ctx: SessionContext): Promise<Verdict> {
    const fired = this.options.scenarios?.fire(phase, ctx, this.profile);
    if (fired && fired.kind !== 'continue') return fired;
    const verdict = await this.evaluateRules(phase, ctx);
    return fired?.effects ? { ...verdict, effects: fired.effects } : verdict;
  }

  /** The profile's rules for a phase, in order; the first that fires decides. */
  async evaluateRules(phase: Phase, ctx: SessionContext): Promise<Verdict> {
    let warnings: Warning[] | undefined;
    for (const rule of this.profile.rules[phase]) {
      if (!this.isEnabled(rule)) continue;
      const def = this.checks.get(rule.check);
      if (!def) throw new Error(`profile ${this.profile.name}: rule ${rule.id} names unknown check ${rule.check}`);
      const result = def.check(ctx, rule.params);
      const hit = result instanceof Promise ? await result : result;
      if (!hit) continue;
      const vars = { ...PolicyEngine.baseVars(ctx), ...hit.vars };
      const reply = renderReply(rule.reply, vars);
      if (rule.warning !== undefined) {
        // a warning rule records what Gmail would hold against the sender, and evaluation goes on
        (warnings ??= []).push({
          at: ctx.now().getTime(),
          phase,
          ruleId: rule.id,
          text: fill(rule.warning, vars),
          why: hit.why,
          fix: hit.fix,
          reply: { code: reply.code, enhanced: reply.enhanced, lines: reply.lines },
        });
        continue;
      }
      const decision: Decision = {
        at: ctx.now().getTime(),
        phase,
        ruleId: rule.id,
        verdict: reply.code < 400 ? 'accept' : 'reject',
        reply: { code: reply.code, enhanced: reply.enhanced, lines: reply.lines, close: reply.close },
        why: hit.why,
        fix: hit.fix,
      };
      return warnings ? { kind: 'reject', reply, decision, warnings } : { kind: 'reject', reply, decision };
    }
    return warnings ? { kind: 'continue', warnings } : CONTINUE;
  }
}
