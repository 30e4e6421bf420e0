/**
 * A real DNS server for tests: Debian's dnsmasq, started in the foreground on a free
 * loopback port with a zone of test records given on its command line, answering only from
 * those records (no upstream, no /etc/hosts), never as a system service.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import { promises as dns } from 'node:dns';

export const DNSMASQ_INSTALL = 'apt-get install -y dnsmasq-base   (the dnsmasq binary without the system service)';

/** The dnsmasq binary, or an error saying how to install it. */
export function requireDnsmasq(): string {
  for (const p of ['/usr/sbin/dnsmasq', '/usr/bin/dnsmasq', '/sbin/dnsmasq']) if (existsSync(p)) return p;
  const which = spawnSync('sh', ['-c', 'command -v dnsmasq'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  throw new Error(`dnsmasq is not installed; install it with: ${DNSMASQ_INSTALL}`);
}

export interface ZoneRecords {
  /** name → TXT values (each value may exceed 255 octets: it is split into character-strings). */
  txt?: Record<string, string[]>;
  /** name → IPv4 address: an A record and the matching PTR (dnsmasq --host-record). */
  hosts?: Record<string, string>;
  /** IP address → PTR name only (no A record back). */
  ptr?: Record<string, string>;
}

export interface Dnsmasq {
  /** `127.0.0.1:<port>`, for --resolver / Resolver.setServers. */
  address: string;
  stop(): Promise<void>;
}

async function freeUdpPort(): Promise<number> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()));
  const { port } = sock.address();
  await new Promise<void>((resolve) => sock.close(() => resolve()));
  return port;
}

/**
 * `v=...` (long) → `name,chunk1,chunk2` for --txt-record: each comma-separated part is one
 * character-string of at most 255 octets (RFC 1035 §3.3.14). Passed without a shell, so no
 * quotes (dnsmasq would keep them); a value with a comma cannot be expressed this way.
 */
function txtArgument(name: string, value: string): string {
  if (value.includes(',')) throw new Error(`dnsmasq --txt-record cannot hold a comma: ${value}`);
  const chunks: string[] = [];
  for (let i = 0; i < value.length; i += 255) chunks.push(value.slice(i, i + 255));
  return `--txt-record=${name},${chunks.join(',')}`;
}

function reverseV4(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

/** Attempts at a port: between the probe and dnsmasq's bind, another test may take it. */
const PORT_ATTEMPTS = 5;

/**
 * dnsmasq listens on UDP and TCP at the same port; the probe checks only UDP, and a port free
 * a moment ago may be taken by a parallel test's TCP listener (seen in CI: "failed to create
 * listening socket for 127.0.0.1: Address already in use"). Such a start is retried on
 * another port.
 */
export async function startDnsmasq(zone: ZoneRecords): Promise<Dnsmasq> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDnsmasqOnce(zone);
    } catch (err) {
      if (attempt >= PORT_ATTEMPTS || !/Address already in use/.test((err as Error).message)) throw err;
    }
  }
}

async function startDnsmasqOnce(zone: ZoneRecords): Promise<Dnsmasq> {
  const bin = requireDnsmasq();
  const port = await freeUdpPort();
  const args = [
    '--keep-in-foreground',
    `--port=${port}`,
    '--listen-address=127.0.0.1',
    '--bind-interfaces',
    '--no-resolv',
    '--no-hosts',
    '--conf-file=/dev/null',
    '--pid-file=',
    '--log-facility=-',
    // answer every name from the records below: unknown names are NXDOMAIN, nothing is forwarded
    '--local=/#/',
    ...(process.getuid?.() === 0 ? ['--user=root', '--group=root'] : []),
    ...Object.entries(zone.txt ?? {}).flatMap(([name, values]) => values.map((v) => txtArgument(name, v))),
    ...Object.entries(zone.hosts ?? {}).map(([name, ip]) => `--host-record=${name},${ip}`),
    ...Object.entries(zone.ptr ?? {}).map(([ip, name]) => `--ptr-record=${reverseV4(ip)},${name}`),
  ];
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const address = `127.0.0.1:${port}`;
  // ready when it answers (a name it does not know: NXDOMAIN)
  const resolver = new dns.Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([address]);
  const deadline = Date.now() + 5000;
  for (;;) {
    if (child.exitCode !== null) {
      // 'close' comes after the last of its output (the reason), 'exit' may come before it
      await closed;
      throw new Error(`dnsmasq exited (${child.exitCode}): ${output}`);
    }
    try {
      await resolver.resolveTxt('ready.check.invalid');
      break;
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOTFOUND') break;
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`dnsmasq did not answer on ${address} within 5 s: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    address,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
