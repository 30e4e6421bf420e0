/** fast.ts must expose exactly what prom-client's own Counter and Histogram would. */
import client from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastCounter, FastHistogram } from './fast.js';

const BOUNDS = [0.001, 0.01, 0.1, 1];
const VALUES = [0, 0.0005, 0.001, 0.0010001, 0.05, 0.1, 0.5, 1, 2, 100];

describe('fast metrics', () => {
  it('a FastHistogram exposes what a prom-client Histogram does (le semantics, cumulative, +Inf, sum, count)', async () => {
    const theirs = new client.Registry();
    const ours = new client.Registry();
    const reference = new client.Histogram({ name: 'h', help: 'h', labelNames: ['phase'], buckets: BOUNDS, registers: [theirs] });
    const fast = new FastHistogram('h', 'h', BOUNDS).register(ours);
    for (const [i, v] of VALUES.entries()) {
      const phase = i % 2 ? 'a' : 'b';
      reference.observe({ phase }, v);
      fast.observe(phase, () => ({ phase }), v);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('a FastCounter exposes what a prom-client Counter does', async () => {
    const theirs = new client.Registry();
    const ours = new client.Registry();
    const reference = new client.Counter({ name: 'c_total', help: 'c', labelNames: ['code', 'enhanced'], registers: [theirs] });
    const fast = new FastCounter('c_total', 'c').register(ours);
    for (const [code, enhanced] of [['250', '2.0.0'], ['250', '2.0.0'], ['550', '5.7.1'], ['220', '']] as const) {
      reference.inc({ code, enhanced });
      fast.inc(`${code}|${enhanced}`, () => ({ code, enhanced }));
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });
});
