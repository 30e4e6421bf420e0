/**
 * A Store that lives in the process: for tests and for `--store memory` runs where nothing
 * should touch the disk. It follows the SQLite store's semantics exactly (the same test
 * suite runs against both), including the tie-break by insertion order.
 *
 * Everything goes in and out as a copy, so callers can never mutate stored state.
 */
import {
  assertSameSession,
  messageMatches,
  messageSearchFields,
  messageSummary,
  pageBounds,
  retentionCap,
  sessionMatches,
  sessionSearchText,
  sessionSummary,
  type MessageSearchFields,
} from './common.js';
import type {
  Attachment,
  MessageFilter,
  MessageRecord,
  MessageSummary,
  NewMessage,
  Page,
  RetentionLimits,
  SessionFilter,
  SessionRecord,
  SessionSummary,
  Store,
  WriteOp,
} from './types.js';

interface StoredSession {
  /** Insertion order, the tie-break between equal timestamps (SQLite's rowid). */
  seq: number;
  record: SessionRecord;
  search: string;
}

interface StoredMessage {
  seq: number;
  record: MessageRecord;
  raw: Buffer;
  attachments: Attachment[];
  search: MessageSearchFields;
}

/** structuredClone turns a Buffer into a plain Uint8Array; this keeps it a Buffer. */
function copyBuffer(buf: Buffer): Buffer {
  return Buffer.from(buf);
}

function copyAttachment(a: Attachment): Attachment {
  return { index: a.index, filename: a.filename, contentType: a.contentType, size: a.size, content: copyBuffer(a.content) };
}

const newestSessionFirst = (a: StoredSession, b: StoredSession): number =>
  b.record.startedAt - a.record.startedAt || b.seq - a.seq;

const newestMessageFirst = (a: StoredMessage, b: StoredMessage): number =>
  b.record.receivedAt - a.record.receivedAt || b.seq - a.seq;

function page<T, R>(rows: T[], filter: { limit?: number; offset?: number }, map: (row: T) => R): Page<R> {
  const { limit, offset } = pageBounds(filter);
  return { items: rows.slice(offset, offset + limit).map(map), total: rows.length };
}

export class MemoryStore implements Store {
  readonly kind = 'memory' as const;

  private readonly sessions = new Map<string, StoredSession>();
  private readonly messages = new Map<string, StoredMessage>();
  private seq = 0;
  private closed = false;
  private readonly pending = new Set<string>();

  writeBatch(ops: WriteOp[]): void {
    this.assertOpen();
    // check first, then apply: all or nothing, like the SQLite transaction
    const ids = new Set<string>();
    for (const op of ops) {
      if (op.kind !== 'message') continue;
      const id = op.message.record.id;
      if (this.messages.has(id) || ids.has(id)) throw new Error(`message ${id} already exists`);
      ids.add(id);
    }
    for (const op of ops) {
      switch (op.kind) {
        case 'session':
          this.putSession(op.session);
          break;
        case 'session-exists':
          if (!this.sessions.has(op.session.id)) this.putSession({ ...op.session, lines: [], decisions: [], messageIds: [] });
          break;
        case 'message':
          this.putMessage(op.message);
          if (op.displayPending) this.pending.add(op.message.record.id);
          break;
        case 'display':
          this.putDisplay(op.record, op.attachments);
          break;
      }
    }
  }

  pendingDisplay(): string[] {
    this.assertOpen();
    return [...this.pending].filter((id) => this.messages.has(id));
  }

  private putMessage(message: NewMessage): void {
    const record = structuredClone(message.record);
    this.messages.set(record.id, {
      seq: ++this.seq,
      record,
      raw: copyBuffer(message.raw),
      attachments: message.attachments.map(copyAttachment),
      search: messageSearchFields(record),
    });
  }

  private putDisplay(record: MessageRecord, attachments: Attachment[]): void {
    this.pending.delete(record.id);
    const stored = this.messages.get(record.id);
    if (!stored) return;
    stored.record = structuredClone(record);
    stored.attachments.push(...attachments.map(copyAttachment));
    stored.search = messageSearchFields(stored.record);
  }

  saveSession(session: SessionRecord): void {
    this.assertOpen();
    this.putSession(session);
  }

  saveMessage(message: NewMessage, session: SessionRecord): void {
    this.assertOpen();
    assertSameSession(message.record, session);
    // Check before changing anything: a failed save leaves the store as it was,
    // like the rolled-back SQLite transaction.
    if (this.messages.has(message.record.id)) {
      throw new Error(`message ${message.record.id} already exists`);
    }
    this.putSession(session);
    this.putMessage(message);
  }

  getSession(id: string): SessionRecord | undefined {
    this.assertOpen();
    const stored = this.sessions.get(id);
    return stored && structuredClone(stored.record);
  }

  listSessions(filter: SessionFilter): Page<SessionSummary> {
    this.assertOpen();
    const rows = [...this.sessions.values()].filter((s) => sessionMatches(s.record, filter, s.search)).sort(newestSessionFirst);
    return page(rows, filter, (s) => structuredClone(sessionSummary(s.record)));
  }

  getMessage(id: string): MessageRecord | undefined {
    this.assertOpen();
    const stored = this.messages.get(id);
    return stored && structuredClone(stored.record);
  }

  listMessages(filter: MessageFilter): Page<MessageSummary> {
    this.assertOpen();
    const rows = [...this.messages.values()]
      .filter(({ record, search }) => messageMatches(record, search, filter))
      .sort(newestMessageFirst);
    return page(rows, filter, (m) => structuredClone(messageSummary(m.record)));
  }

  getRaw(id: string): Buffer | undefined {
    this.assertOpen();
    const stored = this.messages.get(id);
    return stored && copyBuffer(stored.raw);
  }

  getAttachment(messageId: string, index: number): Attachment | undefined {
    this.assertOpen();
    const attachment = this.messages.get(messageId)?.attachments.find((a) => a.index === index);
    return attachment && copyAttachment(attachment);
  }

  deleteMessage(id: string): boolean {
    this.assertOpen();
    return this.messages.delete(id);
  }

  deleteAllMessages(): number {
    this.assertOpen();
    const count = this.messages.size;
    this.messages.clear();
    return count;
  }

  prune(limits: RetentionLimits): { sessions: number; messages: number } {
    this.assertOpen();
    let sessions = 0;
    let messages = 0;

    // Sessions first, taking their messages along; then the message cap over what is left.
    const sessionCap = retentionCap(limits.sessions);
    if (sessionCap !== undefined) {
      const pruned = new Set<string>();
      for (const s of [...this.sessions.values()].sort(newestSessionFirst).slice(sessionCap)) {
        this.sessions.delete(s.record.id);
        pruned.add(s.record.id);
        sessions++;
      }
      if (pruned.size > 0) {
        for (const [id, m] of this.messages) {
          if (pruned.has(m.record.sessionId)) {
            this.messages.delete(id);
            messages++;
          }
        }
      }
    }

    const messageCap = retentionCap(limits.messages);
    if (messageCap !== undefined) {
      for (const m of [...this.messages.values()].sort(newestMessageFirst).slice(messageCap)) {
        this.messages.delete(m.record.id);
        messages++;
      }
    }
    return { sessions, messages };
  }

  counts(): { sessions: number; messages: number; accepted: number; rejected: number } {
    this.assertOpen();
    let accepted = 0;
    let rejected = 0;
    for (const { record } of this.messages.values()) {
      if (record.status === 'accepted') accepted++;
      else if (record.status === 'rejected') rejected++;
    }
    return { sessions: this.sessions.size, messages: this.messages.size, accepted, rejected };
  }

  close(): void {
    this.closed = true;
    this.sessions.clear();
    this.messages.clear();
  }

  /** Upsert that keeps the original insertion order, as SQLite's ON CONFLICT DO UPDATE keeps the rowid. */
  private putSession(session: SessionRecord): void {
    const record = structuredClone(session);
    const existing = this.sessions.get(record.id);
    this.sessions.set(record.id, { seq: existing?.seq ?? ++this.seq, record, search: sessionSearchText(record) });
  }

  /** Using a closed SQLite store throws; so does this one, so tests catch use-after-close. */
  private assertOpen(): void {
    if (this.closed) throw new Error('the store is closed');
  }
}
