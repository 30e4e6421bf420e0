/**
 * The deferred half of storing a message: after the message (raw source, headers, envelope,
 * verdict) is committed and answered, its display fields — bodies, attachments, decoded
 * subject and addresses — are parsed (in a worker, mail/parse-pool.ts) and written with the
 * next group commit. Until then the store lists the message as pending (pendingDisplay),
 * so that a crash in between is made good at the next start (recover()).
 *
 * Readers that need complete records wait for `settled()`: the HTTP API does before it
 * reads messages, so a client that got its 250 and asks at once sees the parsed message.
 */
import type { ParsePool } from '../mail/parse-pool.js';
import type { ParsedFields } from '../mail/parse.js';
import type { Attachment, DisplayFields, MessageRecord, Store } from './types.js';
import type { StoreWriter } from './write-queue.js';

/** More messages than this waiting for their parse hold up new ones (backpressure). */
export const MAX_PENDING_DISPLAY = 1000;
/** A display write the store refused is tried again after this. */
export const RETRY_MS = 1000;

export interface DisplayLog {
  warn(obj: object, msg: string): void;
}

export function displayFields(parsed: ParsedFields): DisplayFields {
  return {
    subject: parsed.subject,
    from: parsed.from,
    to: parsed.to,
    cc: parsed.cc,
    date: parsed.date,
    messageIdHeader: parsed.messageIdHeader,
    text: parsed.text,
    html: parsed.html,
    attachments: parsed.attachments,
    parseError: parsed.parseError,
  };
}

/** The record with its display fields replaced (fields the parse did not find are absent). */
export function withDisplay(record: MessageRecord, fields: DisplayFields): MessageRecord {
  // left out by destructuring, not `delete`: an object that lost properties is switched to
  // V8's slow dictionary mode, and this one is read field by field several times (summary,
  // search text, the live event)
  const { subject: _subject, date: _date, messageIdHeader: _messageIdHeader, text: _text, html: _html, parseError: _parseError, ...kept } = record;
  const full = kept as MessageRecord;
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) (full as unknown as Record<string, unknown>)[key] = value;
  return full;
}

export interface DisplayJob {
  parsed: Promise<MessageRecord>;
  written: Promise<MessageRecord>;
}

export class DisplayQueue {
  private readonly pending = new Set<Promise<unknown>>();
  private roomWaiters: Array<() => void> = [];

  constructor(
    private readonly pool: ParsePool,
    private readonly writer: StoreWriter,
    private readonly log: DisplayLog,
    private readonly maxPending = MAX_PENDING_DISPLAY,
  ) {}

  /**
   * Parses a stored message and writes its display fields. `parsed` resolves with the complete
   * record as soon as it is parsed (its write is queued by then, so a write queued in reaction
   * joins the same commit); `written` once the display fields are committed. Neither rejects.
   */
  enqueue(record: MessageRecord, raw: Buffer): DisplayJob {
    const parsed = this.pool.parse(raw).then((fields) => ({ full: withDisplay(record, displayFields(fields)), attachments: fields.attachmentBodies }));
    const written = parsed.then(async ({ full, attachments }) => {
      try {
        await this.writer.saveDisplay(full, attachments);
      } catch (err) {
        // the store is failing (disk full?): try again later, and at the next start if it
        // never recovers (the store lists the message as pending until then)
        this.log.warn({ err, message: record.id }, 'display fields not stored; retrying');
        this.retry(full, attachments);
      }
      return full;
    });
    this.track(written);
    return { parsed: parsed.then(({ full }) => full), written };
  }

  /** Display writes that failed, retried every RETRY_MS while the server runs. */
  private failed: Array<{ record: MessageRecord; attachments: Attachment[] }> = [];
  private retryTimer: NodeJS.Timeout | undefined;

  private retry(record: MessageRecord, attachments: Attachment[]): void {
    this.failed.push({ record, attachments });
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      const batch = this.failed;
      this.failed = [];
      for (const f of batch) this.writer.saveDisplay(f.record, f.attachments).catch(() => this.retry(f.record, f.attachments));
    }, RETRY_MS);
    this.retryTimer.unref();
  }

  /** Stops retrying (the store is closing). */
  close(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** Resolves once there is room (fewer than maxPending parses waiting). */
  room(): Promise<void> {
    if (this.pending.size < this.maxPending) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Resolves when every parse pending now is written. */
  async settled(): Promise<void> {
    if (this.pending.size > 0) await this.writer.hurryWhile(Promise.allSettled([...this.pending]));
  }

  get size(): number {
    return this.pending.size;
  }

  /** Messages a previous run stored but did not parse (killed in between). */
  recover(store: Store): number {
    const ids = store.pendingDisplay();
    for (const id of ids) {
      const raw = store.getRaw(id);
      const record = store.getMessage(id);
      if (raw && record) this.enqueue(record, raw);
    }
    return ids.length;
  }

  private track(job: Promise<unknown>): void {
    this.pending.add(job);
    void job.catch(() => undefined).finally(() => {
      this.pending.delete(job);
      if (this.pending.size < this.maxPending && this.roomWaiters.length) {
        const waiters = this.roomWaiters;
        this.roomWaiters = [];
        for (const w of waiters) w();
      }
    });
  }
}
