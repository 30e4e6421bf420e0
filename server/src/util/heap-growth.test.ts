import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, heapGrowthFlag } from './heap-growth.js';

describe('heapGrowthFlag', () => {
  it.each([
    { execArgv: [], nodeOptions: undefined, expected: `--heap-growing-percent=${HEAP_GROWING_PERCENT}` },
    { execArgv: ['--enable-source-maps'], nodeOptions: '--max-old-space-size=512', expected: `--heap-growing-percent=${HEAP_GROWING_PERCENT}` },
    { execArgv: ['--heap-growing-percent=20'], nodeOptions: undefined, expected: undefined },
    { execArgv: [], nodeOptions: '--trace-gc --heap_growing_percent=80', expected: undefined },
  ])('node flags $execArgv, NODE_OPTIONS $nodeOptions → $expected', ({ execArgv, nodeOptions, expected }) => {
    expect(heapGrowthFlag(execArgv, nodeOptions)).toBe(expected);
  });
});
