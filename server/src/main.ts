/**
 * The composition root: config → store, bus, DNS world, profiles, engines → SMTP listeners
 * and the HTTP/WebSocket server; and a clean shutdown. Used by the CLI and by tests (and the
 * testing kit) to run Bouncer in-process.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, parseConfig } from './config/load.js';
import type { BouncerConfig, BouncerConfigInput } from './config/schema.js';
import { DoctorInputError, runDoctor } from './doctor/doctor.js';
import { RealDnsWorld } from './dns/real-world.js';
import { StaticDnsWorld, type WorldRecords } from './dns/world.js';
import { authenticateMessage } from './mail/authenticate.js';
import { AuthMemo } from './mail/auth-memo.js';
import { largestWindowLimit, RateLimiter } from './policy/rates.js';
import { EventBus } from './events/bus.js';
import type { ListenerInfo, PolicyControl } from './http/deps.js';
import { createHttpServer, type RunningHttpServer } from './http/server.js';
import { WaitHub } from './http/waits.js';
import { createLogger } from './log.js';
import { PolicyEngine } from './policy/engine.js';
import { loadProfiles, ProfileError, type Profile } from './policy/profile.js';
import { CHECKS } from './policy/rules/index.js';
import { ScenarioRegistry } from './scenarios/registry.js';
import { startListener, type RunningListener } from './smtp/listener.js';
import { LiveSessionRegistry } from './smtp/session-recorder.js';
import { createParsePool } from './mail/parse-pool.js';
import { createMetrics, METRICS_CONTENT_TYPE, type Metrics } from './metrics/metrics.js';
import { DisplayQueue } from './store/display-queue.js';
import { openStore } from './store/open.js';
import { LAZY_WAIT_MS, StoreWriter } from './store/write-queue.js';
import type { Store } from './store/types.js';
import { BUILTIN_PROFILE_DIR, PACKAGE_ROOT } from './util/paths.js';

export const VERSION: string = (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export interface Bouncer {
  config: BouncerConfig;
  listeners: ListenerInfo[];
  /** `ui`: the browser UI is served at `url` + `/` (it has been built). */
  http: { host: string; port: number; url: string; ui: boolean };
  store: Store;
  bus: EventBus;
  profiles: Map<string, Profile>;
  engines: Map<string, PolicyEngine>;
  live: LiveSessionRegistry;
  /** Failure injection for tests (POST /api/v1/scenarios), consulted by every engine. */
  scenarios: ScenarioRegistry;
  /** Held `/messages/wait` and `/sessions/wait` requests. */
  waits: WaitHub;
  log: Logger;
  /** Rate-limit history (what was accepted, when). */
  rates: RateLimiter;
  /** Group commit in front of the store (the SMTP path writes through it). */
  writer: StoreWriter;
  /** Prometheus metrics (also served at GET /metrics). */
  metrics: Metrics;
  /** Resolves when every message stored so far has its display fields written. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /**
   * The built browser UI served at `/` of the HTTP port. Defaults to `dist/web` when it has
   * been built (`npm run build`; `npm start` builds it); `false` serves the API only.
   */
  uiDir?: string | false;
  /** The clock (epoch ms) of records and rate limits; tests pass a fake one instead of sleeping. */
  now?: () => number;
}

/** Where `vite build` puts the UI (see web/vite.config.ts). */
export const DEFAULT_UI_DIR = path.join(PACKAGE_ROOT, 'dist', 'web');

function resolveUiDir(option: string | false | undefined): string | undefined {
  if (option === false) return undefined;
  const dir = option ?? DEFAULT_UI_DIR;
  return existsSync(path.join(dir, 'index.html')) ? dir : undefined;
}

/** The DNS world from the config, with the loopback identity added unless declared otherwise. */
export function buildDnsWorld(config: BouncerConfig): StaticDnsWorld {
  const records: WorldRecords = {};
  const name = config.dns.loopbackName;
  if (name) {
    records['127.0.0.1'] = { PTR: [name] };
    records['::1'] = { PTR: [name] };
    records[name] = { A: ['127.0.0.1'], AAAA: ['::1'] };
  }
  for (const [owner, set] of Object.entries(config.dns.records)) {
    records[owner] = { ...(records[owner] ?? {}), ...set };
  }
  return new StaticDnsWorld(records);
}

/**
 * Problems with the profiles a (not yet validated) config refers to: unreadable profile
 * directories, invalid profile files, listeners naming a profile that does not exist.
 */
export function profileProblems(raw: Record<string, unknown>): string[] {
  const dirs = Array.isArray(raw.profileDirs) ? raw.profileDirs.filter((d): d is string => typeof d === 'string') : [];
  let names: Set<string>;
  try {
    names = new Set(loadProfiles([BUILTIN_PROFILE_DIR, ...dirs], new Set(CHECKS.keys())).keys());
  } catch (err) {
    if (err instanceof ProfileError) return err.problems;
    throw err;
  }
  const listeners = Array.isArray(raw.listeners) ? raw.listeners : [];
  return listeners.flatMap((l: unknown, i) => {
    const profile = l && typeof l === 'object' ? (l as Record<string, unknown>).profile : undefined;
    return typeof profile === 'string' && !names.has(profile)
      ? [`listeners.${i}.profile: no profile "${profile}" (available: ${[...names].join(', ')})`]
      : [];
  });
}

export async function startBouncer(input: BouncerConfigInput | BouncerConfig = {}, options: StartOptions = {}): Promise<Bouncer> {
  const config = parseConfig(input);
  const log = options.log ?? createLogger(config.log.level, config.log.format);
  const profiles = loadProfiles([BUILTIN_PROFILE_DIR, ...config.profileDirs], new Set(CHECKS.keys()));
  const missing = config.listeners
    .map((l, i) => (profiles.has(l.profile) ? undefined : `listeners.${i}.profile: no profile "${l.profile}" (available: ${[...profiles.keys()].join(', ')})`))
    .filter((p): p is string => !!p);
  if (missing.length) throw new ConfigError(missing);

  const store = openStore({ kind: config.store.kind, path: config.store.path, checkpointThread: config.store.checkpointThread });
  const bus = new EventBus();
  const scenarios = new ScenarioRegistry({ profiles: () => profiles.values(), bus });
  const engines = new Map([...profiles].map(([name, p]) => [name, new PolicyEngine(p, CHECKS, { scenarios })]));
  const waits = new WaitHub({ store, bus });
  const live = new LiveSessionRegistry();
  const dns = buildDnsWorld(config);
  const mailboxes = new Map(Object.entries(config.mailboxes).map(([d, list]) => [d.toLowerCase(), new Set(list.map((l) => l.toLowerCase()))]));
  const now = options.now ?? (() => Date.now());
  const rates = new RateLimiter(now, { maxEventsPerKey: largestWindowLimit(profiles.values()) });
  // the world is fixed from here on, so unsigned messages' results may be remembered
  const authSettings = { world: dns, undeclared: config.dns.undeclared, bulkDomains: config.senders.bulk, memo: new AuthMemo() };
  const authenticate = (raw: Buffer, envelope: Parameters<typeof authenticateMessage>[1]) => authenticateMessage(raw, envelope, authSettings);
  const parsePool = createParsePool(config.store.parseWorkers);
  let http: RunningHttpServer | undefined;
  let writer: StoreWriter | undefined;
  let display: DisplayQueue | undefined;
  const metrics = createMetrics({
    bus,
    openSessions: () => live.list(),
    wsClients: () => http?.hub.clientCount() ?? 0,
    pendingDisplay: () => display?.size ?? 0,
    parseWorkers: () => parsePool.workers,
    checkpointThreads: () => store.checkpointThreads ?? 0,
    queuedWrites: () => writer?.queued ?? 0,
  });
  writer = new StoreWriter(store, { maxDelayMs: config.store.commitDelayMs, siblingWaitMs: config.store.siblingWaitMs, lazyWaitMs: LAZY_WAIT_MS, onCommit: (info) => metrics.commit(info) });
  display = new DisplayQueue(parsePool, writer, log);
  const recorderDeps = { store, writer, display, bus, live, now };
  const recovered = display.recover(store);
  if (recovered > 0) log.info({ messages: recovered }, 'parsing messages a previous run stored but did not parse');
  const tlsKey = config.tls.keyFile ? readFileSync(config.tls.keyFile, 'utf8') : undefined;
  const tlsCert = config.tls.certFile ? readFileSync(config.tls.certFile, 'utf8') : undefined;

  const uiDir = resolveUiDir(options.uiDir);
  const running: RunningListener[] = [];
  // each listener's current profile: the Policy view (PATCH /listeners/:name) switches it
  const listenerProfiles = new Map(config.listeners.map((l) => [l.name, l.profile]));
  const policy: PolicyControl = {
    isRuleEnabled(profile, ruleId) {
      const engine = engines.get(profile);
      const rule = engine && Object.values(engine.profile.rules).flat().find((r) => r.id === ruleId);
      return engine && rule ? engine.isEnabled(rule) : undefined;
    },
    setRuleEnabled(profile, ruleId, enabled) {
      engines.get(profile)?.setEnabled(ruleId, enabled);
    },
    setListenerProfile(listener, profile) {
      if (!profiles.has(profile)) throw new Error(`no profile ${profile}`);
      listenerProfiles.set(listener, profile);
      running.find((r) => r.info.name === listener)?.refreshProfile();
    },
  };
  const prune = () => {
    try {
      store.prune(config.store.retention);
    } catch (err) {
      log.warn({ err }, 'retention pruning failed');
    }
  };
  prune();
  const pruneTimer = setInterval(prune, 10_000);
  pruneTimer.unref();

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(pruneTimer);
      await Promise.all(running.map((l) => l.close()));
      waits.close();
      await http?.close();
      // closed sessions write their final snapshot after their messages are parsed
      await live.drained(5000);
      display.close();
      await writer.close();
      await parsePool.close();
      scenarios.close();
      metrics.close();
      store.close();
    })());

  try {
    for (const l of config.listeners) {
      running.push(
        await startListener({
          name: l.name,
          host: l.host ?? config.host,
          port: l.port,
          tls: l.tls,
          profile: () => profiles.get(listenerProfiles.get(l.name)!)!,
          engine: (name) => engines.get(name)!,
          dns,
          mailboxes,
          users: config.auth.users,
          recorderDeps,
          maxConnections: config.smtp.maxConnections,
          xclientFrom: config.smtp.xclientFrom,
          tlsKey,
          tlsCert,
          log,
          authenticate,
          rates,
        }),
      );
    }
    http = await createHttpServer(
      {
        store,
        bus,
        live,
        profiles: () => [...profiles.values()],
        listeners: () => running.map((r) => r.info),
        scenarios,
        waits,
        allowedOrigins: config.http.allowedOrigins,
        allowedHosts: [config.http.host ?? config.host, ...config.http.allowedHosts],
        version: VERSION,
        policy,
        doctor: async ({ resolver, ...input }) => {
          let world: RealDnsWorld | StaticDnsWorld = dns;
          if (resolver) {
            try {
              world = new RealDnsWorld(resolver);
            } catch (err) {
              throw new DoctorInputError((err as Error).message);
            }
          }
          return runDoctor(input, world, profiles.get('gmail-mx')!, resolver ? `DNS server ${resolver}` : 'the DNS world');
        },
        settled: () => display.settled(),
        uiToken: config.http.uiToken,
        metrics: { contentType: METRICS_CONTENT_TYPE, text: () => metrics.text() },
      },
      { host: config.http.host ?? config.host, port: config.http.port, log, staticDir: uiDir },
    );
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    config,
    listeners: running.map((r) => r.info),
    http: { host: config.http.host ?? config.host, port: http.port, url: http.url, ui: uiDir !== undefined },
    store,
    bus,
    profiles,
    engines,
    live,
    scenarios,
    waits,
    log,
    rates,
    writer,
    metrics,
    settled: () => display.settled(),
    stop,
  };
}
