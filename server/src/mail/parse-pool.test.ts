/**
 * The display-parse pool with real worker threads: started by the first message, stopped
 * when idle, started again by the next one (issue 6: memory at rest).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createParsePool, type ParsePool } from './parse-pool.js';
import { until } from '../../test/support/until.js';

/** mailparser, but stuck or crashing on some subjects (the timeout and crash paths). */
const STUCK_PARSER = fileURLToPath(new URL('./stuck-parser.fixture.cjs', import.meta.url));

const message = (subject: string) =>
  Buffer.from(`From: a@sender.example\r\nTo: b@rcpt.example\r\nSubject: ${subject}\r\n\r\nhello ${subject}\r\n`);

/** OS threads of this process (Linux): a worker thread is one of them while it runs. */
const threads = () => Number(/^Threads:\s+(\d+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);

describe('parse pool', () => {
  let pool: ParsePool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('starts no worker before the first message, and one for it', async () => {
    pool = createParsePool(1);
    expect(pool.workers).toBe(0);
    const fields = await pool.parse(message('first'));
    expect(fields.subject).toBe('first');
    expect(fields.text).toBe('hello first\n');
    expect(pool.workers).toBe(1);
  });

  it('an idle worker exits (its thread ends), and the next message starts another', async () => {
    pool = createParsePool(1, { idleMs: 200 });
    const before = threads();
    expect((await pool.parse(message('one'))).subject).toBe('one');
    const busy = threads();
    expect(busy).toBeGreaterThan(before);
    expect(await until(() => pool!.workers === 0, 5_000)).toBe(true);
    expect(await until(() => threads() < busy, 5_000)).toBe(true);
    expect((await pool.parse(message('two'))).subject).toBe('two');
    expect(pool.workers).toBe(1);
  });

  it('a worker kept busy does not retire between messages', async () => {
    pool = createParsePool(1, { idleMs: 300 });
    const started = Date.now();
    let n = 0;
    // messages 100 ms apart for a second: each resets the idle clock
    while (Date.now() - started < 1_000) {
      expect((await pool.parse(message(`m${++n}`))).subject).toBe(`m${n}`);
      expect(pool.workers).toBe(1);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(n).toBeGreaterThan(3);
  });

  it('starts a second worker only while the first is busy, up to the configured count', async () => {
    pool = createParsePool(2, { idleMs: 60_000 });
    await pool.parse(message('alone'));
    await pool.parse(message('again'));
    expect(pool.workers).toBe(1);
    const results = await Promise.all([1, 2, 3, 4].map((i) => pool!.parse(message(`c${i}`))));
    expect(results.map((r) => r.subject)).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(pool.workers).toBe(2);
  });

  it('after close, a parse resolves with a parse error and starts nothing', async () => {
    pool = createParsePool(1);
    await pool.close();
    const fields = await pool.parse(message('late'));
    expect(fields.parseError).toBe('Bouncer stopped before the message was parsed');
    expect(pool.workers).toBe(0);
  });

  it('a parse stuck in a loop is given up: that message gets a parse error, the others of its worker a second chance, the next message a new worker', async () => {
    pool = createParsePool(1, { timeoutMs: 300, parserModule: STUCK_PARSER });
    // one batch to one worker: the stuck parse holds up the others, whose results wait in
    // the worker's outbox, and all three time out together
    const results = await Promise.all(['before', 'hang', 'after'].map((s) => pool!.parse(message(s))));
    expect(results.map((r) => r.subject)).toEqual(['before', undefined, 'after']);
    expect(results.map((r) => r.parseError)).toEqual([undefined, 'parsing took longer than 0.3 s', undefined]);
    expect(results[2]!.text).toBe('hello after\n');
    expect((await pool.parse(message('next'))).subject).toBe('next');
    expect(pool.pending).toBe(0);
  });

  it('a worker that exits mid-parse: its messages get a second chance, and the one that kills it again a parse error', async () => {
    pool = createParsePool(1, { parserModule: STUCK_PARSER });
    const results = await Promise.all(['one', 'crash', 'two'].map((s) => pool!.parse(message(s))));
    expect(results.map((r) => r.subject)).toEqual(['one', undefined, 'two']);
    expect(results[1]!.parseError).toBe('the parse worker exited');
    expect((await pool.parse(message('three'))).subject).toBe('three');
  });

  it('with 0 workers parses in this thread', async () => {
    pool = createParsePool(0);
    expect((await pool.parse(message('inline'))).subject).toBe('inline');
    expect(pool.workers).toBe(0);
  });
});
