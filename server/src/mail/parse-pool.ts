/**
 * The full mailparser parse (for display: bodies, attachments, decoded addresses) in worker
 * threads, so that it never holds up an SMTP reply: mailparser costs ~100 µs of CPU per 2 KB
 * message, as much as the rest of the dialogue. The worker is plain CommonJS evaluated from
 * a string, so the same code runs from the TypeScript sources (tests) and from dist.
 *
 * With `workers: 0` the parse runs in the main thread (still after the reply).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { fieldsFromParsed, parseFailure, parseMessage, PARSER_OPTIONS, type ParsedFields, type ParsedMailSubset } from './parse.js';

const require = createRequire(import.meta.url);

/** A parse that takes longer than this is given up (the worker is replaced). */
export const PARSE_TIMEOUT_MS = 30_000;

/**
 * The worker's young generation, in MB. V8 sizes it like the main thread's (16 MB semi-spaces
 * on a machine with this much memory), and a busy worker touches all of it: ~30 MB of RSS for
 * objects that live for one parse. 4 MB holds a small message's parse; large strings and
 * buffers go to the large-object space whatever this says, and the old generation is not
 * capped, so a big message cannot run the worker out of memory because of it.
 * Measured: RSS after the benchmark's 20,000 messages 258 → 228 MB (docs/benchmarks.md).
 */
export const WORKER_YOUNG_GENERATION_MB = 4;

// Messages go to the worker, and results come back, in batches: one postMessage per
// event-loop turn instead of one per message (each costs a cross-thread wake-up).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { simpleParser } = require(workerData.mailparser);
let outbox = [];
function reply(result) {
  if (outbox.push(result) === 1) setImmediate(() => { const batch = outbox; outbox = []; parentPort.postMessage(batch); });
}
parentPort.on('message', (jobs) => {
  for (const { id, raw } of jobs) {
    simpleParser(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), workerData.options).then(
      (p) => {
        const attachments = p.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size, content: a.content }));
        reply({ id, ok: true, parsed: {
          subject: p.subject, from: p.from, to: p.to, cc: p.cc, date: p.date, messageId: p.messageId,
          text: p.text, html: p.html, headerLines: [], attachments,
        } });
      },
      (err) => reply({ id, ok: false, error: String((err && err.message) || err) }),
    );
  }
});
`;

interface Job {
  resolve: (fields: ParsedFields) => void;
  timer: NodeJS.Timeout;
}

type Reply = { id: number; ok: true; parsed: ParsedMailSubset } | { id: number; ok: false; error: string };

class ParseWorker {
  private worker: Worker;
  readonly jobs = new Map<number, Job>();
  private outbox: Array<{ id: number; raw: Uint8Array }> = [];
  private transfer: ArrayBuffer[] = [];

  constructor(private readonly onGone: (w: ParseWorker) => void) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { mailparser: require.resolve('mailparser'), options: PARSER_OPTIONS },
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    this.worker.unref();
    this.worker.on('message', (replies: Reply[]) => {
      for (const reply of replies) {
        const job = this.jobs.get(reply.id);
        if (!job) continue;
        this.jobs.delete(reply.id);
        clearTimeout(job.timer);
        job.resolve(reply.ok ? fieldsFromParsed(reply.parsed) : parseFailure(reply.error));
      }
    });
    this.worker.on('error', (err) => this.fail(`the parse worker failed: ${err.message}`));
    this.worker.on('exit', () => this.fail('the parse worker exited'));
  }

  post(id: number, raw: Buffer, resolve: (fields: ParsedFields) => void): void {
    const timer = setTimeout(() => this.fail(`parsing took longer than ${PARSE_TIMEOUT_MS / 1000} s`), PARSE_TIMEOUT_MS);
    timer.unref();
    this.jobs.set(id, { resolve, timer });
    // a copy in an ArrayBuffer of its own, handed over rather than cloned again
    const copy = new Uint8Array(raw);
    this.outbox.push({ id, raw: copy });
    this.transfer.push(copy.buffer);
    if (this.outbox.length === 1) setImmediate(() => this.send());
  }

  private send(): void {
    const jobs = this.outbox;
    const transfer = this.transfer;
    this.outbox = [];
    this.transfer = [];
    if (jobs.length) this.worker.postMessage(jobs, transfer);
  }

  /** Every job still here ends with the parse error; the worker is replaced. */
  private fail(reason: string): void {
    const jobs = [...this.jobs.values()];
    this.jobs.clear();
    this.outbox = [];
    this.transfer = [];
    for (const job of jobs) {
      clearTimeout(job.timer);
      job.resolve(parseFailure(reason));
    }
    this.onGone(this);
    void this.worker.terminate();
  }

  terminate(): Promise<number> {
    this.worker.removeAllListeners('exit');
    for (const job of this.jobs.values()) {
      clearTimeout(job.timer);
      job.resolve(parseFailure('Bouncer stopped before the message was parsed'));
    }
    this.jobs.clear();
    return this.worker.terminate();
  }
}

export interface ParsePool {
  /** Never rejects: a message mailparser cannot read resolves with a parseError. */
  parse(raw: Buffer): Promise<ParsedFields>;
  /** Messages being parsed right now. */
  readonly pending: number;
  close(): Promise<void>;
}

export function createParsePool(workers: number): ParsePool {
  if (workers <= 0) {
    let pending = 0;
    return {
      async parse(raw) {
        pending++;
        try {
          return await parseMessage(raw);
        } finally {
          pending--;
        }
      },
      get pending() {
        return pending;
      },
      async close() {},
    };
  }
  const pool: ParseWorker[] = [];
  let nextId = 0;
  let closed = false;
  const replace = (gone: ParseWorker) => {
    const i = pool.indexOf(gone);
    if (i >= 0) pool.splice(i, 1);
    if (!closed) pool.push(new ParseWorker(replace));
  };
  for (let i = 0; i < workers; i++) pool.push(new ParseWorker(replace));
  return {
    parse(raw) {
      if (closed) return Promise.resolve(parseFailure('Bouncer stopped before the message was parsed'));
      // the least busy worker
      const worker = pool.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
      return new Promise((resolve) => worker.post(++nextId, raw, resolve));
    },
    get pending() {
      return pool.reduce((n, w) => n + w.jobs.size, 0);
    },
    async close() {
      closed = true;
      await Promise.all(pool.splice(0).map((w) => w.terminate()));
    },
  };
}
