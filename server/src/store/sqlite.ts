/**
 * The durable Store: one SQLite file in WAL mode, through better-sqlite3.
 *
 * better-sqlite3 is synchronous, so every method returns after its statement (or
 * transaction) has completed; saveMessage in particular returns only after COMMIT, which is
 * what lets the SMTP adapter write its 250 afterwards.
 *
 * Rows keep a few plain columns for filtering and ordering, and the record itself as JSON,
 * split so that lists never read (or parse) transcripts and bodies:
 *   sessions.summary = the record without lines/decisions, sessions.trace = {lines, decisions}
 *   messages.summary = the record without text/html/headers, plus text, html, headers columns.
 * Search columns (`*_lc`) hold lower-cased text computed in JS: SQLite's LIKE/lower() only
 * fold ASCII, and the in-memory store folds with String#toLowerCase.
 */
import Database from 'better-sqlite3';
import { Checkpointer, type CheckpointResult } from './checkpointer.js';
import {
  assertSameSession,
  listSearchText,
  messageSearchFields,
  messageSummary,
  needle,
  pageBounds,
  retentionCap,
  sessionSearchText,
  sessionSummary,
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
  TranscriptLine,
  WriteOp,
} from './types.js';
import type { Decision, Warning } from '../policy/types.js';

/** Bumped whenever the schema changes; stored in PRAGMA user_version. */
const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  id              TEXT PRIMARY KEY,
  started_at      INTEGER NOT NULL,
  listener        TEXT NOT NULL,
  outcome         TEXT NOT NULL,
  client_address  TEXT NOT NULL,
  claimed_address TEXT,
  helo_name       TEXT,
  subject         TEXT,
  rule_id         TEXT,
  search_lc       TEXT NOT NULL,
  summary         TEXT NOT NULL,
  trace           TEXT NOT NULL,
  tag             TEXT
);
CREATE INDEX IF NOT EXISTS sessions_started_at ON sessions (started_at);

CREATE TABLE IF NOT EXISTS messages (
  id          TEXT PRIMARY KEY,
  session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  received_at INTEGER NOT NULL,
  status      TEXT NOT NULL,
  mail_from   TEXT NOT NULL,
  rcpt_to     TEXT NOT NULL,
  subject     TEXT,
  from_lc     TEXT NOT NULL,
  to_lc       TEXT NOT NULL,
  subject_lc  TEXT NOT NULL,
  text_lc     TEXT NOT NULL,
  text        TEXT,
  html        TEXT,
  headers     TEXT NOT NULL,
  summary     TEXT NOT NULL,
  tag         TEXT
);
CREATE INDEX IF NOT EXISTS messages_received_at ON messages (received_at);
CREATE INDEX IF NOT EXISTS messages_session ON messages (session_id);
CREATE INDEX IF NOT EXISTS messages_status ON messages (status, received_at);
-- the isolation tag as a column (schema 2): an index on json_extract(summary, '$.tag') made
-- every insert parse the summary JSON once more (+10% new-connection rate in one A/B run;
-- within the noise of the 3-run medians)
CREATE INDEX IF NOT EXISTS messages_tag_col ON messages (tag);
CREATE INDEX IF NOT EXISTS sessions_tag_col ON sessions (tag);

CREATE TABLE IF NOT EXISTS message_raw (
  message_id TEXT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  raw        BLOB NOT NULL
);

CREATE TABLE IF NOT EXISTS attachments (
  message_id   TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  idx          INTEGER NOT NULL,
  filename     TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size         INTEGER NOT NULL,
  content      BLOB NOT NULL,
  PRIMARY KEY (message_id, idx)
);

-- Messages stored at the end of DATA whose display fields (bodies, attachments, decoded
-- addresses) are still being parsed; what is left here after a crash is parsed at start-up.
CREATE TABLE IF NOT EXISTS pending_display (
  message_id TEXT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE
);
`;

/** Newest first; equal timestamps fall back to insertion order (rowid), as in MemoryStore. */
const SESSION_ORDER = 'ORDER BY started_at DESC, rowid DESC';
const MESSAGE_ORDER = 'ORDER BY received_at DESC, rowid DESC';

interface SessionRow {
  summary: string;
  trace: string;
}

interface MessageRow {
  summary: string;
  text: string | null;
  html: string | null;
  headers: string;
}

interface AttachmentRow {
  filename: string;
  content_type: string;
  size: number;
  content: Buffer;
}

interface CountsRow {
  sessions: number;
  messages: number;
  accepted: number;
  rejected: number;
}

interface Trace {
  lines: TranscriptLine[];
  decisions: Decision[];
  warnings?: Warning[];
}

type Params = Record<string, string | number | null>;

/** A WHERE clause assembled from the filters that are set, with its named parameters. */
interface Where {
  sql: string;
  params: Params;
}

function where(conditions: Array<[string, Params] | undefined>): Where {
  const set = conditions.filter((c): c is [string, Params] => c !== undefined);
  return {
    sql: set.length > 0 ? `WHERE ${set.map(([sql]) => sql).join(' AND ')}` : '',
    params: Object.assign({}, ...set.map(([, params]) => params)) as Params,
  };
}

/** `bouncer_regexp(...)` over a column, with the pattern's source and flags as parameters. */
function regexCondition(re: RegExp, column: string): [string, Params] {
  return [`bouncer_regexp(@reSource, @reFlags, ${column}) = 1`, { reSource: re.source, reFlags: re.flags }];
}

/** The message columns the display parse fills in (written at insert, rewritten by the update). */
function displayParams(m: MessageRecord): Params {
  const search = messageSearchFields(m);
  return {
    subject: m.subject ?? null,
    fromLc: search.from,
    toLc: search.to,
    subjectLc: search.subject,
    textLc: search.text,
    text: m.text ?? null,
    html: m.html ?? null,
    summary: JSON.stringify(messageSummary(m)),
  };
}

export interface SqliteStoreOptions {
  /**
   * Checkpoint the WAL in a thread of its own (checkpointer.ts) instead of inside the commits.
   * Ignored for ':memory:' and '', which no second connection can open.
   */
  checkpointThread?: boolean;
}

/** SQLite's own wal_autocheckpoint default, in pages. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

/**
 * With the checkpoint thread, this connection still checkpoints once the WAL holds this many
 * pages (16 MB). The thread's PASSIVE checkpoints run beside this connection's commits, so
 * under steady load they never catch up to the very last frame, and SQLite starts the WAL
 * over only after a checkpoint that did: without this backstop the WAL grew by the whole
 * load (320 MB after 20,000 messages). The thread has copied all but the last few frames by
 * then, so the backstop copies little; it also syncs, 4× less often than by default.
 */
const BACKSTOP_AUTOCHECKPOINT_PAGES = 4000;

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;

  private readonly db: Database.Database;
  /** Checkpoints the WAL off this thread, if asked to (SqliteStoreOptions.checkpointThread). */
  private readonly checkpointer: Checkpointer | undefined;

  private readonly upsertSessionStmt;
  private readonly insertMessageStmt;
  private readonly insertRawStmt;
  private readonly insertAttachmentStmt;
  private readonly getSessionStmt;
  private readonly getMessageStmt;
  private readonly getRawStmt;
  private readonly getAttachmentStmt;
  private readonly deleteMessageStmt;
  private readonly deleteAllMessagesStmt;
  private readonly pruneSessionMessagesStmt;
  private readonly pruneSessionsStmt;
  private readonly pruneMessagesStmt;
  private readonly countsStmt;
  private readonly ensureSessionStmt;
  private readonly sessionExistsStmt;
  private readonly updateDisplayStmt;
  private readonly insertPendingStmt;
  private readonly deletePendingStmt;
  private readonly pendingStmt;
  /** List/count statements depend on which filters are set; each shape is prepared once. */
  private readonly listStatements = new Map<string, Database.Statement<[Params], unknown>>();

  private readonly saveMessageTx: (message: NewMessage, session: SessionRecord) => void;
  private readonly pruneTx: (limits: RetentionLimits) => { sessions: number; messages: number };
  private readonly writeBatchTx: (ops: WriteOp[]) => void;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.db = new Database(path);
    try {
      this.configure();
      this.migrate();
    } catch (err) {
      this.db.close();
      throw err;
    }
    // ':memory:' and '' are private to this connection: no other one could checkpoint them
    if (options.checkpointThread && path !== ':memory:' && path !== '') {
      this.db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
      this.checkpointer = new Checkpointer(path, () => {
        // the thread is gone: this connection checkpoints inside its commits again
        if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
      });
    }

    this.upsertSessionStmt = this.db.prepare<Params>(`
      INSERT INTO sessions (id, started_at, listener, outcome, client_address, claimed_address, helo_name,
                            subject, rule_id, search_lc, summary, trace, tag)
      VALUES (@id, @startedAt, @listener, @outcome, @clientAddress, @claimedAddress, @heloName,
              @subject, @ruleId, @search, @summary, @trace, @tag)
      ON CONFLICT (id) DO UPDATE SET
        started_at = excluded.started_at, listener = excluded.listener, outcome = excluded.outcome,
        client_address = excluded.client_address, claimed_address = excluded.claimed_address,
        helo_name = excluded.helo_name, subject = excluded.subject, rule_id = excluded.rule_id,
        search_lc = excluded.search_lc, summary = excluded.summary, trace = excluded.trace, tag = excluded.tag`);
    // An upsert, not INSERT OR REPLACE: REPLACE deletes the old row first, which would
    // cascade to the session's messages.

    this.insertMessageStmt = this.db.prepare<Params>(`
      INSERT INTO messages (id, session_id, received_at, status, mail_from, rcpt_to, subject,
                            from_lc, to_lc, subject_lc, text_lc, text, html, headers, summary, tag)
      VALUES (@id, @sessionId, @receivedAt, @status, @mailFrom, @rcptTo, @subject,
              @fromLc, @toLc, @subjectLc, @textLc, @text, @html, @headers, @summary, @tag)`);
    this.insertRawStmt = this.db.prepare<[string, Buffer]>('INSERT INTO message_raw (message_id, raw) VALUES (?, ?)');
    this.insertAttachmentStmt = this.db.prepare<[string, number, string, string, number, Buffer]>(
      'INSERT INTO attachments (message_id, idx, filename, content_type, size, content) VALUES (?, ?, ?, ?, ?, ?)',
    );

    this.getSessionStmt = this.db.prepare<[string], SessionRow>('SELECT summary, trace FROM sessions WHERE id = ?');
    this.getMessageStmt = this.db.prepare<[string], MessageRow>(
      'SELECT summary, text, html, headers FROM messages WHERE id = ?',
    );
    this.getRawStmt = this.db.prepare<[string], Buffer>('SELECT raw FROM message_raw WHERE message_id = ?').pluck();
    this.getAttachmentStmt = this.db.prepare<[string, number], AttachmentRow>(
      'SELECT filename, content_type, size, content FROM attachments WHERE message_id = ? AND idx = ?',
    );

    this.deleteMessageStmt = this.db.prepare<[string]>('DELETE FROM messages WHERE id = ?');
    this.deleteAllMessagesStmt = this.db.prepare<[]>('DELETE FROM messages');

    // LIMIT -1 OFFSET n: every row after the newest n.
    const prunedSessions = (column: string): string => `SELECT ${column} FROM sessions ${SESSION_ORDER} LIMIT -1 OFFSET ?`;
    this.pruneSessionMessagesStmt = this.db.prepare<[number]>(
      `DELETE FROM messages WHERE session_id IN (${prunedSessions('id')})`,
    );
    this.pruneSessionsStmt = this.db.prepare<[number]>(`DELETE FROM sessions WHERE rowid IN (${prunedSessions('rowid')})`);
    this.pruneMessagesStmt = this.db.prepare<[number]>(
      `DELETE FROM messages WHERE rowid IN (SELECT rowid FROM messages ${MESSAGE_ORDER} LIMIT -1 OFFSET ?)`,
    );

    this.countsStmt = this.db.prepare<[], CountsRow>(`
      SELECT (SELECT count(*) FROM sessions) AS sessions,
             (SELECT count(*) FROM messages) AS messages,
             (SELECT count(*) FROM messages WHERE status = 'accepted') AS accepted,
             (SELECT count(*) FROM messages WHERE status = 'rejected') AS rejected`);

    this.ensureSessionStmt = this.db.prepare<Params>(`
      INSERT INTO sessions (id, started_at, listener, outcome, client_address, claimed_address, helo_name,
                            subject, rule_id, search_lc, summary, trace, tag)
      VALUES (@id, @startedAt, @listener, @outcome, @clientAddress, @claimedAddress, @heloName,
              @subject, @ruleId, @search, @summary, @trace, @tag)
      ON CONFLICT (id) DO NOTHING`);
    this.sessionExistsStmt = this.db.prepare<[string], number>('SELECT 1 FROM sessions WHERE id = ?').pluck();
    this.updateDisplayStmt = this.db.prepare<Params>(`
      UPDATE messages SET subject = @subject, from_lc = @fromLc, to_lc = @toLc, subject_lc = @subjectLc,
                          text_lc = @textLc, text = @text, html = @html, summary = @summary
      WHERE id = @id`);
    this.insertPendingStmt = this.db.prepare<[string]>('INSERT INTO pending_display (message_id) VALUES (?)');
    this.deletePendingStmt = this.db.prepare<[string]>('DELETE FROM pending_display WHERE message_id = ?');
    this.pendingStmt = this.db.prepare<[], string>('SELECT message_id FROM pending_display ORDER BY rowid').pluck();

    this.writeBatchTx = this.db.transaction((ops: WriteOp[]) => {
      for (const op of ops) {
        switch (op.kind) {
          case 'session':
            this.upsertSessionStmt.run(this.sessionParams(op.session));
            break;
          case 'session-exists':
            // only used when the row is gone (pruned) or was never written: a stub the close
            // replaces. Looked up first: a long session's summary (a thousand senders) is not
            // serialised again with every batch only to be ignored by ON CONFLICT
            if (this.sessionExistsStmt.get(op.session.id) === undefined) {
              this.ensureSessionStmt.run(this.sessionParams({ ...op.session, lines: [], decisions: [], messageIds: [] }));
            }
            break;
          case 'message':
            this.insertMessage(op.message);
            if (op.displayPending) this.insertPendingStmt.run(op.message.record.id);
            break;
          case 'display':
            this.updateDisplay(op.record, op.attachments);
            break;
        }
      }
    });

    this.saveMessageTx = this.db.transaction((message: NewMessage, session: SessionRecord) => {
      // The session first: the message row references it.
      this.upsertSessionStmt.run(this.sessionParams(session));
      this.insertMessage(message);
    });

    this.pruneTx = this.db.transaction((limits: RetentionLimits) => {
      let sessions = 0;
      let messages = 0;
      const sessionCap = retentionCap(limits.sessions);
      if (sessionCap !== undefined) {
        // Messages explicitly before their sessions, so they are counted (cascaded deletes are not).
        messages += this.pruneSessionMessagesStmt.run(sessionCap).changes;
        sessions += this.pruneSessionsStmt.run(sessionCap).changes;
      }
      const messageCap = retentionCap(limits.messages);
      if (messageCap !== undefined) messages += this.pruneMessagesStmt.run(messageCap).changes;
      return { sessions, messages };
    });
  }

  writeBatch(ops: WriteOp[]): void {
    if (ops.length === 0) return;
    this.writeBatchTx(ops);
    this.checkpointer?.nudge();
  }

  get checkpointThreads(): number {
    return this.checkpointer?.threads ?? 0;
  }

  /** A checkpoint by the checkpoint thread now; undefined without one (tests). */
  checkpointInThread(): Promise<CheckpointResult | undefined> {
    return this.checkpointer?.checkpoint() ?? Promise.resolve(undefined);
  }

  pendingDisplay(): string[] {
    return this.pendingStmt.all();
  }

  private insertMessage(message: NewMessage): void {
    const record = message.record;
    this.insertMessageStmt.run(this.messageParams(record));
    this.insertRawStmt.run(record.id, message.raw);
    for (const a of message.attachments) {
      this.insertAttachmentStmt.run(record.id, a.index, a.filename, a.contentType, a.size, a.content);
    }
  }

  /** A message deleted before its parse finished stays deleted. */
  private updateDisplay(record: MessageRecord, attachments: Attachment[]): void {
    // only the columns the parse fills in (messageParams would serialise the headers and
    // recipients again, for nothing)
    const changed = this.updateDisplayStmt.run({ id: record.id, ...displayParams(record) }).changes;
    if (changed === 0) return;
    for (const a of attachments) {
      this.insertAttachmentStmt.run(record.id, a.index, a.filename, a.contentType, a.size, a.content);
    }
    this.deletePendingStmt.run(record.id);
  }

  saveSession(session: SessionRecord): void {
    this.upsertSessionStmt.run(this.sessionParams(session));
  }

  saveMessage(message: NewMessage, session: SessionRecord): void {
    assertSameSession(message.record, session);
    this.saveMessageTx(message, session);
  }

  getSession(id: string): SessionRecord | undefined {
    const row = this.getSessionStmt.get(id);
    if (!row) return undefined;
    const { warningCount: _count, ...summary } = JSON.parse(row.summary) as SessionSummary;
    const trace = JSON.parse(row.trace) as Trace;
    // rows written before warnings existed have none
    return { ...summary, lines: trace.lines, decisions: trace.decisions, warnings: trace.warnings ?? [] };
  }

  listSessions(filter: SessionFilter): Page<SessionSummary> {
    const q = needle(filter.q);
    const from = needle(filter.from);
    const to = needle(filter.to);
    const subject = needle(filter.subject);
    const decisionWith = (field: string, param: string) =>
      `EXISTS (SELECT 1 FROM json_each(trace, '$.decisions') AS d WHERE json_extract(d.value, '$.${field}') = @${param})`;
    const w = where([
      filter.outcome !== undefined ? ['outcome = @outcome', { outcome: filter.outcome }] : undefined,
      filter.listener !== undefined ? ['listener = @listener', { listener: filter.listener }] : undefined,
      filter.finished === true ? ["outcome <> 'open'", {}] : undefined,
      filter.tag !== undefined ? ['tag = @tag', { tag: filter.tag }] : undefined,
      filter.since !== undefined ? ['started_at >= @since', { since: filter.since }] : undefined,
      filter.ruleId !== undefined ? [decisionWith('ruleId', 'ruleId'), { ruleId: filter.ruleId }] : undefined,
      filter.scenarioId !== undefined ? [decisionWith('scenarioId', 'scenarioId'), { scenarioId: filter.scenarioId }] : undefined,
      from !== undefined ? ["instr(bouncer_list_lc(json_extract(summary, '$.senders')), @from) > 0", { from }] : undefined,
      to !== undefined ? ["instr(bouncer_list_lc(json_extract(summary, '$.recipients')), @to) > 0", { to }] : undefined,
      subject !== undefined ? ['instr(bouncer_lower(subject), @subject) > 0', { subject }] : undefined,
      filter.subjectRegex !== undefined ? regexCondition(filter.subjectRegex, 'subject') : undefined,
      q !== undefined ? ['instr(search_lc, @q) > 0', { q }] : undefined,
    ]);
    return this.page('sessions', 'summary', SESSION_ORDER, w, filter, (json) => JSON.parse(json) as SessionSummary);
  }

  getMessage(id: string): MessageRecord | undefined {
    const row = this.getMessageStmt.get(id);
    if (!row) return undefined;
    const record: MessageRecord = {
      ...(JSON.parse(row.summary) as MessageSummary),
      headers: JSON.parse(row.headers) as MessageRecord['headers'],
    };
    if (row.text !== null) record.text = row.text;
    if (row.html !== null) record.html = row.html;
    return record;
  }

  listMessages(filter: MessageFilter): Page<MessageSummary> {
    const from = needle(filter.from);
    const to = needle(filter.to);
    const subject = needle(filter.subject);
    const q = needle(filter.q);
    const w = where([
      filter.status !== undefined ? ['status = @status', { status: filter.status }] : undefined,
      filter.sessionId !== undefined ? ['session_id = @sessionId', { sessionId: filter.sessionId }] : undefined,
      from !== undefined ? ['instr(from_lc, @from) > 0', { from }] : undefined,
      to !== undefined ? ['instr(to_lc, @to) > 0', { to }] : undefined,
      subject !== undefined ? ['instr(subject_lc, @subject) > 0', { subject }] : undefined,
      filter.tag !== undefined ? ['tag = @tag', { tag: filter.tag }] : undefined,
      filter.since !== undefined ? ['received_at >= @since', { since: filter.since }] : undefined,
      filter.ruleId !== undefined ? ["json_extract(summary, '$.rejection.ruleId') = @ruleId", { ruleId: filter.ruleId }] : undefined,
      filter.subjectRegex !== undefined ? regexCondition(filter.subjectRegex, 'subject') : undefined,
      q !== undefined
        ? [
            '(instr(from_lc, @q) > 0 OR instr(to_lc, @q) > 0 OR instr(subject_lc, @q) > 0 OR instr(text_lc, @q) > 0)',
            { q },
          ]
        : undefined,
    ]);
    return this.page('messages', 'summary', MESSAGE_ORDER, w, filter, (json) => JSON.parse(json) as MessageSummary);
  }

  getRaw(id: string): Buffer | undefined {
    return this.getRawStmt.get(id);
  }

  getAttachment(messageId: string, index: number): Attachment | undefined {
    const row = this.getAttachmentStmt.get(messageId, index);
    if (!row) return undefined;
    return { index, filename: row.filename, contentType: row.content_type, size: row.size, content: row.content };
  }

  deleteMessage(id: string): boolean {
    // Raw source and attachments go by ON DELETE CASCADE.
    const deleted = this.deleteMessageStmt.run(id).changes > 0;
    if (deleted) this.checkpointer?.nudge();
    return deleted;
  }

  deleteAllMessages(): number {
    const deleted = this.deleteAllMessagesStmt.run().changes;
    if (deleted > 0) this.checkpointer?.nudge();
    return deleted;
  }

  prune(limits: RetentionLimits): { sessions: number; messages: number } {
    const pruned = this.pruneTx(limits);
    // only after a change: pruning runs every 10 s, and an idle sandbox needs no checkpoint thread
    if (pruned.sessions + pruned.messages > 0) this.checkpointer?.nudge();
    return pruned;
  }

  counts(): { sessions: number; messages: number; accepted: number; rejected: number } {
    const row = this.countsStmt.get();
    if (!row) throw new Error('counts query returned no row');
    return row;
  }

  close(): void {
    // Closing the last connection checkpoints the WAL into the main file (this one, or the
    // checkpoint thread's, whichever closes last).
    this.checkpointer?.close();
    if (this.db.open) this.db.close();
  }

  private configure(): void {
    // WAL: readers never block the writer, and a commit is one append to the -wal file.
    this.db.pragma('journal_mode = WAL');
    // NORMAL (instead of FULL) skips the fsync at each commit; in WAL mode a committed
    // transaction is already in the -wal file (in the OS page cache), so it survives the
    // process being SIGKILLed. Only an OS crash or power loss could lose the last commits,
    // never corrupt the database. That trade buys thousands of messages per second.
    this.db.pragma('synchronous = NORMAL');
    // SQLite leaves foreign keys off by default; the cascades to raw/attachments need them.
    this.db.pragma('foreign_keys = ON');
    // Another process (a second Bouncer, the CLI) may hold the write lock for a moment.
    this.db.pragma('busy_timeout = 5000');
    // Filters that must fold and match exactly as the in-memory store does (common.ts), in JS.
    this.db.function('bouncer_lower', { deterministic: true }, (value: unknown) =>
      typeof value === 'string' ? value.toLowerCase() : '',
    );
    this.db.function('bouncer_list_lc', { deterministic: true }, (json: unknown) =>
      typeof json === 'string' ? listSearchText(JSON.parse(json) as string[]) : '',
    );
    // the pattern was compiled by util/safe-regex.ts (linear time); recompiling it here with the
    // same source and flags keeps that property
    const compiled = new Map<string, RegExp>();
    this.db.function('bouncer_regexp', { deterministic: true }, (source: unknown, flags: unknown, value: unknown) => {
      const key = `${String(flags)}/${String(source)}`;
      let re = compiled.get(key);
      if (!re) {
        if (compiled.size > 100) compiled.clear();
        re = new RegExp(String(source), String(flags));
        compiled.set(key, re);
      }
      return re.test(typeof value === 'string' ? value : '') ? 1 : 0;
    });
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`the store was written by a newer Bouncer (schema ${version}, this one knows ${SCHEMA_VERSION})`);
    }
    this.db.transaction(() => {
      if (version === 1) {
        // schema 1 → 2: the tag moves from an expression index into a column of its own
        for (const table of ['sessions', 'messages']) {
          this.db.exec(`ALTER TABLE ${table} ADD COLUMN tag TEXT; UPDATE ${table} SET tag = json_extract(summary, '$.tag'); DROP INDEX IF EXISTS ${table}_tag;`);
        }
      }
      this.db.exec(SCHEMA);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  }

  private sessionParams(s: SessionRecord): Params {
    return {
      id: s.id,
      startedAt: s.startedAt,
      listener: s.listener,
      outcome: s.outcome,
      clientAddress: s.clientAddress,
      claimedAddress: s.claimedAddress ?? null,
      heloName: s.heloName ?? null,
      subject: s.subject ?? null,
      ruleId: s.rejection?.ruleId ?? null,
      search: sessionSearchText(s),
      summary: JSON.stringify(sessionSummary(s)),
      trace: JSON.stringify({ lines: s.lines, decisions: s.decisions, warnings: s.warnings } satisfies Trace),
      tag: s.tag ?? null,
    };
  }

  private messageParams(m: MessageRecord): Params {
    return {
      id: m.id,
      sessionId: m.sessionId,
      receivedAt: m.receivedAt,
      status: m.status,
      mailFrom: m.mailFrom,
      rcptTo: JSON.stringify(m.rcptTo),
      headers: JSON.stringify(m.headers),
      tag: m.tag ?? null,
      ...displayParams(m),
    };
  }

  /** Runs the count and the page of a list with the same WHERE clause. */
  private page<T>(
    table: 'sessions' | 'messages',
    column: 'summary',
    order: string,
    w: Where,
    filter: { limit?: number; offset?: number },
    parse: (json: string) => T,
  ): Page<T> {
    const { limit, offset } = pageBounds(filter);
    const total = this.listStatement(`SELECT count(*) FROM ${table} ${w.sql}`).get(w.params) as number;
    const rows = this.listStatement(`SELECT ${column} FROM ${table} ${w.sql} ${order} LIMIT @limit OFFSET @offset`).all({
      ...w.params,
      limit,
      offset,
    }) as string[];
    return { items: rows.map(parse), total };
  }

  private listStatement(sql: string): Database.Statement<[Params], unknown> {
    let stmt = this.listStatements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare<Params>(sql).pluck();
      this.listStatements.set(sql, stmt);
    }
    return stmt;
  }
}
