/**
 * The full mailparser parse (for display: bodies, attachments, decoded addresses) in worker
 * threads, so that it never holds up an SMTP reply: mailparser costs ~100 µs of CPU per 2 KB
 * message, as much as the rest of the dialogue. The worker is plain CommonJS evaluated from
 * a string, so the same code runs from the TypeScript sources (tests) and from dist.
 *
 * Workers start with the first message and stop when idle (WORKER_IDLE_MS). With
 * `workers: 0` the parse runs in the main thread (still after the reply).
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

/**
 * A worker with nothing to parse for this long exits; the next message starts one again
 * (~130 ms here, after the reply like the parse itself). An idle worker holds its own V8
 * heap, its copy of mailparser and its thread: 13–16 MB of RSS at rest after the benchmark's
 * 20,000 messages, which a sandbox between two test runs does not need (docs/benchmarks.md,
 * session 7).
 */
export const WORKER_IDLE_MS = 10_000;

export interface ParsePoolOptions {
  /** Defaults to {@link WORKER_IDLE_MS}. */
  idleMs?: number;
  /** Defaults to {@link PARSE_TIMEOUT_MS}. */
  timeoutMs?: number;
  /**
   * The module the workers take `simpleParser(raw, options)` from: mailparser, unless a test
   * needs a parser that gets stuck.
   */
  parserModule?: string;
}

// Messages go to the worker, and results come back, in batches: one postMessage per
// event-loop turn instead of one per message (each costs a cross-thread wake-up).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { simpleParser } = require(workerData.parser);
let outbox = [];
function reply(result) {
  if (outbox.push(result) === 1) setImmediate(() => { const batch = outbox; outbox = []; parentPort.postMessage(batch); });
}
parentPort.on('message', ({ ids, ends, bytes }) => {
  let start = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    const raw = Buffer.from(bytes.buffer, bytes.byteOffset + start, ends[i] - start);
    start = ends[i];
    simpleParser(raw, workerData.options).then(
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
  raw: Buffer;
  resolve: (fields: ParsedFields) => void;
  timer: NodeJS.Timeout;
  /** A job of a worker that failed, given a second chance (see RetryLane). */
  retried: boolean;
}

interface WorkerSettings {
  idleMs: number;
  timeoutMs: number;
  parser: string;
}

type Reply = { id: number; ok: true; parsed: ParsedMailSubset } | { id: number; ok: false; error: string };

class ParseWorker {
  private worker: Worker;
  readonly jobs = new Map<number, Job>();
  private outbox: Array<{ id: number; raw: Buffer }> = [];
  private idleTimer: NodeJS.Timeout | undefined;
  private lastPost = 0;

  /**
   * `onGone` runs once, when the worker failed or retired: the pool forgets it. `onOrphan`
   * gets the jobs a failed worker left unfinished that deserve a second chance.
   */
  constructor(
    private readonly onGone: (w: ParseWorker) => void,
    private readonly onOrphan: (job: Job) => void,
    private readonly settings: WorkerSettings,
  ) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { parser: settings.parser, options: PARSER_OPTIONS },
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

  post(id: number, raw: Buffer, resolve: (fields: ParsedFields) => void, retried = false): void {
    // one timer for the worker's life, re-armed when it fires, not one per message or batch
    this.lastPost = performance.now();
    this.idleTimer ??= setTimeout(() => this.checkIdle(), this.settings.idleMs).unref();
    const timer = setTimeout(() => this.fail(`parsing took longer than ${this.settings.timeoutMs / 1000} s`), this.settings.timeoutMs);
    timer.unref();
    this.jobs.set(id, { raw, resolve, timer, retried });
    this.outbox.push({ id, raw });
    if (this.outbox.length === 1) setImmediate(() => this.send());
  }

  /**
   * The batch's messages copied into one buffer of their own, handed over (transferred), not
   * cloned: a small Buffer usually lives in Node's shared 8 KB pool, which a clone would copy
   * whole, and one transfer per message costs ~3 µs against ~1 µs for the batch's copy.
   */
  private send(): void {
    const jobs = this.outbox;
    this.outbox = [];
    if (jobs.length === 0) return;
    const bytes = new Uint8Array(jobs.reduce((n, j) => n + j.raw.length, 0));
    const ends: number[] = [];
    let end = 0;
    for (const j of jobs) {
      bytes.set(j.raw, end);
      end += j.raw.length;
      ends.push(end);
    }
    this.worker.postMessage({ ids: jobs.map((j) => j.id), ends, bytes }, [bytes.buffer]);
  }

  /**
   * Idle for idleMs (no job posted, none running): the pool forgets the worker at once, then
   * it exits. Otherwise the timer is armed again for the rest of the idle time.
   */
  private checkIdle(): void {
    const quiet = performance.now() - this.lastPost;
    const idleMs = this.settings.idleMs;
    if (this.jobs.size === 0 && quiet >= idleMs) {
      this.idleTimer = undefined;
      this.onGone(this);
      void this.terminate();
      return;
    }
    this.idleTimer = setTimeout(() => this.checkIdle(), this.jobs.size > 0 ? idleMs : idleMs - quiet).unref();
  }

  /**
   * The worker is replaced; the next message gets a new one. Which of its unfinished jobs
   * made it fail (a parse stuck in a loop, a crash) cannot be told: the others were as far
   * as their turn in the same thread, and finished results wait in its outbox. So each job
   * that had no second chance yet gets one, alone (RetryLane); one that had ends with the
   * parse error.
   */
  private fail(reason: string): void {
    clearTimeout(this.idleTimer);
    const jobs = [...this.jobs.values()];
    this.jobs.clear();
    this.outbox = [];
    this.onGone(this);
    void this.worker.terminate();
    for (const job of jobs) {
      clearTimeout(job.timer);
      if (job.retried) job.resolve(parseFailure(reason));
      else this.onOrphan(job);
    }
  }

  terminate(): Promise<number> {
    clearTimeout(this.idleTimer);
    this.worker.removeAllListeners('exit');
    for (const job of this.jobs.values()) {
      clearTimeout(job.timer);
      job.resolve(parseFailure(STOPPED));
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
  /** Worker threads running right now: none until the first message, none once idle. */
  readonly workers: number;
  close(): Promise<void>;
}

/**
 * Up to `workers` threads, started when messages come and stopped when they stop (see
 * WORKER_IDLE_MS): a new one only when every running one is busy.
 */
export function createParsePool(workers: number, options: ParsePoolOptions = {}): ParsePool {
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
      workers: 0,
      async close() {},
    };
  }
  const settings: WorkerSettings = {
    idleMs: options.idleMs ?? WORKER_IDLE_MS,
    timeoutMs: options.timeoutMs ?? PARSE_TIMEOUT_MS,
    parser: options.parserModule ?? require.resolve('mailparser'),
  };
  const pool: ParseWorker[] = [];
  let nextId = 0;
  let closed = false;
  const forget = (gone: ParseWorker) => {
    const i = pool.indexOf(gone);
    if (i >= 0) pool.splice(i, 1);
  };
  const lane = new RetryLane(settings, () => ++nextId);
  return {
    parse(raw) {
      if (closed) return Promise.resolve(parseFailure(STOPPED));
      // the least busy worker; another one only if every running one is busy
      let worker = pool.length ? pool.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a)) : undefined;
      if (!worker || (worker.jobs.size > 0 && pool.length < workers)) {
        worker = new ParseWorker(forget, (job) => lane.add(job), settings);
        pool.push(worker);
      }
      const chosen = worker;
      return new Promise((resolve) => chosen.post(++nextId, raw, resolve));
    },
    get pending() {
      return pool.reduce((n, w) => n + w.jobs.size, 0) + lane.pending;
    },
    get workers() {
      return pool.length + lane.workers;
    },
    async close() {
      closed = true;
      await Promise.all([...pool.splice(0).map((w) => w.terminate()), lane.close()]);
    },
  };
}

const STOPPED = 'Bouncer stopped before the message was parsed';

/**
 * Second chances, one message at a time on a worker of their own: a message that gets its
 * worker stuck again is then the only one to wait for the timeout, and the only one to fail.
 */
class RetryLane {
  private readonly queue: Job[] = [];
  private worker: ParseWorker | undefined;
  private running = false;
  private closed = false;

  constructor(
    private readonly settings: WorkerSettings,
    private readonly nextId: () => number,
  ) {}

  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  get workers(): number {
    return this.worker ? 1 : 0;
  }

  add(job: Job): void {
    if (this.closed) {
      job.resolve(parseFailure(STOPPED));
      return;
    }
    this.queue.push(job);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    for (let job = this.queue.shift(); job && !this.closed; job = this.queue.shift()) {
      const worker = (this.worker ??= new ParseWorker(
        (gone) => {
          if (this.worker === gone) this.worker = undefined;
        },
        // never called: a retried job that fails again ends with the parse error
        (orphan) => orphan.resolve(parseFailure(STOPPED)),
        this.settings,
      ));
      job.resolve(await new Promise<ParsedFields>((resolve) => worker.post(this.nextId(), job.raw, resolve, true)));
    }
    this.running = false;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve(parseFailure(STOPPED));
    await this.worker?.terminate();
  }
}
