/**
 * WAL checkpoints in a thread of their own. By default SQLite checkpoints inside the commit
 * that takes the WAL past 1,000 pages: that commit copies ~4 MB into the database file and
 * syncs it twice, on the thread that committed, which for Bouncer is the thread that writes
 * every SMTP reply. Replaying the benchmark's batches, that was a third of the time spent
 * committing (1.67 → 1.12 ms per 17-message commit; docs/benchmarks.md, session 9).
 *
 * Here, after commits, the store's connection nudges this thread (at most every
 * {@link NUDGE_INTERVAL_MS}), whose own connection runs a PASSIVE checkpoint: it copies what
 * it can without waiting for (or blocking) the writer or any reader. The store's connection
 * keeps a rarer checkpoint of its own as a backstop, which then has little left to copy
 * (BACKSTOP_AUTOCHECKPOINT_PAGES in sqlite.ts, where the reason is). Durability does not
 * change: a commit is durable once it is in the WAL (synchronous = NORMAL, see sqlite.ts),
 * a checkpoint only moves it into the main file.
 *
 * If the thread fails, the store's connection goes back to checkpointing itself (onFailure),
 * so the WAL never grows without bound.
 *
 * The worker is plain CommonJS evaluated from a string (like the parse pool's), so the same
 * code runs from the TypeScript sources (tests) and from dist.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/**
 * The least time between two nudges: under load, a checkpoint every this often (at the
 * benchmark's ~40 MB of WAL a second, ~2 MB each, a few of them per backstop cycle).
 */
export const NUDGE_INTERVAL_MS = 50;

/** The thread's young generation: it allocates next to nothing (MB). */
const YOUNG_GENERATION_MB = 1;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.betterSqlite3);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
// the same setting as the store's connection: a checkpoint then syncs the WAL before it
// copies, and the database file after (NORMAL's only fsyncs)
db.pragma('synchronous = NORMAL');
parentPort.on('message', (m) => {
  if (m === 'close') { db.close(); parentPort.close(); return; }
  // [busy, frames in the WAL, frames checkpointed]; an error (the file gone, say) is
  // reported like a busy checkpoint: the store's backstop still checkpoints
  let row;
  try { [row] = db.pragma('wal_checkpoint(PASSIVE)'); } catch { row = { busy: 1, log: -1, checkpointed: -1 }; }
  parentPort.postMessage(row);
});
`;

export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/**
 * Without a nudge for this long the thread exits (after a last checkpoint); the next commit
 * starts it again. Its isolate holds ~8–11 MB of RSS (docs/benchmarks.md, session 9) that an
 * idle sandbox does not need, like the parse workers' (parse-pool.ts).
 */
export const CHECKPOINTER_IDLE_MS = 10_000;

export class Checkpointer {
  private worker: Worker | undefined;
  private lastNudge = -Infinity;
  private lastActivity = 0;
  private running = false;
  private closed = false;
  private failed = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly waiters: Array<(r: CheckpointResult | undefined) => void> = [];

  /** `onFailure` runs once if a thread fails: the store's connection must checkpoint again. */
  constructor(
    private readonly path: string,
    private readonly onFailure: (err: Error) => void,
    private readonly idleMs = CHECKPOINTER_IDLE_MS,
  ) {}

  /** Whether a checkpoint thread is running now (none before the first commit, none once idle). */
  get threads(): number {
    return this.worker ? 1 : 0;
  }

  /** After a commit: a checkpoint, unless one ran less than NUDGE_INTERVAL_MS ago or is running. */
  nudge(now = performance.now()): void {
    if (this.closed || this.failed) return;
    this.lastActivity = now;
    if (this.running || now - this.lastNudge < NUDGE_INTERVAL_MS) return;
    this.lastNudge = now;
    this.start();
  }

  /** A checkpoint now (or the one running); resolves with its result, undefined if there was none. */
  checkpoint(): Promise<CheckpointResult | undefined> {
    if (this.closed || this.failed) return Promise.resolve(undefined);
    this.lastActivity = performance.now();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      if (!this.running) this.start();
    });
  }

  /** The thread closes its connection after the checkpoint running, if any. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.retire(false);
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  private start(): void {
    this.running = true;
    (this.worker ??= this.spawn()).postMessage('checkpoint');
    this.idleTimer ??= setTimeout(() => this.checkIdle(), this.idleMs).unref();
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path: this.path, betterSqlite3: require.resolve('better-sqlite3') },
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    // the thread never keeps the process alive: a checkpoint left undone is done by the next
    // one, or by SQLite when the last connection closes or the database is next opened
    worker.unref();
    worker.on('message', (result: CheckpointResult) => {
      if (worker !== this.worker) return;
      this.running = false;
      for (const w of this.waiters.splice(0)) w(result);
    });
    worker.on('error', (err) => this.fail(worker, err));
    worker.on('exit', (code) => this.fail(worker, new Error(`the checkpoint thread exited (code ${code})`)));
    return worker;
  }

  private checkIdle(): void {
    this.idleTimer = undefined;
    const quiet = performance.now() - this.lastActivity;
    if (!this.running && quiet >= this.idleMs) {
      this.retire(true);
      return;
    }
    this.idleTimer = setTimeout(() => this.checkIdle(), Math.max(this.idleMs - quiet, 10)).unref();
  }

  /** The thread exits after its queued work (and, if asked, a last checkpoint). */
  private retire(lastCheckpoint: boolean): void {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    this.running = false;
    worker.removeAllListeners('exit');
    if (lastCheckpoint) worker.postMessage('checkpoint');
    worker.postMessage('close');
  }

  private fail(worker: Worker, err: Error): void {
    if (worker !== this.worker || this.failed) return;
    this.failed = true;
    this.worker = undefined;
    this.running = false;
    clearTimeout(this.idleTimer);
    for (const w of this.waiters.splice(0)) w(undefined);
    void worker.terminate();
    if (!this.closed) this.onFailure(err);
  }
}
