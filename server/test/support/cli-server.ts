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
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0 && mtime(CLI_JS) < started - 2000) throw new Error(`build failed (exit ${code})`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface CliServer {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  smtpPort: number;
  httpUrl: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();

function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BOUNCER_')));
}

/**
 * Starts `node bin/bouncer.mjs ...args` and resolves once the banner is printed. With
 * `nofile`, the process runs under `ulimit -n` raised to that (or as far as the hard limit
 * allows).
 */
export function startCliServer(args: string[], cwd: string, opts: { nofile?: number; timeoutMs?: number } = {}): Promise<CliServer> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const child = opts.nofile
    ? spawn('sh', ['-c', `ulimit -n ${opts.nofile} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`, process.execPath, BIN, ...args], { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, [BIN, ...args], { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const server = { child, stdout: '', stderr: '' } as CliServer;
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
      const smtp = /^ {2}SMTP smtp +127\.0\.0\.1:(\d+) +profile \S+$/m.exec(server.stdout);
      const http = /^ {2}HTTP API +(http:\/\/127\.0\.0\.1:\d+)\/api\/v1 /m.exec(server.stdout);
      if (!smtp || !http) return reject(new Error(`unexpected banner:\n${server.stdout}`));
      server.smtpPort = Number(smtp[1]);
      server.httpUrl = http[1]!;
      resolve(server);
    };
    child.stdout!.on('data', check);
    void server.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`bouncer exited (${code ?? signal}) before its banner\nstdout: ${server.stdout}\nstderr: ${server.stderr}`));
    });
  });
}

/** SIGTERM, then SIGKILL after 5 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(timer);
}

export async function stopAllChildren(): Promise<void> {
  await Promise.all([...children].map(stopChild));
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
