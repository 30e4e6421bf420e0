#!/usr/bin/env node
/**
 * `npm run bench`: Bouncer against its ceiling and the machine's limit, side by side, same
 * workload, same run (issue 6). Not part of `npm test`.
 *
 *   (a) Bouncer: gmail-mx with every rule on, the SQLite store, one WebSocket viewer connected
 *   (b) a bare smtp-server that accepts and discards, same options (bench/bare-server.mjs)
 *   (c) Postfix's smtp-sink (C)
 *   (d) MailDev 3.0.0 as shipped (smtp-server + mailparser, .eml files), the peer the issue
 *       names; installed from the npm registry into bench/.maildev on first use
 *
 * each driven by Postfix's smtp-source: 20 sessions and 5,000 messages of 2 KB with a new
 * connection per message, the same reusing connections (-d), and a serial run (one session)
 * for latency. Each measurement starts a fresh server. Prints the table and writes
 * docs/benchmarks.md.
 *
 *   node bench/run.mjs [options]    (`--help` lists them; an unknown option is an error)
 *
 * --profile writes a --cpu-prof of each Bouncer run to bench/profiles/ (what bounds it).
 * --soak runs Bouncer alone for that long afterwards and reports RSS every 30 s.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SBIN = ['/usr/sbin', '/usr/local/sbin', '/usr/bin'];

// ---- options ---------------------------------------------------------------------------------

const USAGE = `Usage: node bench/run.mjs [options]   (npm run bench -- [options])

  --runs <n>             measurements per server and mode; the table shows medians (3)
  --messages <n>         messages per loaded run (5000)
  --serial <n>           messages of the serial run (1000)
  --sessions <n>         smtp-source sessions of a loaded run (20)
  --warmup <n>           messages sent to each fresh server before measuring (2000)
  --only <list>          servers: bouncer,bare,sink,maildev (all; maildev is skipped
                         with a warning when it cannot be installed)
  --modes <list>         new,reused,serial (all); '' for none, e.g. with --soak
  --soak <minutes>       afterwards, Bouncer alone for that long, RSS every 30 s (0: none)
  --profile              a --cpu-prof of each Bouncer run in bench/profiles/
  --no-rss               skip Bouncer's RSS after 20,000 stored messages
  --no-write             print only; do not rewrite docs/benchmarks.md
  --node-flags=<flags>   extra node flags for Bouncer, space-separated (write it with '=')
  --parse-workers <n>    Bouncer's store.parseWorkers, to compare
  --commit-delay <ms>    Bouncer's store.commitDelayMs, to compare
  --sibling-wait <ms>    Bouncer's store.siblingWaitMs, to compare
  --checkpoint-thread <on|off>  Bouncer's store.checkpointThread, to compare (on)
  -h, --help             this text
`;
let parsed;
try {
  parsed = parseArgs({
    strict: true,
    allowPositionals: false,
    options: {
      runs: { type: 'string' },
      messages: { type: 'string' },
      serial: { type: 'string' },
      sessions: { type: 'string' },
      warmup: { type: 'string' },
      only: { type: 'string' },
      modes: { type: 'string' },
      soak: { type: 'string' },
      profile: { type: 'boolean' },
      'no-rss': { type: 'boolean' },
      'no-write': { type: 'boolean' },
      'node-flags': { type: 'string' },
      'parse-workers': { type: 'string' },
      'commit-delay': { type: 'string' },
      'sibling-wait': { type: 'string' },
      'checkpoint-thread': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (err) {
  console.error(`bench: ${err.message}\n\n${USAGE}`);
  process.exit(2);
}
if (parsed.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const opt = (name, fallback) => parsed[name] ?? fallback;
const flag = (name) => parsed[name] === true;
if (parsed['checkpoint-thread'] !== undefined && !['on', 'off'].includes(parsed['checkpoint-thread'])) {
  console.error(`bench: --checkpoint-thread wants on or off, not "${parsed['checkpoint-thread']}"`);
  process.exit(2);
}
// counts of at least 1; the rest may be 0
for (const [names, min] of [[['runs', 'messages', 'serial', 'sessions'], 1], [['warmup', 'soak', 'parse-workers', 'commit-delay', 'sibling-wait'], 0]]) {
  for (const name of names) {
    const v = parsed[name];
    if (v !== undefined && !(v.trim() !== '' && Number.isFinite(Number(v)) && Number(v) >= min)) {
      console.error(`bench: --${name} wants a number of ${min} or more, not "${v}"`);
      process.exit(2);
    }
  }
}
const SERVERS = ['bouncer', 'bare', 'sink', 'maildev'];
/** The order of the table's rows and of each round of measurements. */
const KINDS = ['sink', 'bare', 'maildev', 'bouncer'];
const MODE_NAMES = ['new', 'reused', 'serial'];
for (const [name, allowed] of [['only', SERVERS], ['modes', MODE_NAMES]]) {
  const bad = (parsed[name] ?? '').split(',').filter((x) => x && !allowed.includes(x));
  if (bad.length) {
    console.error(`bench: --${name} takes ${allowed.join(', ')}; not ${bad.join(', ')}`);
    process.exit(2);
  }
}
const RUNS = Number(opt('runs', '3'));
const MESSAGES = Number(opt('messages', '5000'));
const SERIAL = Number(opt('serial', '1000'));
const SESSIONS = Number(opt('sessions', '20'));
const SIZE = 2048;
/**
 * Messages sent to each fresh server before measuring (JIT, threads and caches warm), with a
 * new connection each and, before a reused-connection run, as many again reusing them. With
 * 200, V8's optimizing compiler was still at work during the measured run: its background
 * threads took 0.8–1.3 ms of CPU per message there, against 0.35–0.55 ms once warm (session 4).
 */
const WARMUP = Number(opt('warmup', '2000'));
const SOAK_MINUTES = Number(opt('soak', '0'));
const PROFILE = flag('profile');
const ONLY = new Set(opt('only', SERVERS.join(',')).split(','));
/** MailDev was not named in --only: when it cannot be installed the run goes on without it. */
const MAILDEV_OPTIONAL = parsed.only === undefined;
const MODES = opt('modes', 'new,reused,serial').split(',').filter(Boolean);
/** Extra node flags for Bouncer's process (V8 GC settings to compare), space-separated. */
const NODE_FLAGS = opt('node-flags', '').split(' ').filter(Boolean);

// ---- the workload and the config that lets it through gmail-mx -------------------------------

/**
 * smtp-source's messages have From, To, Date, Message-Id and Subject headers and a body of
 * SIZE bytes. They are sent as a well-configured sender would: HELO with the name the
 * loopback PTR gives (dns.loopbackName, FCrDNS passes), from a domain of that name.
 */
const HELO = 'sender.bouncer.test';
const FROM = 'bench@sender.bouncer.test';
const TO = 'inbox@example.org';

/*
 * ==== BENCH CONFIG: what gmail-mx needs to accept smtp-source's mail ===========================
 * Issue 4 (SPF/DKIM/DMARC and format rules) makes gmail-mx refuse unauthenticated mail. The DNS
 * world below publishes SPF for the sender domain (loopback is the sender) and a DMARC record,
 * so that these messages authenticate by SPF and align. smtp-source cannot sign with DKIM.
 * When merging issue 4: adjust these records (or the rule settings) until the sanity check
 * below (every message answered 250) passes with every gmail-mx rule on.
 * ================================================================================================
 */
/**
 * The rate rules (per recipient, per sender domain, per IP, per Message-ID) count what one
 * sender does per minute, hour and day; a benchmark is one sender at thousands a second. The
 * bench profile extends gmail-mx with every rule on and each rate threshold raised 10,000-fold
 * (at most to the 1,000,000 a profile may use), so that the rules are evaluated (and counted) on every message without tripping.
 */
const BENCH_PROFILE = 'gmail-mx-bench';
/** The largest limit a profile may give a window (MAX_RATE_EVENTS in server/src/policy/rates.ts). */
const MAX_RATE_LIMIT = 1_000_000;

function writeBenchProfile(dir) {
  const mx = parseYaml(readFileSync(path.join(ROOT, 'server', 'profiles', 'gmail-mx.yaml'), 'utf8'));
  const rules = {};
  for (const [phase, list] of Object.entries(mx.rules ?? {})) {
    for (const rule of list) {
      if (!Array.isArray(rule.params?.windows)) continue;
      (rules[phase] ??= []).push({ ...rule, params: { ...rule.params, windows: rule.params.windows.map((w) => ({ ...w, limit: Math.min(w.limit * 10_000, MAX_RATE_LIMIT) })) } });
    }
  }
  const profile = { name: BENCH_PROFILE, extends: 'gmail-mx', description: 'gmail-mx for the benchmark: every rule on, rate thresholds raised 10,000-fold', rules };
  writeFileSync(path.join(dir, `${BENCH_PROFILE}.yaml`), stringifyYaml(profile));
  return Object.values(rules).flat().map((r) => r.id);
}

const BENCH_CONFIG = {
  dns: {
    records: {
      'sender.bouncer.test': { TXT: ['v=spf1 ip4:127.0.0.1 ip6:::1 -all'] },
      '_dmarc.sender.bouncer.test': { TXT: ['v=DMARC1; p=reject'] },
      'example.org': { MX: ['10 mx.example.org'] },
    },
  },
  listeners: [
    { name: 'smtp', port: 0, profile: BENCH_PROFILE },
    { name: 'submission', port: 0, profile: 'gmail-submission', tls: 'starttls' },
    { name: 'smtps', port: 0, profile: 'gmail-submission', tls: 'implicit' },
  ],
  // keep every message of the 20,000-message run (the default retention is 10,000)
  store: {
    retention: { sessions: 100_000, messages: 100_000 },
    ...(opt('parse-workers') !== undefined ? { parseWorkers: Number(opt('parse-workers')) } : {}),
    ...(opt('commit-delay') !== undefined ? { commitDelayMs: Number(opt('commit-delay')) } : {}),
    ...(opt('sibling-wait') !== undefined ? { siblingWaitMs: Number(opt('sibling-wait')) } : {}),
    ...(opt('checkpoint-thread') !== undefined ? { checkpointThread: opt('checkpoint-thread') !== 'off' } : {}),
  },
  smtp: { maxConnections: 1000 },
};

// ---- small helpers ---------------------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function which(name) {
  for (const dir of [...(process.env.PATH ?? '').split(':'), ...SBIN]) {
    const p = path.join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** utime + stime of a process (all its threads), in seconds. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/**
 * CPU seconds of the main thread and of all other threads together (/proc/<pid>/task): Node
 * names its worker threads, libuv's pool and V8's helpers all `node`, so they are not told
 * apart. The sum is cpuSeconds(pid) minus threads that ended in between.
 */
function threadCpuSeconds(pid) {
  const byName = {};
  let tasks = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tasks) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const name = tid === String(pid) ? 'main' : 'other threads';
      byName[name] = (byName[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
    } catch {
      // the thread ended between readdir and read
    }
  }
  return byName;
}

/**
 * System calls of a process so far (/proc/<pid>/io): syscr counts read(2)-like calls, syscw
 * write(2)-like ones (write, pwrite, writev), all threads. Per message they show what the
 * machine's slow system calls cost each server.
 */
function syscalls(pid) {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  const n = (key) => Number(new RegExp(`^${key}: (\\d+)$`, 'm').exec(io)?.[1] ?? NaN);
  return { reads: n('syscr'), writes: n('syscw') };
}

/** Peak and current resident set size, in MB. */
function rss(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 };
}

/**
 * Where a process's RSS is, in MB: the main thread's V8 heap (committed, of it in use, and
 * its young generation's committed part), the rest
 * of the anonymous memory (other threads' heaps, SQLite, malloc, Buffers), and file-backed
 * pages (the node binary, native modules). From /metrics and /proc/<pid>/smaps_rollup.
 */
async function memoryParts(server) {
  const text = await (await fetch(`${server.http}/metrics`)).text();
  const metric = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20;
  const space = (name) => Number(new RegExp(`^nodejs_heap_space_size_total_bytes\\{space="${name}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20;
  const rollup = readFileSync(`/proc/${server.child.pid}/smaps_rollup`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? NaN) / 1024;
  const heap = metric('nodejs_heap_size_total_bytes');
  // display-parse worker threads (absent before session 7's build: counted as none) and the
  // WAL checkpoint thread (session 9): both stop when idle
  const workers = Number(/^bouncer_parse_workers (\S+)$/m.exec(text)?.[1] ?? 0) + Number(/^bouncer_checkpoint_threads (\S+)$/m.exec(text)?.[1] ?? 0);
  return { heap, heapUsed: metric('nodejs_heap_size_used_bytes'), young: space('new') + space('new_large_object'), otherAnon: kb('Anonymous') - heap, file: kb('Rss') - kb('Anonymous'), workers };
}

/** Starts a process and resolves once `ready(output)` returns something. */
function startProcess(cmd, args, ready, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} did not start within 20 s:\n${out}`));
    }, 20_000);
    const check = () => {
      const value = ready(out);
      if (value === undefined) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      child.stderr.off('data', check);
      resolve({ child, ...value, output: () => out });
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} exited (${code ?? signal}) before it was ready:\n${out}`));
    });
    check();
  });
}

async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(t);
}

async function freePort() {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// ---- the servers -----------------------------------------------------------------------------

const SMTP_SOURCE = which('smtp-source');
const SMTP_SINK = which('smtp-sink');

async function startBouncer(tmp, run) {
  const config = path.join(tmp, 'bench.json');
  writeBenchProfile(tmp);
  writeFileSync(config, JSON.stringify({ ...BENCH_CONFIG, profileDirs: [tmp] }));
  const data = path.join(tmp, `bench-${run}.sqlite`);
  const profDir = path.join(ROOT, 'bench', 'profiles');
  const nodeArgs = [...NODE_FLAGS, ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=bouncer-${run}.cpuprofile`] : [])];
  if (PROFILE) mkdirSync(profDir, { recursive: true });
  const server = await startProcess(
    process.execPath,
    [...nodeArgs, path.join(ROOT, 'bin', 'bouncer.mjs'), '-c', config, '--smtp-port', '0', '--submission-port', '0', '--smtps-port', '0', '--http-port', '0', '--data', data, '--log-level', 'warn'],
    (out) => {
      const smtp = /SMTP smtp +127\.0\.0\.1:(\d+)/.exec(out);
      const http = /HTTP API +(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      return smtp && http ? { port: Number(smtp[1]), http: http[1] } : undefined;
    },
    { cwd: tmp },
  );
  // one live viewer, reading every event
  const ws = new WebSocket(`${server.http}/api/v1/events`);
  let frames = 0;
  ws.on('message', () => frames++);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return {
    ...server,
    frames: () => frames,
    async stop() {
      ws.close();
      await stopProcess(server.child);
    },
  };
}

async function startBare() {
  return startProcess(process.execPath, [path.join(ROOT, 'bench', 'bare-server.mjs'), '0'], (out) => {
    const m = /listening (\d+)/.exec(out);
    return m ? { port: Number(m[1]) } : undefined;
  });
}

/**
 * MailDev, the peer the issue compares with (at least 2.5× its rate): the version is pinned,
 * installed once with npm into bench/.maildev (gitignored; ~110 MB), never into the project.
 * Returns the path of its command, or undefined with the reason on stderr.
 */
const MAILDEV_VERSION = '3.0.0';
const MAILDEV_DIR = path.join(ROOT, 'bench', '.maildev');
const MAILDEV_BIN = path.join(MAILDEV_DIR, 'node_modules', 'maildev', 'dist', 'bin', 'maildev.js');

function ensureMaildev() {
  const pkg = path.join(MAILDEV_DIR, 'node_modules', 'maildev', 'package.json');
  const installed = existsSync(pkg) ? JSON.parse(readFileSync(pkg, 'utf8')).version : undefined;
  if (installed === MAILDEV_VERSION && existsSync(MAILDEV_BIN)) return MAILDEV_BIN;
  process.stderr.write(`bench: installing MailDev ${MAILDEV_VERSION} into ${path.relative(process.cwd(), MAILDEV_DIR) || MAILDEV_DIR} (once, for the comparison)...\n`);
  mkdirSync(MAILDEV_DIR, { recursive: true });
  // a package.json of its own, so that npm installs here and not into the project
  writeFileSync(path.join(MAILDEV_DIR, 'package.json'), JSON.stringify({ name: 'bouncer-bench-maildev', private: true }));
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', `maildev@${MAILDEV_VERSION}`], { cwd: MAILDEV_DIR, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0 || !existsSync(MAILDEV_BIN)) {
    process.stderr.write(`bench: could not install MailDev ${MAILDEV_VERSION}: ${(r.stderr || r.error?.message || '').trim().split('\n').at(-1) ?? ''}\n`);
    return undefined;
  }
  return MAILDEV_BIN;
}

async function waitForPort(port) {
  const net = await import('node:net');
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((r) => net.connect(port, '127.0.0.1').once('connect', function () { this.destroy(); r(true); }).once('error', () => r(false)));
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after 10 s`);
}

/** MailDev as shipped: its SMTP server and web UI on loopback, mail kept as .eml files in tmp. */
async function startMaildev(tmp, run) {
  const smtp = await freePort();
  const web = await freePort();
  const dir = path.join(tmp, `maildev-${run}`);
  const server = await startProcess(
    process.execPath,
    [MAILDEV_BIN, '--smtp', String(smtp), '--ip', '127.0.0.1', '--web', String(web), '--web-ip', '127.0.0.1', '--mail-directory', dir],
    (out) => (/Press Ctrl\+C/.test(out) ? {} : undefined),
  );
  await waitForPort(smtp);
  return { ...server, port: smtp };
}

async function startSink() {
  const port = await freePort();
  // smtp-sink refuses to run as root without a user to drop to
  const user = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  const server = await startProcess(SMTP_SINK, [...user, `127.0.0.1:${port}`, '256'], () => ({ port }));
  await waitForPort(port);
  return server;
}

// ---- one measurement -------------------------------------------------------------------------

function smtpSource(port, mode, messages) {
  const args = ['-l', String(SIZE), '-M', HELO, '-f', FROM, '-t', TO, '-S', 'bench', '-m', String(messages)];
  if (mode === 'reused') args.push('-d', '-s', String(SESSIONS));
  else if (mode === 'new') args.push('-s', String(SESSIONS));
  else args.push('-s', '1');
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(SMTP_SOURCE, [...args, `127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.once('exit', (code) => resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, code, err }));
  });
}

/** Bouncer's own counters: messages by outcome and the end-of-DATA latency histogram. */
async function scrape(httpUrl) {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const count = (outcome) => Number(new RegExp(`^bouncer_messages_total\\{listener="smtp",profile="${BENCH_PROFILE}",outcome="${outcome}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  const buckets = [...text.matchAll(/^bouncer_smtp_message_reply_seconds_bucket\{le="([^"]+)",listener="smtp"\} (\S+)$/gm)].map((m) => ({
    le: m[1] === '+Inf' ? Infinity : Number(m[1]),
    count: Number(m[2]),
  }));
  const commits = Number(/^bouncer_store_commit_seconds_count (\S+)$/m.exec(text)?.[1] ?? NaN);
  return { accepted: count('accepted'), rejected: count('rejected'), buckets, commits };
}

/** A quantile (ms) of the latencies observed between two scrapes, interpolated within its bucket. */
function quantile(q, before, after) {
  const delta = after.buckets.map((b, i) => ({ le: b.le, count: b.count - (before.buckets[i]?.count ?? 0) }));
  const total = delta.at(-1)?.count ?? 0;
  if (!total) return NaN;
  const target = q * total;
  let lower = 0;
  let below = 0;
  for (const b of delta) {
    if (b.count >= target) {
      if (!Number.isFinite(b.le)) return lower * 1000;
      return (lower + ((b.le - lower) * (target - below)) / Math.max(1, b.count - below)) * 1000;
    }
    lower = b.le;
    below = b.count;
  }
  return lower * 1000;
}

async function measure(kind, mode, run, tmp) {
  const messages = mode === 'serial' ? SERIAL : MESSAGES;
  const server =
    kind === 'bouncer' ? await startBouncer(tmp, `${mode}-${run}`) : kind === 'bare' ? await startBare() : kind === 'maildev' ? await startMaildev(tmp, `${mode}-${run}`) : await startSink();
  const pid = server.child.pid;
  try {
    // warm up (JIT, worker threads, first SQLite pages) outside the measurement
    await smtpSource(server.port, 'new', WARMUP);
    if (mode === 'reused') await smtpSource(server.port, 'reused', WARMUP);
    // background compile jobs and the last lazy writes settle
    await sleep(1000);
    const before = kind === 'bouncer' ? await scrape(server.http) : undefined;
    const cpu0 = cpuSeconds(pid);
    const threads0 = threadCpuSeconds(pid);
    const io0 = syscalls(pid);
    const r = await smtpSource(server.port, mode, messages);
    const cpu = cpuSeconds(pid) - cpu0;
    const io1 = syscalls(pid);
    const threads1 = threadCpuSeconds(pid);
    const threadMs = Object.fromEntries(
      Object.entries(threads1)
        .map(([name, s]) => [name, ((s - (threads0[name] ?? 0)) * 1000) / messages])
        .filter(([, ms]) => ms >= 0.005)
        .sort((a, b) => b[1] - a[1]),
    );
    const mem = rss(pid);
    const result = { kind, mode, messages, seconds: r.seconds, rate: messages / r.seconds, msPerMsg: (r.seconds * 1000) / messages, cpuMsPerMsg: (cpu * 1000) / messages, threadMs, readsPerMsg: (io1.reads - io0.reads) / messages, writesPerMsg: (io1.writes - io0.writes) / messages, rssPeak: mem.peak, ok: r.code === 0 };
    if (r.code !== 0) result.error = r.err.trim().split('\n').at(-1);
    if (kind === 'bouncer') {
      // the latency Bouncer measured itself; and every message must have been answered 250
      const deadline = Date.now() + 10_000;
      let m = await scrape(server.http);
      while (m.accepted + m.rejected < messages + before.accepted + before.rejected && Date.now() < deadline) {
        await sleep(100);
        m = await scrape(server.http);
      }
      m.accepted -= before.accepted;
      m.rejected -= before.rejected;
      Object.assign(result, { p50: quantile(0.5, before, m), p99: quantile(0.99, before, m), accepted: m.accepted, rejected: m.rejected, wsFrames: server.frames(), commitsPerMsg: (m.commits - before.commits) / messages });
      if (m.accepted !== messages) {
        result.ok = false;
        result.error ??= `${m.accepted} of ${messages} messages accepted (${m.rejected} rejected): see the BENCH CONFIG section`;
      }
    }
    return result;
  } finally {
    await server.stop?.() ?? (await stopProcess(server.child));
  }
}

/**
 * The longest an idle Bouncer is given to come to rest: V8's memory reducer starts 8 s after
 * allocation slows and gives back the young generation (16 MB semi-spaces under load) and the
 * old space's garbage in a few GCs.
 */
const REST_MAX_MS = 60_000;

/**
 * Bouncer after 20,000 stored messages (reused connections): RSS 1 s after the last message,
 * and again at rest: once V8's memory reducer has shrunk the young generation to 2 MB or less
 * and the display-parse workers have stopped, polled every second for at most REST_MAX_MS
 * (what an idle sandbox holds between bursts).
 */
async function rssAfter20k(tmp) {
  const server = await startBouncer(tmp, 'rss20k');
  try {
    for (let i = 0; i < 4; i++) await smtpSource(server.port, 'reused', 5000);
    await sleep(1000);
    const m = await scrape(server.http);
    const now = { rssMb: rss(server.child.pid).now, peakMb: rss(server.child.pid).peak, accepted: m.accepted, parts: await memoryParts(server) };
    const started = Date.now();
    let parts = await memoryParts(server);
    while ((parts.young > 2 || parts.workers > 0) && Date.now() - started < REST_MAX_MS) {
      await sleep(1000);
      parts = await memoryParts(server);
    }
    return { ...now, rest: { rssMb: rss(server.child.pid).now, parts, afterS: (Date.now() - started) / 1000 + 1 } };
  } finally {
    await server.stop();
  }
}

async function soak(tmp, minutes) {
  const server = await startBouncer(tmp, 'soak');
  const samples = [];
  const until = Date.now() + minutes * 60_000;
  let sent = 0;
  let nextSample = Date.now();
  try {
    while (Date.now() < until) {
      await smtpSource(server.port, 'reused', 2000);
      sent += 2000;
      if (Date.now() >= nextSample) {
        const parts = await memoryParts(server);
        samples.push({ minute: (minutes * 60_000 - (until - Date.now())) / 60_000, sent, rssMb: rss(server.child.pid).now, parts });
        nextSample += 30_000;
        process.stderr.write(
          `soak: ${samples.at(-1).minute.toFixed(1)} min, ${sent} messages, RSS ${samples.at(-1).rssMb.toFixed(0)} MB ` +
            `(main V8 heap ${fmt(parts.heap)} MB, ${fmt(parts.heapUsed)} in use, young generation ${fmt(parts.young)}; other anonymous ${fmt(parts.otherAnon)} MB; file-backed ${fmt(parts.file)} MB)\n`,
        );
      }
    }
  } finally {
    await server.stop();
  }
  return samples;
}

// ---- the report ------------------------------------------------------------------------------

const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—');

function table(results, rss20k) {
  const NAMES = {
    sink: 'Postfix smtp-sink (limit)',
    bare: 'bare smtp-server (ceiling)',
    maildev: `MailDev ${MAILDEV_VERSION} (smtp-server + mailparser, .eml files)`,
    bouncer: 'Bouncer (gmail-mx, SQLite, 1 viewer)',
  };
  const get = (kind, mode) => results.filter((r) => r.kind === kind && r.mode === mode);
  const med = (kind, mode, key) => median(get(kind, mode).map((r) => r[key]));
  const rows = [
    '| server | new connection per msg | reused connections | serial ms/msg (new conn) | p50 / p99 end-of-DATA→250 (new / reused) | server CPU ms/msg (new / reused) | system calls per msg, reads + writes (new / reused) | peak RSS MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const kind of KINDS) {
    if (!ONLY.has(kind)) continue;
    const lat = kind === 'bouncer'
      ? `${fmt(med(kind, 'new', 'p50'), 2)} / ${fmt(med(kind, 'new', 'p99'), 2)} ms · ${fmt(med(kind, 'reused', 'p50'), 2)} / ${fmt(med(kind, 'reused', 'p99'), 2)} ms`
      : '—';
    const peak = Math.max(...results.filter((r) => r.kind === kind).map((r) => r.rssPeak));
    const calls = (mode) => fmt(med(kind, mode, 'readsPerMsg') + med(kind, mode, 'writesPerMsg'), 1);
    rows.push(`| ${NAMES[kind]} | ${fmt(med(kind, 'new', 'rate'))}/s | ${fmt(med(kind, 'reused', 'rate'))}/s | ${fmt(med(kind, 'serial', 'msPerMsg'), 2)} | ${lat} | ${fmt(med(kind, 'new', 'cpuMsPerMsg'), 3)} / ${fmt(med(kind, 'reused', 'cpuMsPerMsg'), 3)} | ${calls('new')} / ${calls('reused')} | ${fmt(peak)} |`);
  }
  const ratio = (a, b, mode) => {
    const x = med(a, mode, 'rate') / med(b, mode, 'rate');
    return Number.isFinite(x) ? `${fmt(100 * x)}%` : '—';
  };
  const ratios = [
    '',
    '| ratio | new connection per msg | reused connections |',
    '|---|---:|---:|',
    `| Bouncer / bare smtp-server (ceiling) | ${ratio('bouncer', 'bare', 'new')} | ${ratio('bouncer', 'bare', 'reused')} |`,
    `| Bouncer / smtp-sink (limit) | ${ratio('bouncer', 'sink', 'new')} | ${ratio('bouncer', 'sink', 'reused')} |`,
    ...(ONLY.has('maildev') ? [`| Bouncer / MailDev ${MAILDEV_VERSION} | ${ratio('bouncer', 'maildev', 'new')} | ${ratio('bouncer', 'maildev', 'reused')} |`] : []),
  ];
  const timesMaildev = (mode) => med('bouncer', mode, 'rate') / med('maildev', mode, 'rate');
  const targets = ONLY.has('bouncer')
    ? [
        '',
        '| target (issue 6) | measured | met |',
        '|---|---:|:---:|',
        `| ≥ 2,500 msg/s, new connection per message | ${fmt(med('bouncer', 'new', 'rate'))}/s | ${med('bouncer', 'new', 'rate') >= 2500 ? 'yes' : 'no'} |`,
        `| ≥ 5,000 msg/s, reused connections | ${fmt(med('bouncer', 'reused', 'rate'))}/s | ${med('bouncer', 'reused', 'rate') >= 5000 ? 'yes' : 'no'} |`,
        `| ≥ 50% of the bare smtp-server ceiling (new / reused) | ${ratio('bouncer', 'bare', 'new')} / ${ratio('bouncer', 'bare', 'reused')} | ${med('bouncer', 'new', 'rate') >= 0.5 * med('bare', 'new', 'rate') && med('bouncer', 'reused', 'rate') >= 0.5 * med('bare', 'reused', 'rate') ? 'yes' : 'no'} |`,
        ...(ONLY.has('maildev')
          ? [
              `| ≥ 2.5× MailDev (new / reused) | ${fmt(timesMaildev('new'), 2)}× / ${fmt(timesMaildev('reused'), 2)}× | ` +
                `${timesMaildev('new') >= 2.5 && timesMaildev('reused') >= 2.5 ? 'yes' : timesMaildev('new') >= 2.5 || timesMaildev('reused') >= 2.5 ? 'partly' : 'no'} |`,
            ]
          : []),
        `| serial latency < 1 ms per message | ${fmt(med('bouncer', 'serial', 'msPerMsg'), 2)} ms | ${med('bouncer', 'serial', 'msPerMsg') < 1 ? 'yes' : 'no'} |`,
        `| p99 end-of-DATA→250 < 20 ms under load | ${fmt(Math.max(med('bouncer', 'new', 'p99'), med('bouncer', 'reused', 'p99')), 2)} ms | ${Math.max(med('bouncer', 'new', 'p99'), med('bouncer', 'reused', 'p99')) < 20 ? 'yes' : 'no'} |`,
        rss20k
          ? `| RSS < 150 MB after 20,000 stored messages | ${fmt(rss20k.rssMb)} MB 1 s after the last (peak ${fmt(rss20k.peakMb)}), ${fmt(rss20k.rest.rssMb)} MB at rest (${fmt(rss20k.rest.afterS)} s after) | ` +
            `${rss20k.rssMb < 150 ? 'yes' : rss20k.rest.rssMb < 150 ? 'at rest only' : 'no'} |`
          : '',
      ]
    : [];
  return [...rows, ...ratios, ...targets].filter((l) => l !== '').join('\n');
}

/** Bouncer's RSS after 20,000 messages and where it is (memoryParts), then and at rest. */
function memoryLine({ rssMb, peakMb, accepted, parts, rest }) {
  const where = (p) =>
    `main thread's V8 heap ${fmt(p.heap)} MB committed (${fmt(p.heapUsed)} in use, garbage not yet collected included; young generation ${fmt(p.young)} MB), ` +
    `other anonymous memory ${fmt(p.otherAnon)} MB, file-backed pages ${fmt(p.file)} MB`;
  return (
    `Bouncer after 20,000 messages: RSS ${fmt(rssMb)} MB 1 s after the last (peak ${fmt(peakMb)} MB), ${fmt(accepted)} accepted; ${where(parts)}. ` +
    `At rest, ${fmt(rest.afterS)} s after the last message${rest.parts.young > 2 ? ' (the young generation had not shrunk yet)' : ''}${rest.parts.workers > 0 ? ' (a parse worker or the checkpoint thread was still running)' : ''}: RSS ${fmt(rest.rssMb)} MB; ${where(rest.parts)}.`
  );
}

// ---- main ------------------------------------------------------------------------------------

async function main() {
  if (!SMTP_SOURCE || (ONLY.has('sink') && !SMTP_SINK)) {
    console.error('bench: needs Postfix\'s smtp-source and smtp-sink (Debian/Ubuntu: apt-get install postfix; they are in /usr/sbin)');
    process.exit(2);
  }
  if (!existsSync(path.join(ROOT, 'dist', 'server', 'src', 'cli.js'))) {
    console.error('bench: build first (npm run build)');
    process.exit(2);
  }
  if (ONLY.has('maildev') && !ensureMaildev()) {
    if (!MAILDEV_OPTIONAL) process.exit(2);
    process.stderr.write('bench: going on without MailDev\n');
    ONLY.delete('maildev');
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bouncer-bench-'));
  const load = os.loadavg()[0];
  const results = [];
  try {
    for (let run = 1; run <= RUNS; run++) {
      for (const mode of MODES) {
        for (const kind of KINDS) {
          if (!ONLY.has(kind)) continue;
          // MailDev waits 100 ms before each greeting (smtp-server's early-talker check), so a
          // serial run would take 100 s and say only that (the issue measured 103 ms/msg)
          if (kind === 'maildev' && mode === 'serial') continue;
          const r = await measure(kind, mode, run, tmp);
          results.push(r);
          process.stderr.write(
            `run ${run} ${kind.padEnd(7)} ${mode.padEnd(6)} ${fmt(r.rate).padStart(7)} msg/s  ${fmt(r.msPerMsg, 3)} ms/msg  cpu ${fmt(r.cpuMsPerMsg, 3)} ms/msg` +
              ` (${Object.entries(r.threadMs).map(([n, ms]) => `${n} ${fmt(ms, 3)}`).join(', ')})` +
              `  syscalls/msg ${fmt(r.readsPerMsg, 1)} r ${fmt(r.writesPerMsg, 1)} w` +
              `${r.p99 !== undefined ? `  p50 ${fmt(r.p50, 2)} p99 ${fmt(r.p99, 2)} ms  ws frames ${r.wsFrames}  commits/msg ${fmt(r.commitsPerMsg, 2)}` : ''}  rss ${fmt(r.rssPeak)} MB${r.ok ? '' : `  FAILED: ${r.error}`}\n`,
          );
        }
      }
    }
    const rss20k = ONLY.has('bouncer') && !flag('no-rss') ? await rssAfter20k(tmp) : undefined;
    if (rss20k) process.stderr.write(`${memoryLine(rss20k)}\n`);
    const soakSamples = SOAK_MINUTES > 0 ? await soak(tmp, SOAK_MINUTES) : [];

    const failed = results.filter((r) => !r.ok);
    const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const machine = `${os.cpus().length} CPUs (nproc ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()}), ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${fmt(os.totalmem() / 2 ** 30, 1)} GB RAM, Node ${process.version}, load average ${load.toFixed(2)} at the start`;
    const report = [
      '# Benchmarks',
      '',
      `Measured by \`npm run bench\` (bench/run.mjs) on ${when}: ${machine}.`,
      `Workload: Postfix smtp-source, ${SESSIONS} sessions, ${fmt(MESSAGES)} messages of ${SIZE} bytes, once with a new connection per message and once reusing connections (\`-d\`); serial: one session, ${fmt(SERIAL)} messages, new connection each. Medians of ${RUNS} run${RUNS === 1 ? '' : 's'}, a fresh server for each measurement, warmed up first with ${fmt(WARMUP)} messages on new connections (and as many on reused ones before a reused run). Latency percentiles are Bouncer's own (the \`bouncer_smtp_message_reply_seconds\` histogram at /metrics: 25% buckets, interpolated); CPU is the server process's user+system time (all threads) over the run; system calls are the read- and write-type calls of /proc/<pid>/io (sockets, SQLite's files, thread wake-ups); RSS from /proc. Bouncer runs \`gmail-mx-bench\`: gmail-mx with every rule on (SPF, DKIM and DMARC checks included; the sender is declared in the DNS world) and its rate thresholds raised 10,000-fold (at most to 1,000,000, the largest a profile may use), since one sender at thousands of messages a second would trip them.`,
      '',
      table(results, rss20k),
      '',
      rss20k ? `${memoryLine(rss20k)}\n` : '',
      failed.length ? `**${failed.length} run(s) failed:** ${failed.map((r) => `${r.kind} ${r.mode}: ${r.error}`).join('; ')}` : 'Every message of every run was answered 250 (Bouncer: counted at /metrics).',
      soakSamples.length ? `\nSoak (${SOAK_MINUTES} min, reused connections): ${soakSamples.map((s) => `${s.minute.toFixed(1)} min ${fmt(s.rssMb)} MB`).join(', ')}.` : '',
      '',
    ].join('\n');
    process.stdout.write(`\n${report}\n`);
    if (!flag('no-write')) {
      const notes = path.join(ROOT, 'docs', 'benchmarks.md');
      const keep = existsSync(notes) ? readFileSync(notes, 'utf8').split('\n<!-- notes -->\n')[1] : undefined;
      writeFileSync(notes, `${report}\n<!-- notes -->\n${keep ?? '\n'}`);
      process.stderr.write(`written to ${path.relative(process.cwd(), notes)}\n`);
    }
    if (failed.length) process.exitCode = 1;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
