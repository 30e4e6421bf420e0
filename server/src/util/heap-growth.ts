/**
 * How far V8 lets the old generation grow past the live set before the next full GC.
 *
 * V8 picks that factor itself, up to 4× when its GC is fast compared with the program
 * (heap-controller.cc). Bouncer's live set is about 45 MB. Under a 20-session benchmark load
 * the heap reached 220 MB, mostly garbage waiting for a full GC. V8 keeps those pages
 * committed after the GC, so RSS was still 350 MB after 20,000 messages (docs/benchmarks.md).
 * A fixed factor of 1.5 (`--heap-growing-percent=50`) kept peak RSS at about 237 MB, with the
 * same throughput (within run-to-run noise).
 *
 * V8 reads this flag at every GC, so it can be set while the process runs. It does not cap
 * the heap, so a large message cannot make the process run out of memory because of it.
 * Only the CLI sets it: a test runner that embeds `startBouncer()` keeps its own heap policy,
 * and a user's own `--heap-growing-percent` (in the node flags or NODE_OPTIONS) wins.
 */
import v8 from 'node:v8';

export const HEAP_GROWING_PERCENT = 50;

/** The V8 flag to set, or undefined when the user already chose a value. */
export function heapGrowthFlag(execArgv: readonly string[], nodeOptions: string | undefined): string | undefined {
  const chosen = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((a) => /^--heap[-_]growing[-_]percent\b/.test(a));
  return chosen ? undefined : `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

export function tuneHeapGrowth(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS): void {
  const flag = heapGrowthFlag(execArgv, nodeOptions);
  if (flag) v8.setFlagsFromString(flag);
}
