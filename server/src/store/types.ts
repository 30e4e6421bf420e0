/**
 * What Bouncer keeps: sessions (with transcript and decisions) and messages (raw + parsed).
 * The Store interface is the only thing the rest of the server knows about persistence.
 */
import type { Decision, Warning } from '../policy/types.js';
import type { MessageAuth } from '../mail/auth-types.js';

export type TranscriptDirection = 'C' | 'S' | '*';

/** One transcript line. `*` lines are events (TLS started, connection closed, ...). */
export interface TranscriptLine {
  /** Milliseconds since the session opened. */
  t: number;
  dir: TranscriptDirection;
  text: string;
}

export type SessionOutcome = 'open' | 'accepted' | 'rejected' | 'no-mail';

export interface Rejection {
  phase: string;
  ruleId: string;
  code: number;
  enhanced?: string;
}

export interface SessionRecord {
  id: string;
  listener: string;
  profile: string;
  /** Epoch milliseconds. */
  startedAt: number;
  endedAt?: number;
  clientAddress: string;
  clientPort: number;
  /** XCLIENT ADDR, when the client claimed one. */
  claimedAddress?: string;
  claimedName?: string;
  heloVerb?: 'HELO' | 'EHLO';
  heloName?: string;
  tls: boolean;
  user?: string;
  outcome: SessionOutcome;
  /** The last rejection in the session, if any. */
  rejection?: Rejection;
  lines: TranscriptLine[];
  decisions: Decision[];
  /** What Gmail would hold against the sender without refusing (spam folder, undeclared DNS, ...). */
  warnings: Warning[];
  messageIds: string[];
  /** Subject of the last message of the session, for lists. */
  subject?: string;
  /**
   * The isolation tag (testing kit): from the AUTH username, a recipient's `+tag` subaddress or
   * a message's `X-Bouncer-Tag` header, whichever the session showed first.
   */
  tag?: string;
  /** Every MAIL FROM address the client gave, accepted or not, in order. */
  senders?: string[];
  /** Every RCPT TO address the client gave, accepted or not, in order. */
  recipients?: string[];
}

export interface AttachmentMeta {
  index: number;
  filename: string;
  contentType: string;
  size: number;
}

export interface AddressValue {
  name: string;
  address: string;
}

export type MessageStatus = 'accepted' | 'rejected';

export interface MessageRecord {
  id: string;
  sessionId: string;
  receivedAt: number;
  status: MessageStatus;
  /** The rule that rejected the message (rejected messages are kept, flagged). */
  rejection?: Rejection & { text: string[] };
  mailFrom: string;
  rcptTo: string[];
  /** Bytes received, including any part discarded beyond the size limit. */
  size: number;
  /** True when the body went over the size limit and only the part below it was kept. */
  truncated: boolean;
  subject?: string;
  from: AddressValue[];
  to: AddressValue[];
  cc: AddressValue[];
  date?: string;
  messageIdHeader?: string;
  text?: string;
  html?: string;
  headers: Array<{ name: string; value: string }>;
  attachments: AttachmentMeta[];
  parseError?: string;
  /** The isolation tag: `X-Bouncer-Tag` header, else a recipient's `+tag`, else the session's tag. */
  tag?: string;
  /** SPF, DKIM (per signature), DMARC and ARC results (absent for a message cut at the size limit). */
  auth?: MessageAuth;
}

export interface Attachment extends AttachmentMeta {
  content: Buffer;
}

/** A message ready to be stored: the record plus its raw source and attachment bodies. */
export interface NewMessage {
  record: MessageRecord;
  raw: Buffer;
  attachments: Attachment[];
}

export interface SessionFilter {
  outcome?: SessionOutcome;
  listener?: string;
  /** Free text over client address, EHLO name, subject and rule id. */
  q?: string;
  /** Only sessions with this isolation tag. */
  tag?: string;
  /** Only sessions started at or after this time (epoch ms). */
  since?: number;
  /** Only sessions with a decision by this rule id. */
  ruleId?: string;
  /** Only sessions in which this scenario fired. */
  scenarioId?: string;
  /** Case-insensitive substring of a MAIL FROM address the session gave. */
  from?: string;
  /** Case-insensitive substring of a RCPT TO address the session gave. */
  to?: string;
  /** Case-insensitive substring of the subject of the session's last message. */
  subject?: string;
  /** The subject matches this (linear-time, see util/safe-regex.ts) pattern. */
  subjectRegex?: RegExp;
  /** Only sessions that have ended (outcome other than `open`). */
  finished?: boolean;
  limit?: number;
  offset?: number;
}

export interface MessageFilter {
  status?: MessageStatus;
  /** Matches mailFrom and From addresses, case-insensitive substring. */
  from?: string;
  /** Matches rcptTo and To/Cc addresses, case-insensitive substring. */
  to?: string;
  subject?: string;
  /** Free text over from, to, subject and text body. */
  q?: string;
  sessionId?: string;
  /** Only messages with this isolation tag. */
  tag?: string;
  /** Only messages received at or after this time (epoch ms). */
  since?: number;
  /** Only messages rejected by this rule id. */
  ruleId?: string;
  /** The subject matches this (linear-time, see util/safe-regex.ts) pattern. */
  subjectRegex?: RegExp;
  limit?: number;
  offset?: number;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface RetentionLimits {
  sessions: number;
  messages: number;
}

/** Summary row for lists (no transcript, decisions or bodies). */
export type SessionSummary = Omit<SessionRecord, 'lines' | 'decisions' | 'warnings'> & {
  /** How many warnings the session has (the list is in the full record). */
  warningCount: number;
};
export type MessageSummary = Omit<MessageRecord, 'text' | 'html' | 'headers'>;

/** The display fields of a message, filled in after its reply by the deferred parse. */
export type DisplayFields = Pick<MessageRecord, 'subject' | 'from' | 'to' | 'cc' | 'date' | 'messageIdHeader' | 'text' | 'html' | 'attachments' | 'parseError'>;

/**
 * One write of a batch (see write-queue.ts, which groups them into one transaction):
 *  - `session`: insert or replace the session row with this snapshot;
 *  - `session-exists`: make sure the session has a row (a message needs one), keeping any
 *    row already there — the full snapshot is written later, at close;
 *  - `message`: a new message; with `displayPending` its display fields come later, and the
 *    store remembers that (pendingDisplay) until they do, across restarts;
 *  - `display`: the message's record with its display fields, and its attachments (nothing
 *    happens if the message was deleted meanwhile).
 */
export type WriteOp =
  | { kind: 'session'; session: SessionRecord }
  | { kind: 'session-exists'; session: SessionRecord }
  | { kind: 'message'; message: NewMessage; displayPending: boolean }
  | { kind: 'display'; record: MessageRecord; attachments: Attachment[] };

export interface Store {
  readonly kind: 'sqlite' | 'memory';
  /**
   * Applies the operations in order, in one transaction: all or nothing. Returns only once
   * it is committed. The SMTP path writes through this (group commit, write-queue.ts).
   */
  writeBatch(ops: WriteOp[]): void;
  /** Messages stored with `displayPending` whose display fields were never written. */
  pendingDisplay(): string[];
  /** Inserts or replaces the session row (called at open, after each message, at close). */
  saveSession(session: SessionRecord): void;
  /**
   * Stores a message and the session snapshot in one transaction. Returns only once
   * the transaction is committed: a 250 may be written after this returns, never before.
   */
  saveMessage(message: NewMessage, session: SessionRecord): void;
  getSession(id: string): SessionRecord | undefined;
  listSessions(filter: SessionFilter): Page<SessionSummary>;
  getMessage(id: string): MessageRecord | undefined;
  listMessages(filter: MessageFilter): Page<MessageSummary>;
  getRaw(id: string): Buffer | undefined;
  getAttachment(messageId: string, index: number): Attachment | undefined;
  deleteMessage(id: string): boolean;
  deleteAllMessages(): number;
  /** Sessions and messages beyond the retention caps, oldest first, are removed. */
  prune(limits: RetentionLimits): { sessions: number; messages: number };
  counts(): { sessions: number; messages: number; accepted: number; rejected: number };
  /** SQLite with `checkpointThread`: WAL checkpoint threads running now (0 or 1; they stop when idle). */
  readonly checkpointThreads?: number;
  close(): void;
}
