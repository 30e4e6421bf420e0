/**
 * The API's JSON shapes, as the UI reads them. They mirror server/src/store/types.ts,
 * server/src/policy/types.ts and the OpenAPI document (/api/v1/openapi.json).
 */
export type Dir = 'C' | 'S' | '*';
export interface TranscriptLine {
  /** Milliseconds since the session opened. */
  t: number;
  dir: Dir;
  text: string;
}

export type Outcome = 'open' | 'accepted' | 'rejected' | 'no-mail';
export const OUTCOMES: readonly Outcome[] = ['open', 'accepted', 'rejected', 'no-mail'];

export interface Rejection {
  phase: string;
  ruleId: string;
  code: number;
  enhanced?: string;
}

export interface Decision {
  at: number;
  phase: string;
  ruleId: string;
  verdict: 'reject' | 'accept';
  reply?: { code: number; enhanced?: string; lines: string[]; close: boolean };
  why: string;
  fix: string;
  scenarioId?: string;
}

/** Something Gmail would hold against the sender without refusing the message (a warning rule fired). */
export interface Warning {
  /** Epoch milliseconds. */
  at: number;
  phase: string;
  ruleId: string;
  /** What Gmail would do, from the profile's warning text. */
  text: string;
  why: string;
  fix: string;
  /** The reply Gmail would give. */
  reply?: { code: number; enhanced?: string; lines: string[] };
  /** The stored message the warning is about (message phase). */
  messageId?: string;
}

export interface SessionSummary {
  id: string;
  listener: string;
  profile: string;
  startedAt: number;
  endedAt?: number;
  clientAddress: string;
  clientPort: number;
  claimedAddress?: string;
  claimedName?: string;
  heloVerb?: 'HELO' | 'EHLO';
  heloName?: string;
  tls: boolean;
  user?: string;
  outcome: Outcome;
  rejection?: Rejection;
  messageIds: string[];
  subject?: string;
  /** How many warnings the session has (the list is in the full session). */
  warningCount: number;
}

/** The full session: the summary's fields, without the count, plus the lists. */
export interface Session extends Omit<SessionSummary, 'warningCount'> {
  lines: TranscriptLine[];
  decisions: Decision[];
  warnings: Warning[];
}

export interface Address {
  name: string;
  address: string;
}

export interface AttachmentMeta {
  index: number;
  filename: string;
  contentType: string;
  size: number;
}

export interface MessageSummary {
  id: string;
  sessionId: string;
  receivedAt: number;
  status: 'accepted' | 'rejected';
  rejection?: Rejection & { text: string[] };
  mailFrom: string;
  rcptTo: string[];
  size: number;
  truncated: boolean;
  subject?: string;
  from: Address[];
  to: Address[];
  cc: Address[];
  date?: string;
  messageIdHeader?: string;
  attachments: AttachmentMeta[];
  parseError?: string;
}

export interface Message extends MessageSummary {
  text?: string;
  html?: string;
  headers: Array<{ name: string; value: string }>;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface ReplyTemplate {
  code: number;
  enhanced?: string;
  text: string[];
  close?: boolean;
}

export interface Rule {
  id: string;
  check: string;
  enabled: boolean;
  description: string;
  params: Record<string, unknown>;
  reply: ReplyTemplate;
  /** Set on warning rules: the warning text; `reply` is then what Gmail would answer. */
  warning?: string;
}

export interface Profile {
  name: string;
  description: string;
  extends?: string;
  hostname: string;
  rules: Record<string, Rule[]>;
}

export interface Listener {
  name: string;
  host: string;
  port: number;
  tls: 'none' | 'starttls' | 'implicit';
  profile: string;
}

export interface Hello {
  version: string;
  counts: { sessions: number; messages: number; accepted: number; rejected: number } | null;
  outcomes: Record<Outcome, number> | null;
}

export type LiveEvent =
  | { type: 'hello'; data: Hello }
  | { type: 'session.opened'; data: { session: SessionSummary } }
  | { type: 'session.line'; data: { sessionId: string; line: TranscriptLine } }
  | { type: 'session.decision'; data: { sessionId: string; decision: Decision } }
  | { type: 'session.warning'; data: { sessionId: string; warning: Warning } }
  | { type: 'message.stored'; data: { message: MessageSummary } }
  | { type: 'session.closed'; data: { session: SessionSummary } };
