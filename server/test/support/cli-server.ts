/**
 * The compiled server (bin/bouncer.mjs) as a child process, for fault tests that need a real
 * process: SIGKILL/SIGTERM, memory of its own, a raised file-descriptor limit. Builds dist
 * when it is missing or stale (one build at a time across test files).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI_JS = path.join(ROOT, 'dist', 'server', 'src', 'cli.js');
export const BIN = path.join(ROOT, 'bin', 'bouncer.mjs');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mtime = (p: string) => (existsSync(p) ? statSync(p).mtimeMs : 0);

function newest(dir: string): number {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : mtime(p));
  }
  return t;
}

function buildIsStale(): boolean {
  const built = mtime(CLI_JS);
  const sources = Math.max(newest(path.join(ROOT, 'server', 'src')), mtime(path.join(ROOT, 'tsconfig.json')), mtime(path.join(ROOT, 'tsconfig.build.json')), mtime(path.join(ROOT, 'package.json')));
  return !built || built < sources;
}

/** `npx tsc -p tsconfig.build.json` when dist is missing or older than the sources. */
export async function ensureBuilt(): Promise<void> {
  const lock = path.join(os.tmpdir(), `bouncer-build-${createHash('sha1').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  const deadline = Date.now() + 110_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (Date.now() - mtime(lock) > 150_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`another build still holds ${lock}`);
      await sleep(200);
    }
  }
  try {
    if (!buildIsStale()) return;
    const started = Date.now();
    const r = await runProcess('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, timeoutMs: 110_000 });
    if (r.code !== 0) {
      // tsc still emits on type errors (noEmitOnError is off); only a missing emit is fatal here
      if (mtime(CLI_JS) < started - 2000) throw new Error(`build failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
      console.warn(`tsc reported errors but emitted the JavaScript; running it:\n${r.stdout}${r.stderr}`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `cmd` to completion (SIGKILL after `timeoutMs`), with stdout and stderr collected. */
function runProcess(cmd: string, args: string[], opts: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      children.delete(child);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs `node bin/bouncer.mjs ...args` to completion (for commands that exit by themselves: --help, config errors, doctor). */
export function runCli(args: string[], opts: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<RunResult> {
  return runProcess(process.execPath, [BIN, ...args], { cwd: opts.cwd, timeoutMs: opts.timeoutMs ?? 15_000, env: cleanEnv(opts.env) });
}

export interface CliServer {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  smtpPort: number;
  httpUrl: string;
  /** Every port the banner shows: each SMTP listener by name, and `http`. */
  ports: Record<string, number>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();

/** process.env without BOUNCER_* (the test decides every override), plus `extra`. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BOUNCER_'))), ...extra };
}

/**
 * Starts `node bin/bouncer.mjs ...args` and resolves once the banner is printed. With
 * `nofile`, the process runs under `ulimit -n` raised to that (or as far as the hard limit
 * allows). `env` is merged over process.env without its BOUNCER_* variables; `profile`, when
 * given, is the profile the banner must show for the `smtp` listener (any, otherwise).
 */
export function startCliServer(
  args: string[],
  cwd: string,
  opts: { nofile?: number; timeoutMs?: number; env?: Record<string, string>; profile?: string } = {},
): Promise<CliServer> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const env = cleanEnv(opts.env);
  const child = opts.nofile
    ? spawn('sh', ['-c', `ulimit -n ${opts.nofile} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`, process.execPath, BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const server = { child, stdout: '', stderr: '', ports: {} } as CliServer;
  server.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (server.stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (server.stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no banner within ${timeoutMs} ms\nstdout: ${server.stdout}\nstderr: ${server.stderr}`));
    }, timeoutMs);
    const check = () => {
      if (!/^ {2}Store /m.test(server.stdout)) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      const smtp = new RegExp(`^ {2}SMTP smtp +127\\.0\\.0\\.1:(\\d+) +profile ${opts.profile ?? '\\S+'}$`, 'm').exec(server.stdout);
      const http = /^ {2}HTTP API +(http:\/\/127\.0\.0\.1:(\d+))\/api\/v1 /m.exec(server.stdout);
      if (!smtp || !http) return reject(new Error(`unexpected banner:\n${server.stdout}`));
      server.smtpPort = Number(smtp[1]);
      server.httpUrl = http[1]!;
      for (const m of server.stdout.matchAll(/^ {2}SMTP (\S+) +127\.0\.0\.1:(\d+)\b/gm)) server.ports[m[1]!] = Number(m[2]);
      server.ports.http = Number(http[2]);
      resolve(server);
    };
    child.stdout!.on('data', check);
    void server.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`bouncer exited (${code ?? signal}) before its banner\nstdout: ${server.stdout}\nstderr: ${server.stderr}`));
    });
  });
}

/** SIGTERM, then SIGKILL after `killAfterMs` (5 s). */
export async function stopChild(child: ChildProcess, killAfterMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await gone;
  clearTimeout(timer);
}

/** stopChild for every process this module started that is still running. */
export async function stopAllChildren(killAfterMs = 5000): Promise<void> {
  await Promise.all([...children].map((child) => stopChild(child, killAfterMs)));
}

/** The process's resident set size in MB (Linux /proc). The child of `sh -c exec` is the node process itself. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
}

/** Every JSON log line the server wrote to stderr. */
export function logLines(server: CliServer): Array<Record<string, unknown>> {
  return server.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
