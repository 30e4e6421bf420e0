/**
 * What a scenario is, as clients send it (`POST /api/v1/scenarios`) and as the server keeps
 * it. Parsing lists every problem at once, like the config: the zod schema's, then the
 * combinations the schema cannot express (a recipient pattern at a phase before RCPT, a rule
 * no profile has, ...).
 */
import { z } from 'zod';
import type { ReplyTemplate } from '../policy/types.js';
import { normalizeTag } from '../smtp/tags.js';
import { compilePattern, PatternError } from '../util/safe-regex.js';

/** Where a scenario can act: the phases with a reply of their own (not `command`). */
export const SCENARIO_PHASES = ['connect', 'helo', 'starttls', 'auth', 'mail', 'rcpt', 'data', 'message'] as const;
export type ScenarioPhase = (typeof SCENARIO_PHASES)[number];

/** Phases where the transaction's sender / recipients are known. */
const SENDER_PHASES: readonly ScenarioPhase[] = ['mail', 'rcpt', 'data', 'message'];
const RECIPIENT_PHASES: readonly ScenarioPhase[] = ['rcpt', 'data', 'message'];

export const MAX_DELAY_MS = 300_000;
export const MAX_TIMES = 1_000_000;

const pattern = z.string().min(1).max(500);

export const scenarioInputSchema = z
  .object({
    /** For people reading lists and transcripts. */
    name: z.string().max(200).optional(),
    match: z
      .object({
        /** Recipient pattern: a glob (`*@example.com`) or `/regex/flags`. */
        rcpt: pattern.optional(),
        /** Sender (MAIL FROM) pattern, same forms. */
        mailFrom: pattern.optional(),
        /** Only sessions/messages carrying this isolation tag. */
        tag: z.string().optional(),
        /** Only connections to this listener. */
        listener: z.string().optional(),
        /** Only the nth transaction (MAIL … DATA) matching the rest, counted from creation. */
        nth: z.number().int().min(1).max(MAX_TIMES).optional(),
      })
      .strict()
      .default({}),
    action: z
      .object({
        /** Defaults to the phase of `rule` in the profile that declares it. */
        phase: z.enum(SCENARIO_PHASES).optional(),
        /** A profile rule id whose reply to give (`rcpt.no-such-user`); `reply` fields override it. */
        rule: z.string().regex(/^[a-z]+\.[a-z0-9-]+$/, 'rule ids look like phase.what').optional(),
        reply: z
          .object({
            code: z.number().int().min(400, 'scenarios inject failures: the code is 4xx or 5xx').max(599).optional(),
            enhanced: z
              .string()
              .regex(/^[45]\.\d{1,3}\.\d{1,3}$/, 'an enhanced status code looks like 4.7.0 (RFC 3463), class 4 or 5')
              .optional(),
            text: z.union([z.string().min(1), z.array(z.string()).min(1)]).optional(),
            close: z.boolean().optional(),
          })
          .strict()
          .optional(),
        /** Wait this long before the phase's reply (whatever it is). */
        delayMs: z.number().int().min(1).max(MAX_DELAY_MS).optional(),
        /** `no-reply`: close instead of answering; `after-reply`: close right after the reply. */
        drop: z.enum(['no-reply', 'after-reply']).optional(),
      })
      .strict(),
    /** How many firings before it expires (default 1, or unlimited when `ttlMs` is given). */
    times: z.union([z.number().int().min(1).max(MAX_TIMES), z.literal('unlimited')]).optional(),
    /** Expires this long after creation. */
    ttlMs: z.number().int().min(1).max(7 * 24 * 3600 * 1000).optional(),
  })
  .strict();

export type ScenarioInput = z.input<typeof scenarioInputSchema>;

export interface ScenarioMatch {
  rcpt?: string;
  mailFrom?: string;
  tag?: string;
  listener?: string;
  nth?: number;
}

export interface ScenarioAction {
  phase: ScenarioPhase;
  rule?: string;
  reply?: { code?: number; enhanced?: string; text?: string[]; close?: boolean };
  delayMs?: number;
  drop?: 'no-reply' | 'after-reply';
}

export type ScenarioState = 'active' | 'exhausted' | 'expired';

export interface ScenarioFiring {
  at: number;
  sessionId: string;
  phase: ScenarioPhase;
}

/** A scenario as the API shows it. */
export interface Scenario {
  id: string;
  name?: string;
  match: ScenarioMatch;
  action: ScenarioAction;
  times: number | 'unlimited';
  ttlMs?: number;
  createdAt: number;
  expiresAt?: number;
  fired: number;
  state: ScenarioState;
  /** The latest firings (at most {@link MAX_FIRINGS_KEPT}), oldest first. */
  firings: ScenarioFiring[];
}

export const MAX_FIRINGS_KEPT = 100;

/** A profile rule a scenario may name: where it is declared and its reply. */
export interface KnownRule {
  phase: ScenarioPhase | 'command';
  reply: ReplyTemplate;
}

export class ScenarioError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'ScenarioError';
  }
}

export interface ParsedScenario {
  name?: string;
  match: ScenarioMatch;
  action: ScenarioAction;
  times: number | 'unlimited';
  ttlMs?: number;
  /** Compiled patterns. */
  rcpt?: RegExp;
  mailFrom?: RegExp;
}

/**
 * Validates a client's scenario; throws a ScenarioError listing every problem.
 * `rules` finds a profile rule by id (in any loaded profile).
 */
export function parseScenario(input: unknown, rules: (id: string) => KnownRule | undefined): ParsedScenario {
  const parsed = scenarioInputSchema.safeParse(input);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const where = issue.path.map(String).join('.');
        return where ? `${where}: ${issue.message}` : issue.message;
      });
  // the combinations are checked on every field that is valid by itself, also when others are
  // not, so that one answer lists every problem
  const checked = checkCombinations(input, rules);
  problems.push(...checked.problems);
  if (!parsed.success || problems.length > 0) throw new ScenarioError(problems);

  const { action, match, ...spec } = parsed.data;
  const reply = action.reply
    ? {
        ...action.reply,
        text: action.reply.text === undefined ? undefined : Array.isArray(action.reply.text) ? action.reply.text : [action.reply.text],
      }
    : undefined;
  return {
    name: spec.name,
    match: { ...match, tag: checked.tag },
    action: {
      phase: checked.phase!,
      rule: action.rule,
      reply: reply && stripUndefined(reply),
      delayMs: action.delayMs,
      drop: action.drop,
    },
    times: spec.times ?? (spec.ttlMs !== undefined ? 'unlimited' : 1),
    ttlMs: spec.ttlMs,
    ...checked.compiled,
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value when it is valid for its field's schema, else undefined (the schema reports it). */
function valid<S extends z.ZodType>(schema: S, value: unknown): z.output<S> | undefined {
  if (value === undefined) return undefined;
  const r = schema.safeParse(value);
  return r.success ? r.data : undefined;
}

interface Checked {
  problems: string[];
  phase?: ScenarioPhase;
  tag?: string;
  compiled: { rcpt?: RegExp; mailFrom?: RegExp };
}

/** What the schema cannot say: which fields go together, at which phase, and the patterns. */
function checkCombinations(input: unknown, rules: (id: string) => KnownRule | undefined): Checked {
  const problems: string[] = [];
  const rawAction = isRecord(input) && isRecord(input.action) ? input.action : {};
  const rawMatch = isRecord(input) && isRecord(input.match) ? input.match : {};
  const actionShape = scenarioInputSchema.shape.action.shape;
  const matchShape = scenarioInputSchema.shape.match.unwrap().shape;
  const rule = valid(actionShape.rule, rawAction.rule);
  const reply = valid(actionShape.reply, rawAction.reply);
  const has = (key: string) => rawAction[key] !== undefined;

  const known = rule !== undefined ? rules(rule) : undefined;
  if (rule !== undefined && !known) problems.push(`action.rule: no profile has a rule "${rule}"`);
  const actionGiven = isRecord(input) && isRecord(input.action);
  let phase = valid(actionShape.phase, rawAction.phase);
  if (actionGiven && !has('phase')) {
    if (known && known.phase !== 'command') phase = known.phase;
    else if (known) problems.push(`action.phase: rule "${rule}" runs before every command; say at which phase to fire it`);
    else if (!has('rule')) problems.push('action.phase: required (connect, helo, starttls, auth, mail, rcpt, data or message) unless action.rule names a profile rule');
  }
  if (actionGiven && !has('reply') && !has('rule') && !has('delayMs') && !has('drop')) {
    problems.push('action: give at least one of reply, rule, delayMs or drop');
  }
  if (reply !== undefined && !has('rule')) {
    if (reply.code === undefined) problems.push('action.reply.code: required unless action.rule gives the reply');
    if (reply.text === undefined) problems.push('action.reply.text: required unless action.rule gives the reply');
  }
  if (rawAction.drop === 'no-reply' && (has('reply') || has('rule'))) {
    problems.push('action.drop: "no-reply" closes the connection without answering, so it cannot come with a reply or rule (use reply.close or drop "after-reply")');
  }
  if (phase !== undefined) {
    if (rawMatch.rcpt !== undefined && !RECIPIENT_PHASES.includes(phase)) {
      problems.push(`match.rcpt: recipients are known from the rcpt phase on, but action.phase is ${phase}`);
    }
    if (rawMatch.mailFrom !== undefined && !SENDER_PHASES.includes(phase)) {
      problems.push(`match.mailFrom: the sender is known from the mail phase on, but action.phase is ${phase}`);
    }
    if (rawMatch.nth !== undefined && !SENDER_PHASES.includes(phase)) {
      problems.push(`match.nth: counts messages (MAIL transactions), so action.phase must be mail, rcpt, data or message, not ${phase}`);
    }
  }
  let tag: string | undefined;
  const rawTag = valid(matchShape.tag, rawMatch.tag);
  if (rawTag !== undefined) {
    tag = normalizeTag(rawTag);
    if (!tag) problems.push('match.tag: a tag is 1-64 characters: letters, digits, ".", "_" and "-", starting with a letter or digit');
  }
  const compiled: { rcpt?: RegExp; mailFrom?: RegExp } = {};
  for (const key of ['rcpt', 'mailFrom'] as const) {
    const text = valid(matchShape[key], rawMatch[key]);
    if (text === undefined) continue;
    try {
      compiled[key] = compilePattern(text);
    } catch (err) {
      if (!(err instanceof PatternError)) throw err;
      problems.push(`match.${key}: ${err.message}`);
    }
  }
  return { problems, phase, tag, compiled };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
