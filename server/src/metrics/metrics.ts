/**
 * Prometheus metrics (prom-client), served at `GET /metrics`. Everything SMTP comes from the
 * event bus (sessions, messages, decisions, replies with their latency): the metrics are a
 * subscriber like the WebSocket hub, and nothing on the SMTP path knows about them. Store
 * commits are reported through the write queue's onCommit hook; gauges (open sessions,
 * WebSocket clients, pending parses) are read when scraped. Each Bouncer has its own
 * registry, so several can run in one process (tests).
 */
import client from 'prom-client';
import type { EventBus } from '../events/bus.js';
import type { CommitInfo } from '../store/write-queue.js';
import { WORKER_IDLE_MS } from '../mail/parse-pool.js';
import { CHECKPOINTER_IDLE_MS } from '../store/checkpointer.js';
import { FastCounter, FastHistogram } from './fast.js';

export const METRICS_CONTENT_TYPE = client.Registry.PROMETHEUS_CONTENT_TYPE;

/** Fine at the low end: an SMTP reply usually takes well under a millisecond. */
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface MetricsSources {
  bus: EventBus;
  /** Sessions open right now, by listener and profile. */
  openSessions: () => Array<{ listener: string; profile: string }>;
  wsClients: () => number;
  pendingDisplay: () => number;
  /** Display-parse worker threads running (they stop when idle). */
  parseWorkers: () => number;
  /** WAL checkpoint threads running (SQLite; they stop when idle). */
  checkpointThreads: () => number;
  /** Writes waiting for the next commit. */
  queuedWrites: () => number;
}

export interface Metrics {
  readonly registry: client.Registry;
  /** For the write queue's onCommit. */
  commit(info: CommitInfo): void;
  /** The exposition text. */
  text(): Promise<string>;
  close(): void;
}

export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new client.Registry();
  // process_* and nodejs_* (CPU, memory, event-loop lag, GC) under their usual names
  client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });

  const sessions = new client.Counter({
    name: 'bouncer_sessions_total',
    help: 'SMTP sessions closed, by listener, profile and outcome (accepted, rejected, no-mail).',
    labelNames: ['listener', 'profile', 'outcome'] as const,
    registers: [registry],
  });
  new client.Gauge({
    name: 'bouncer_sessions_open',
    help: 'SMTP sessions open now.',
    labelNames: ['listener', 'profile'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const s of sources.openSessions()) this.inc({ listener: s.listener, profile: s.profile });
    },
  });
  const messages = new client.Counter({
    name: 'bouncer_messages_total',
    help: 'Messages received, by listener, profile and outcome: accepted, rejected (stored, flagged) or temp-failed (not stored, 451).',
    labelNames: ['listener', 'profile', 'outcome'] as const,
    registers: [registry],
  });
  // the per-reply metrics: updated several times per message, so kept in fast.ts's structures
  const replies = new FastCounter('bouncer_smtp_replies_total', 'SMTP replies, by listener, profile, phase, code and enhanced code.').register(registry);
  const decisions = new FastCounter('bouncer_decisions_total', 'Policy decisions, by listener, profile, phase, rule id and verdict.').register(registry);
  const latency = new FastHistogram(
    'bouncer_smtp_reply_seconds',
    'Time from a command (connection for the greeting, end of the data for a message) to its reply, by phase.',
    LATENCY_BUCKETS,
  ).register(registry);
  const messageLatency = new FastHistogram(
    'bouncer_smtp_message_reply_seconds',
    'End of DATA to the reply, in fine buckets (25% apart, 50 µs to 0.3 s): p50 and p99 read from it are within a bucket of the truth (the benchmark does).',
    [...client.exponentialBuckets(0.00005, 1.25, 40), 0.5, 1, 2.5, 5],
  ).register(registry);
  const commitSeconds = new client.Histogram({
    name: 'bouncer_store_commit_seconds',
    help: 'Duration of a store transaction (one group commit).',
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const commitOps = new client.Histogram({
    name: 'bouncer_store_commit_writes',
    help: 'Writes per group commit (sessions, messages, display updates).',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [registry],
  });
  const commitFailures = new client.Counter({
    name: 'bouncer_store_commit_failures_total',
    help: 'Group commits that failed (their writes were retried one by one).',
    registers: [registry],
  });
  new client.Gauge({
    name: 'bouncer_store_queued_writes',
    help: 'Writes waiting for the next commit.',
    registers: [registry],
    collect() {
      this.set(sources.queuedWrites());
    },
  });
  new client.Gauge({
    name: 'bouncer_display_parse_pending',
    help: 'Stored messages whose display fields (bodies, attachments) are still being parsed.',
    registers: [registry],
    collect() {
      this.set(sources.pendingDisplay());
    },
  });
  new client.Gauge({
    name: 'bouncer_parse_workers',
    help: `Display-parse worker threads running right now (started by mail, stopped after ${WORKER_IDLE_MS / 1000} s idle).`,
    registers: [registry],
    collect() {
      this.set(sources.parseWorkers());
    },
  });
  new client.Gauge({
    name: 'bouncer_checkpoint_threads',
    help: `SQLite WAL checkpoint threads running right now (started by writes, stopped after ${CHECKPOINTER_IDLE_MS / 1000} s idle).`,
    registers: [registry],
    collect() {
      this.set(sources.checkpointThreads());
    },
  });
  new client.Gauge({
    name: 'bouncer_ws_clients',
    help: 'WebSocket clients connected to /api/v1/events.',
    registers: [registry],
    collect() {
      this.set(sources.wsClients());
    },
  });

  // listener and profile of each open session, for events that carry only the session id
  const labels = new Map<string, { listener: string; profile: string }>();
  const of = (sessionId: string) => labels.get(sessionId) ?? { listener: 'unknown', profile: 'unknown' };
  const { bus } = sources;
  const unsubscribes = [
    bus.subscribe('session.opened', ({ session }) => labels.set(session.id, { listener: session.listener, profile: session.profile })),
    bus.subscribe('session.closed', ({ session }) => {
      labels.delete(session.id);
      sessions.inc({ listener: session.listener, profile: session.profile, outcome: session.outcome });
    }),
    bus.subscribe('message.stored', ({ message }) => messages.inc({ ...of(message.sessionId), outcome: message.status })),
    bus.subscribe('session.decision', ({ sessionId, decision }) => {
      const l = of(sessionId);
      const { phase, ruleId: rule, verdict } = decision;
      decisions.inc(`${l.listener}\0${l.profile}\0${phase}\0${rule}\0${verdict}`, () => ({ ...l, phase, rule, verdict }));
      if (rule === 'store.write-failed') messages.inc({ ...l, outcome: 'temp-failed' });
    }),
    bus.subscribe('smtp.reply', (r) => {
      const key = `${r.listener}\0${r.profile}\0${r.phase}`;
      replies.inc(`${key}\0${r.code}\0${r.enhanced ?? ''}`, () => ({ listener: r.listener, profile: r.profile, phase: r.phase, code: String(r.code), enhanced: r.enhanced ?? '' }));
      if (r.seconds === undefined) return;
      latency.observe(key, () => ({ listener: r.listener, profile: r.profile, phase: r.phase }), r.seconds);
      if (r.phase === 'message') messageLatency.observe(r.listener, () => ({ listener: r.listener }), r.seconds);
    }),
  ];

  return {
    registry,
    commit(info) {
      commitSeconds.observe(info.seconds);
      commitOps.observe(info.ops);
      if (info.error) commitFailures.inc();
    },
    text: () => registry.metrics(),
    close() {
      for (const u of unsubscribes) u();
      registry.clear();
    },
  };
}
