/**
 * Records one SMTP session: transcript lines, decisions, identity, messages. Publishes each
 * change on the bus as it happens. Persists through the group-commit writer: with every
 * message (its row must exist; see write-queue.ts for when the full snapshot is rewritten)
 * and at close — not at open. Open sessions are served from the live registry, which keeps
 * them until their closing snapshot is committed.
 */
import type { EventBus } from '../events/bus.js';
import type { LiveSessions } from '../http/deps.js';
import type { Decision, Warning } from '../policy/types.js';
import { sessionSummary } from '../store/common.js';
import { messageSummary } from '../store/common.js';
import type { DisplayQueue } from '../store/display-queue.js';
import type { NewMessage, SessionRecord, Store, TranscriptDirection } from '../store/types.js';
import type { ExpectedMessage, StoreWriter } from '../store/write-queue.js';

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
  /** Resolves when no session is open or closing any more, or after `timeoutMs`. */
  async drained(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.open.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }
}

/** Envelope addresses kept per session: enough for any test, bounded for an abusive client. */
export const MAX_ENVELOPE_ENTRIES = 1000;

export interface RecorderDeps {
  store: Store;
  /** Group commit in front of the store: the SMTP path writes only through it. */
  writer: StoreWriter;
  /** The deferred parse of display fields (after the reply). */
  display: DisplayQueue;
  bus: EventBus;
  live: LiveSessionRegistry;
  now: () => number;
}

export class SessionRecorder {
  readonly record: SessionRecord;
  private closing: Promise<void> | undefined;
  private accepted = 0;
  /** Display parses of this session's messages still running. */
  private readonly displays = new Set<{ parsed: Promise<void>; written: Promise<void> }>();

  constructor(
    private readonly deps: RecorderDeps,
    init: Pick<SessionRecord, 'id' | 'listener' | 'profile' | 'clientAddress' | 'clientPort' | 'tls'>,
  ) {
    this.record = { ...init, startedAt: deps.now(), outcome: 'open', lines: [], decisions: [], warnings: [], messageIds: [] };
    deps.live.add(this.record);
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

  update(fields: Partial<Pick<SessionRecord, 'heloVerb' | 'heloName' | 'tls' | 'user' | 'claimedAddress' | 'claimedName'>>): void {
    Object.assign(this.record, fields);
  }

  /** A warning: stored with the session and published like a decision. */
  warning(warning: Warning): void {
    this.record.warnings.push(warning);
    this.deps.bus.publish('session.warning', { sessionId: this.record.id, warning });
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

  /**
   * Stores the message (with the session's row) and resolves once it is committed; rejects if
   * the store fails. Its display fields are parsed afterwards, unless it is `complete` (parsed
   * in full already, attachments included); `message.stored` is published once they are
   * written.
   */
  async saveMessage(message: NewMessage, opts: { expected?: ExpectedMessage; complete?: boolean } = {}): Promise<void> {
    const complete = opts.complete ?? false;
    if (!complete) await this.deps.display.room();
    // pushed, not copied: a session may carry thousands of messages
    this.record.messageIds.push(message.record.id);
    try {
      await this.deps.writer.saveMessage(message, this.record, { displayPending: !complete, expected: opts.expected });
    } catch (err) {
      const at = this.record.messageIds.lastIndexOf(message.record.id);
      if (at >= 0) this.record.messageIds.splice(at, 1);
      throw err;
    }
    if (message.record.status === 'accepted') this.accepted++;
    if (complete) {
      // parsing it again would store its attachments twice (the SQLite store refused that
      // and retried every second, forever)
      if (message.record.subject !== undefined) this.record.subject = message.record.subject;
      this.deps.bus.publish('message.stored', { message: messageSummary(message.record) });
      return;
    }
    const job = this.deps.display.enqueue(message.record, message.raw);
    const parsed = job.parsed.then((full) => {
      // the session's subject is its last message's
      if (this.record.messageIds.at(-1) === full.id && full.subject !== undefined) this.record.subject = full.subject;
    });
    const written = job.written.then((full) => {
      this.deps.bus.publish('message.stored', { message: messageSummary(full) });
    });
    const entry = { parsed, written };
    this.displays.add(entry);
    void written.finally(() => this.displays.delete(entry));
  }

  /** Closes the record: the final snapshot is committed after the session's messages are parsed. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const r = this.record;
    r.endedAt = this.deps.now();
    r.outcome = this.accepted > 0 ? 'accepted' : r.rejection ? 'rejected' : 'no-mail';
    // the closing snapshot waits for the display parse of the session's messages (its subject),
    // and is committed together with their display fields; session.closed comes after their
    // message.stored
    const displays = [...this.displays];
    this.closing = Promise.allSettled(displays.map((d) => d.parsed))
      .then(() => Promise.all([this.deps.writer.saveSession(r, { final: true }), ...displays.map((d) => d.written)]))
      .catch(() => {
        // a store failure must not break anything else; the session stays readable until here
      })
      .then(() => {
        this.deps.live.remove(r.id);
        this.deps.bus.publish('session.closed', { session: sessionSummary(r) });
      });
    return this.closing;
  }
}
