/**
 * Records one SMTP session: transcript lines, decisions, identity, messages. Publishes each
 * change on the bus as it happens and persists the record at open, with every message (in the
 * message's transaction) and at close. Open sessions are served from the live registry.
 */
import type { EventBus } from '../events/bus.js';
import type { LiveSessions } from '../http/deps.js';
import type { Decision, Warning } from '../policy/types.js';
import { sessionSummary } from '../store/common.js';
import type { NewMessage, SessionRecord, Store, TranscriptDirection } from '../store/types.js';

export class LiveSessionRegistry implements LiveSessions {
  private readonly open = new Map<string, SessionRecord>();
  add(record: SessionRecord): void {
    this.open.set(record.id, record);
  }
  remove(id: string): void {
    this.open.delete(id);
  }
  get(id: string): SessionRecord | undefined {
    return this.open.get(id);
  }
  list(): SessionRecord[] {
    return [...this.open.values()].reverse();
  }
  get size(): number {
    return this.open.size;
  }
}

/** Envelope addresses kept per session: enough for any test, bounded for an abusive client. */
export const MAX_ENVELOPE_ENTRIES = 1000;

export interface RecorderDeps {
  store: Store;
  bus: EventBus;
  live: LiveSessionRegistry;
  now: () => number;
}

export class SessionRecorder {
  readonly record: SessionRecord;
  private closed = false;
  private accepted = 0;

  constructor(
    private readonly deps: RecorderDeps,
    init: Pick<SessionRecord, 'id' | 'listener' | 'profile' | 'clientAddress' | 'clientPort' | 'tls'>,
  ) {
    this.record = { ...init, startedAt: deps.now(), outcome: 'open', lines: [], decisions: [], warnings: [], messageIds: [] };
    deps.live.add(this.record);
    this.persist();
    deps.bus.publish('session.opened', { session: sessionSummary(this.record) });
  }

  line(dir: TranscriptDirection, text: string): void {
    const line = { t: this.deps.now() - this.record.startedAt, dir, text };
    this.record.lines.push(line);
    this.deps.bus.publish('session.line', { sessionId: this.record.id, line });
  }

  decision(decision: Decision): void {
    this.record.decisions.push(decision);
    if (decision.verdict === 'reject' && decision.reply) {
      this.record.rejection = { phase: decision.phase, ruleId: decision.ruleId, code: decision.reply.code, enhanced: decision.reply.enhanced };
    }
    this.deps.bus.publish('session.decision', { sessionId: this.record.id, decision });
  }

  /** A warning: stored with the session and published like a decision. */
  warning(warning: Warning): void {
    this.record.warnings.push(warning);
    this.deps.bus.publish('session.warning', { sessionId: this.record.id, warning });
  }

  update(fields: Partial<Pick<SessionRecord, 'heloVerb' | 'heloName' | 'tls' | 'user' | 'claimedAddress' | 'claimedName'>>): void {
    Object.assign(this.record, fields);
  }

  /** A MAIL FROM address the client gave (accepted or not); kept for queries by sender. */
  noteSender(address: string): void {
    const list = (this.record.senders ??= []);
    if (list.length < MAX_ENVELOPE_ENTRIES) list.push(address);
  }

  /** A RCPT TO address the client gave (accepted or not); kept for queries by recipient. */
  noteRecipient(address: string): void {
    const list = (this.record.recipients ??= []);
    if (list.length < MAX_ENVELOPE_ENTRIES && !list.includes(address)) list.push(address);
  }

  /** The session's isolation tag is the first one it shows (testing kit, see tags.ts). */
  noteTag(tag: string | undefined): void {
    if (tag && !this.record.tag) this.record.tag = tag;
  }

  /** Stores the message with the session snapshot in one transaction; throws if the store fails. */
  saveMessage(message: NewMessage): void {
    this.commitMessage(message);
    if (message.record.status === 'accepted') this.accepted++;
  }

  private commitMessage(message: NewMessage): void {
    const before = { ids: this.record.messageIds, subject: this.record.subject };
    this.record.messageIds = [...this.record.messageIds, message.record.id];
    if (message.record.subject !== undefined) this.record.subject = message.record.subject;
    try {
      this.deps.store.saveMessage(message, this.record);
    } catch (err) {
      this.record.messageIds = before.ids;
      this.record.subject = before.subject;
      throw err;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const r = this.record;
    r.endedAt = this.deps.now();
    r.outcome = this.accepted > 0 ? 'accepted' : r.rejection ? 'rejected' : 'no-mail';
    this.persist();
    this.deps.live.remove(r.id);
    this.deps.bus.publish('session.closed', { session: sessionSummary(r) });
  }

  private persist(): void {
    try {
      this.deps.store.saveSession(this.record);
    } catch {
      // a store failure must not break the dialogue; the message path reports it to the client
    }
  }
}
