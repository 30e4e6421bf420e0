/**
 * The vocabulary shared by the policy engine, the rules and the SMTP adapter.
 *
 * Rules read a {@link SessionContext} (read-only) and say whether they fire; the engine
 * turns the first rule that fires into a {@link Verdict}; the adapter writes the reply.
 */
import type { DnsWorld } from '../dns/world.js';
import type { MessageAuth } from '../mail/auth-types.js';
import type { RateQueries } from './rates.js';

/** Where in the dialogue a rule runs. `command` runs before every command (sequence rules). */
export const PHASES = ['connect', 'command', 'helo', 'starttls', 'auth', 'mail', 'rcpt', 'data', 'message'] as const;
export type Phase = (typeof PHASES)[number];

/** A reply as written in a profile: text lines may hold `{placeholders}`. */
export interface ReplyTemplate {
  code: number;
  /** RFC 3463 enhanced status code, e.g. `5.5.2`; absent for replies Gmail sends without one. */
  enhanced?: string;
  /** One entry per wire line; the last one becomes `NNN X.Y.Z text`, the others `NNN-X.Y.Z text`. */
  text: string[];
  /** Close the connection after this reply. */
  close?: boolean;
}

/** A reply with every placeholder filled in, ready for the wire. */
export interface Reply {
  code: number;
  enhanced?: string;
  lines: string[];
  close: boolean;
}

export interface ClientIdentity {
  /** The address the socket came from. */
  realAddress: string;
  /** The address rules judge: the XCLIENT ADDR when one was claimed, else the real one. */
  address: string;
  /** XCLIENT ADDR, when claimed. */
  claimedAddress?: string;
  /** XCLIENT NAME, when claimed (recorded; the DNS world decides what the PTR is). */
  claimedName?: string;
  /** XCLIENT HELO, when claimed. */
  claimedHelo?: string;
}

export interface MailPath {
  /** The address inside `<...>`; empty for the null reverse-path `<>`. */
  address: string;
  /** ESMTP parameters (`SIZE=1000` → `{SIZE: '1000'}`; bare keywords → `true`). */
  args: Record<string, string | true>;
}

export interface CommandInfo {
  /** Upper-cased verb. */
  verb: string;
  /** Everything after the verb, trimmed. */
  argument: string;
  /** True when smtp-server implements the verb and the listener has not disabled it. */
  known: boolean;
  /** A real SMTP verb the profile lists as not implemented (profile.unimplementedCommands). */
  unimplemented?: boolean;
  /** For MAIL/RCPT: the parsed path, or `null` when the path is malformed. */
  path?: MailPath | null;
}

export interface MessageFacts {
  /** The message as received, up to the size limit (for DKIM and content checks). */
  raw: Buffer;
  /** Bytes received in DATA (after dot-unstuffing), including what was discarded beyond the limit. */
  size: number;
  /** True when the body went over the profile's size limit and was cut while streaming. */
  truncated: boolean;
  /** Header fields in order, lower-cased names, unfolded values. */
  headers: Array<{ name: string; value: string }>;
  /** mailparser's error, when it could not parse the message. */
  parseError?: string;
  /** SPF, DKIM, DMARC and ARC results, computed once at the end of DATA (mail/authenticate.ts). */
  auth?: MessageAuth;
  /** The From header's addresses as mailparser reads them (groups flattened, encoded-words decoded). */
  from?: ReadonlyArray<{ name: string; address: string }>;
  /** The MIME parts mailparser treats as attachments, with their decoded content. */
  attachments?: ReadonlyArray<{ filename: string; contentType: string; content: Buffer }>;
}

export interface AuthAttempt {
  method: string;
  username: string;
  password: string;
}

export interface ProfileLimits {
  maxMessageSize: number;
  maxRecipients: number;
  maxUnrecognizedCommands: number;
}

/** What a rule may read. Built by the adapter for each evaluation; rules must not mutate it. */
export interface SessionContext {
  sessionId: string;
  listener: string;
  profile: string;
  hostname: string;
  client: ClientIdentity;
  tls: boolean;
  /** Set once a HELO/EHLO was accepted (or the one being judged, in the `helo` phase). */
  helo?: { verb: 'HELO' | 'EHLO'; name: string };
  /** The authenticated user, once AUTH succeeded. */
  user?: string;
  envelope: { mailFrom?: MailPath; rcptTo: MailPath[] };
  command?: CommandInfo;
  /** How many unrecognised commands the client sent so far, counting the current one. */
  unrecognizedCommands: number;
  auth?: AuthAttempt;
  message?: MessageFacts;
  limits: ProfileLimits;
  dns: DnsWorld;
  /** Recipient domains with a declared mailbox list (lower-cased local parts). */
  mailboxes: ReadonlyMap<string, ReadonlySet<string>>;
  /** Configured submission users; empty means any credentials are accepted. */
  users: ReadonlyArray<UserAccount>;
  now: () => Date;
  /**
   * The isolation tag in force for this evaluation (testing kit): the recipient's `+tag` at
   * RCPT, the `X-Bouncer-Tag` header at end of DATA, else what the session showed before.
   */
  tag?: string;
  /** What was accepted recently (rate limits); absent: no history. */
  rates?: RateQueries;
}

export interface UserAccount {
  username: string;
  password: string;
  /** When set the account has 2-step verification: only this password works for SMTP. */
  appPassword?: string;
}

/** What a check returns when its rule fires. */
export interface RuleHit {
  /** One line: what is wrong with this session. */
  why: string;
  /** One line: what the sender should change. */
  fix: string;
  /** Values for the reply's `{placeholders}` (e.g. `arg`, `address`). */
  vars?: Record<string, string | number>;
}

/** A built-in check: pure, reads the context and its parameters. */
export type Check = (ctx: SessionContext, params: Record<string, unknown>) => RuleHit | null | Promise<RuleHit | null>;

export interface CheckDefinition {
  /** `phase.what`, the file name under `policy/rules/`. */
  id: string;
  phases: readonly Phase[];
  summary: string;
  check: Check;
}

/** A rule as a profile declares it. */
export interface RuleSpec {
  id: string;
  check: string;
  enabled: boolean;
  description: string;
  params: Record<string, unknown>;
  reply: ReplyTemplate;
  /**
   * A warning rule: when it fires the session gets this text (with `{placeholders}`) as a
   * warning and evaluation goes on; `reply` is then what Gmail would answer.
   */
  warning?: string;
}

/** Something Gmail would hold against the sender without refusing the message (yet). */
export interface Warning {
  at: number;
  phase: Phase;
  ruleId: string;
  /** What Gmail would do, from the profile's warning text. */
  text: string;
  why: string;
  fix: string;
  /** The reply Gmail would give (from the rule's reply). */
  reply?: { code: number; enhanced?: string; lines: string[] };
  /** The stored message the warning is about (message phase). */
  messageId?: string;
}

/**
 * What a scenario (testing kit) adds to a verdict; the adapter carries it out: wait before the
 * reply, close after it, and record the decisions that do not reject.
 */
export interface VerdictEffects {
  delayMs?: number;
  closeAfterReply?: boolean;
  decisions?: Decision[];
}

/** `drop`: close the connection without any reply (only scenarios drop). */
export type Verdict =
  | { kind: 'continue'; effects?: VerdictEffects; warnings?: Warning[] }
  | { kind: 'reject'; reply: Reply; decision: Decision; effects?: VerdictEffects; warnings?: Warning[] }
  | { kind: 'drop'; decision: Decision; effects?: VerdictEffects; warnings?: Warning[] };

/** One entry of a session's trace. */
export interface Decision {
  at: number;
  phase: Phase;
  ruleId: string;
  verdict: 'reject' | 'accept';
  reply?: { code: number; enhanced?: string; lines: string[]; close: boolean };
  why: string;
  fix: string;
  /** Set when a scenario, not a profile rule, produced the decision (testing kit). */
  scenarioId?: string;
}
