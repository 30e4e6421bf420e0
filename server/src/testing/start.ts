/**
 * Bouncer in-process for tests: free loopback ports, an in-memory store, silent logs. Each
 * call is its own server (ports, store, bus, scenarios), so many can run in one process.
 */
import type { BouncerConfigInput } from '../config/schema.js';
import type { ListenerInfo } from '../http/deps.js';
import { startBouncer as startServer, type Bouncer } from '../main.js';
import { BouncerClient } from './client.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface ListenerEndpoint extends Endpoint {
  profile: string;
  tls: 'none' | 'starttls' | 'implicit';
}

export interface StartOptions {
  /** Profile of the `smtp` listener (default `gmail-mx`; `permissive` captures everything). */
  profile?: string;
  /** Profile of the `submission` listener (default `gmail-submission`, STARTTLS). */
  submissionProfile?: string;
  /**
   * Any other setting (mailboxes, DNS world, users, ...). `listeners` replaces the two default
   * ones; unless said otherwise ports are 0 (free), the store is in memory and logs are silent.
   */
  config?: BouncerConfigInput;
}

/** Where a Bouncer is: its API and its SMTP listeners. */
export interface BouncerEndpoints {
  /** The `smtp` listener (or the first one, with a custom `listeners` list). */
  smtp: Endpoint;
  /** The `submission` listener, when there is one. */
  submission: Endpoint | undefined;
  /** Every listener by name. */
  listeners: Record<string, ListenerEndpoint>;
  /** The HTTP API's base URL (`http://127.0.0.1:<port>`). */
  url: string;
  client: BouncerClient;
}

export interface RunningBouncer extends BouncerEndpoints {
  /** The server itself (store, bus, scenarios, engines), for tests that need more. */
  server: Bouncer;
  stop(): Promise<void>;
}

export async function startBouncer(options: StartOptions = {}): Promise<RunningBouncer> {
  const config: BouncerConfigInput = {
    host: '127.0.0.1',
    listeners: [
      { name: 'smtp', port: 0, profile: options.profile ?? 'gmail-mx', tls: 'none' },
      { name: 'submission', port: 0, profile: options.submissionProfile ?? 'gmail-submission', tls: 'starttls' },
    ],
    http: { port: 0 },
    store: { kind: 'memory' },
    log: { level: 'silent' },
    ...options.config,
  };
  const server = await startServer(config);
  let stopping: Promise<void> | undefined;
  return {
    ...endpoints(server.http.url, server.listeners),
    server,
    stop: () => (stopping ??= server.stop()),
  };
}

/**
 * A Bouncer that is already running (another process, a container): asks its API where the
 * listeners are. A wildcard bind address (0.0.0.0, ::) means "the host of the URL".
 */
export async function attachBouncer(url: string): Promise<BouncerEndpoints> {
  const client = new BouncerClient(url);
  const urlHost = new URL(client.url).hostname.replace(/^\[|\]$/g, '');
  const listeners = (await client.listeners()).map((l) => ({ ...l, host: l.host === '0.0.0.0' || l.host === '::' ? urlHost : l.host }));
  return endpoints(client.url, listeners);
}

function endpoints(url: string, list: ListenerInfo[]): BouncerEndpoints {
  const listeners: Record<string, ListenerEndpoint> = Object.fromEntries(
    list.map((l) => [l.name, { host: l.host, port: l.port, profile: l.profile, tls: l.tls }]),
  );
  const endpoint = (l: ListenerEndpoint | undefined): Endpoint | undefined => (l ? { host: l.host, port: l.port } : undefined);
  return {
    smtp: endpoint(listeners.smtp ?? Object.values(listeners)[0])!,
    submission: endpoint(listeners.submission),
    listeners,
    url,
    client: new BouncerClient(url),
  };
}
