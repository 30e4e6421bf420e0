/**
 * Receiver profiles: YAML data (greeting, EHLO lines, limits, replies, ordered rules per phase).
 * This module validates a profile file once at start-up and lists every problem it finds.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { rateWindowProblems } from './rates.js';
import { PHASES, type Phase, type ReplyTemplate, type RuleSpec } from './types.js';

const replySchema = z.object({
  code: z.number().int().min(200).max(599),
  enhanced: z
    .string()
    .regex(/^[245]\.\d{1,3}\.\d{1,3}$/, 'an enhanced status code looks like 5.7.1 (RFC 3463)')
    .optional(),
  text: z.array(z.string()).min(1),
  close: z.boolean().default(false),
});

const ruleSchema = z.object({
  id: z.string().regex(/^[a-z]+\.[a-z0-9-]+$/, 'rule ids look like phase.what'),
  /** The built-in check; defaults to the rule id. */
  check: z.string().optional(),
  enabled: z.boolean().default(true),
  description: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  reply: replySchema,
  /** Makes the rule a warning: this text is recorded and the message goes on; `reply` is what Gmail would answer. */
  warning: z.string().min(1).optional(),
});

/**
 * EHLO extensions a profile may advertise. Each one really works (smtp-server implements it,
 * or the adapter does). CHUNKING/BDAT is absent on purpose: it is not implemented, and a server
 * must not advertise what it does not do (RFC 5321 section 4.1.1.1).
 */
export const EHLO_EXTENSIONS = ['SIZE', '8BITMIME', 'STARTTLS', 'AUTH', 'ENHANCEDSTATUSCODES', 'PIPELINING', 'SMTPUTF8', 'XCLIENT'] as const;
export type EhloExtension = (typeof EHLO_EXTENSIONS)[number];

/** Replies the engine gives for built-in protocol events (not policy rules). */
export const BUILTIN_REPLY_IDS = [
  'greeting',
  'ehlo-ok',
  'helo-ok',
  'quit',
  'rset',
  'noop',
  'help',
  'vrfy',
  'mail-ok',
  'rcpt-ok',
  'data-go',
  'accepted',
  'nested-mail',
  'bad-sequence',
  'unimplemented',
  'syntax-error',
  'param-error',
  'helo-syntax',
  'starttls-ok',
  'starttls-repeat',
  'starttls-args',
  'auth-ok',
  'auth-mech',
  'auth-undecodable',
  'auth-identity',
  'auth-aborted',
  'auth-challenge',
  'xclient-denied',
  'xclient-syntax',
  'line-too-long',
  'early-talker',
  'http-refused',
  'idle-timeout',
  'server-busy',
  'shutting-down',
  'temp-failure',
  'internal-error',
] as const;
export type BuiltinReplyId = (typeof BUILTIN_REPLY_IDS)[number];

const rulesSchema = z
  .object(Object.fromEntries(PHASES.map((p) => [p, z.array(ruleSchema).default([])])) as Record<Phase, z.ZodDefault<z.ZodArray<typeof ruleSchema>>>)
  .partial()
  .strict();

export const profileSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9-]+$/),
    /** Resolved before validation: the parent's settings, merged with these. */
    extends: z.string().optional(),
    /** Rule ids to switch on or off after merging with the parent. */
    enable: z.array(z.string()).default([]),
    disable: z.array(z.string()).default([]),
    description: z.string(),
    /** The server name in the greeting and EHLO reply (`mx.google.com`). */
    hostname: z.string().min(1),
    /** Pause before the greeting; a client that talks during it is an early talker. */
    greetingDelayMs: z.number().int().min(0).max(600_000).default(0),
    /** The EHLO reply is `replies.ehlo-ok` followed by one line per extension offered. */
    ehlo: z.object({
      extensions: z.array(z.string()).superRefine((list, ctx) => {
        for (const [i, ext] of list.entries()) {
          if (!(EHLO_EXTENSIONS as readonly string[]).includes(ext)) {
            ctx.addIssue({
              code: 'custom',
              path: [i],
              message:
                ext === 'CHUNKING'
                  ? 'CHUNKING (BDAT) is not implemented and must not be advertised'
                  : `unknown extension "${ext}"; known: ${EHLO_EXTENSIONS.join(', ')}`,
            });
          }
        }
      }),
    }),
    /** Verbs that exist in SMTP but this server does not implement (answered `unimplemented`). */
    unimplementedCommands: z.array(z.string()).default([]),
    auth: z
      .object({
        /** Offer AUTH (LOGIN, PLAIN); smtp-server implements both. */
        enabled: z.boolean().default(false),
        mechanisms: z.array(z.enum(['PLAIN', 'LOGIN'])).default(['LOGIN', 'PLAIN']),
        /** Offer AUTH only once TLS is up, as Gmail's submission servers do. */
        requireTls: z.boolean().default(true),
      })
      .default({ enabled: false, mechanisms: ['LOGIN', 'PLAIN'], requireTls: true }),
    limits: z.object({
      maxMessageSize: z.number().int().positive(),
      maxRecipients: z.number().int().positive(),
      maxUnrecognizedCommands: z.number().int().positive().default(10),
      idleTimeoutMs: z.number().int().positive().default(300_000),
      maxLineLength: z.number().int().min(512).default(4096),
    }),
    replies: z.record(z.string(), replySchema).superRefine((replies, ctx) => {
      for (const id of BUILTIN_REPLY_IDS) {
        if (!replies[id]) ctx.addIssue({ code: 'custom', path: [id], message: `built-in reply "${id}" is missing` });
      }
    }),
    rules: rulesSchema.default({}),
  })
  .strict();

export type ProfileFile = z.infer<typeof profileSchema>;

export interface Profile extends Omit<ProfileFile, 'rules' | 'replies'> {
  replies: Record<BuiltinReplyId, ReplyTemplate>;
  rules: Record<Phase, RuleSpec[]>;
  /** Where the profile was loaded from. */
  source: string;
}

export class ProfileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: invalid profile\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Formats zod issues as `path: reason`, one per problem. */
export function formatIssues(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const where = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return `${where || '(root)'}: ${issue.message}`;
  });
}

/** Validates a parsed profile. `knownChecks` lets the loader reject a rule naming no check. */
export function validateProfile(data: unknown, source: string, knownChecks: ReadonlySet<string>): Profile {
  const parsed = profileSchema.safeParse(data);
  if (!parsed.success) throw new ProfileError(source, formatIssues(parsed.error));
  const file = parsed.data;
  const problems: string[] = [];
  const rules = {} as Record<Phase, RuleSpec[]>;
  const seen = new Set<string>();
  for (const phase of PHASES) {
    rules[phase] = (file.rules[phase] ?? []).map((rule, i) => {
      const check = rule.check ?? rule.id;
      if (!knownChecks.has(check)) problems.push(`rules.${phase}.${i}.check: no built-in check "${check}"`);
      if (seen.has(rule.id)) problems.push(`rules.${phase}.${i}.id: duplicate rule id "${rule.id}"`);
      seen.add(rule.id);
      for (const problem of rateWindowProblems(rule.params ?? {})) problems.push(`rules.${phase}.${i}.${problem}`);
      return { ...rule, check, params: rule.params ?? {} };
    });
  }
  if (problems.length) throw new ProfileError(source, problems);
  return { ...file, replies: file.replies as Record<BuiltinReplyId, ReplyTemplate>, rules, source };
}

interface RawProfile {
  data: Record<string, unknown>;
  source: string;
}

function readRaw(file: string): RawProfile {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ProfileError(file, [`cannot read YAML: ${(err as Error).message}`]);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new ProfileError(file, ['(root): a profile is a YAML mapping']);
  return { data: data as Record<string, unknown>, source: file };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Objects merge key by key; arrays and scalars of the child replace the parent's. */
function deepMerge(parent: Record<string, unknown>, child: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...parent };
  for (const [k, v] of Object.entries(child)) {
    out[k] = isPlainObject(v) && isPlainObject(parent[k]) ? deepMerge(parent[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

/**
 * Rules merge per phase: a child rule with a parent rule's id replaces it in place (same
 * position, so order stays data); other child rules are appended after the parent's.
 */
function mergeRules(parent: unknown, child: unknown): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const p = isPlainObject(parent) ? parent : {};
  const c = isPlainObject(child) ? child : {};
  for (const phase of new Set([...Object.keys(p), ...Object.keys(c)])) {
    const list = Array.isArray(p[phase]) ? [...(p[phase] as unknown[])] : [];
    for (const rule of Array.isArray(c[phase]) ? (c[phase] as unknown[]) : []) {
      const id = isPlainObject(rule) ? rule.id : undefined;
      const at = list.findIndex((r) => isPlainObject(r) && r.id === id);
      if (at >= 0) list[at] = rule;
      else list.push(rule);
    }
    out[phase] = list;
  }
  return out;
}

function resolveExtends(name: string, raws: Map<string, RawProfile>, chain: string[] = []): Record<string, unknown> {
  const raw = raws.get(name);
  if (!raw) throw new ProfileError(chain.at(-1) ?? name, [`extends: no profile named "${name}"`]);
  if (chain.includes(name)) throw new ProfileError(raw.source, [`extends: cycle ${[...chain, name].join(' → ')}`]);
  const parentName = raw.data.extends;
  if (typeof parentName !== 'string') return raw.data;
  const parent = resolveExtends(parentName, raws, [...chain, name]);
  const merged = deepMerge(parent, raw.data);
  merged.rules = mergeRules(parent.rules, raw.data.rules);
  // enable/disable lists belong to the profile that states them; a child starts from the parent's result
  const applied = applySwitches(merged.rules as Record<string, unknown[]>, parent);
  merged.rules = applied;
  merged.enable = raw.data.enable ?? [];
  merged.disable = raw.data.disable ?? [];
  return merged;
}

function applySwitches(rules: Record<string, unknown[]>, data: Record<string, unknown>): Record<string, unknown[]> {
  const enable = new Set(Array.isArray(data.enable) ? data.enable : []);
  const disable = new Set(Array.isArray(data.disable) ? data.disable : []);
  const out: Record<string, unknown[]> = {};
  for (const [phase, list] of Object.entries(rules)) {
    out[phase] = list.map((r) => {
      if (!isPlainObject(r)) return r;
      if (enable.has(r.id)) return { ...r, enabled: true };
      if (disable.has(r.id)) return { ...r, enabled: false };
      return r;
    });
  }
  return out;
}

function finish(data: Record<string, unknown>, source: string, knownChecks: ReadonlySet<string>): Profile {
  const problems: string[] = [];
  const ids = new Set(Object.values(isPlainObject(data.rules) ? data.rules : {}).flatMap((l) => (Array.isArray(l) ? l : []).map((r) => (isPlainObject(r) ? r.id : undefined))));
  for (const key of ['enable', 'disable'] as const) {
    for (const id of Array.isArray(data[key]) ? (data[key] as unknown[]) : []) {
      if (!ids.has(id)) problems.push(`${key}: no rule "${String(id)}" in this profile`);
    }
  }
  if (problems.length) throw new ProfileError(source, problems);
  const switched = { ...data, rules: applySwitches(isPlainObject(data.rules) ? (data.rules as Record<string, unknown[]>) : {}, data) };
  return validateProfile(switched, source, knownChecks);
}

export function loadProfileFile(file: string, knownChecks: ReadonlySet<string>): Profile {
  const raw = readRaw(file);
  if (raw.data.extends !== undefined) {
    throw new ProfileError(file, ['extends: a profile with a parent must be loaded with its directory (loadProfiles)']);
  }
  return finish(raw.data, file, knownChecks);
}

/**
 * Loads every `*.yaml` in the given directories; a later directory's profile replaces an
 * earlier one of the same name. Collects the problems of all files before throwing.
 */
export function loadProfiles(dirs: string[], knownChecks: ReadonlySet<string>): Map<string, Profile> {
  const raws = new Map<string, RawProfile>();
  const problems: string[] = [];
  const collect = (err: unknown) => {
    if (err instanceof ProfileError) problems.push(...err.problems.map((p) => `${err.source}: ${p}`));
    else throw err;
  };
  for (const dir of dirs) {
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'));
    } catch (err) {
      problems.push(`${dir}: cannot read profile directory: ${(err as Error).message}`);
      continue;
    }
    for (const f of files.sort()) {
      try {
        const raw = readRaw(path.join(dir, f));
        const name = typeof raw.data.name === 'string' ? raw.data.name : path.basename(f).replace(/\.ya?ml$/, '');
        raws.set(name, raw);
      } catch (err) {
        collect(err);
      }
    }
  }
  const profiles = new Map<string, Profile>();
  for (const [name, raw] of raws) {
    try {
      profiles.set(name, finish(resolveExtends(name, raws), raw.source, knownChecks));
    } catch (err) {
      collect(err);
    }
  }
  if (problems.length) throw new ProfileError('profiles', problems);
  return profiles;
}
