/**
 * Picks the Store implementation the configuration asks for.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { MemoryStore } from './memory.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './types.js';

export interface StoreOptions {
  kind: 'sqlite' | 'memory';
  /** The SQLite file; ignored for the memory store. */
  path: string;
  /** SQLite: checkpoint the WAL in a thread of its own (checkpointer.ts); off unless asked for. */
  checkpointThread?: boolean;
}

export function openStore(opts: StoreOptions): Store {
  if (opts.kind === 'memory') return new MemoryStore();
  // ':memory:' and '' (a private temporary database) are not files; everything else is,
  // and a fresh data directory may not exist yet.
  if (opts.path !== ':memory:' && opts.path !== '') {
    mkdirSync(path.dirname(path.resolve(opts.path)), { recursive: true });
  }
  return new SqliteStore(opts.path, { checkpointThread: opts.checkpointThread ?? false });
}
