/**
 * One SMTP listener: an smtp-server instance whose connections are BouncerConnections
 * (SMTPServer.prototype.connect is the one seam), bound to a port with a profile.
 */
import type net from 'node:net';
import type tls from 'node:tls';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { isAddressAllowed } from 'smtp-server/lib/smtp-connection.js';
import type { DnsWorld } from '../dns/world.js';
import type { ListenerInfo } from '../http/deps.js';
import type { PolicyEngine } from '../policy/engine.js';
import type { Profile } from '../policy/profile.js';
import type { UserAccount } from '../policy/types.js';
import type { MessageAuth } from '../mail/auth-types.js';
import type { MessageEnvelope } from '../mail/authenticate.js';
import type { RateLimiter } from '../policy/rates.js';
import { BouncerConnection, connectionBySession } from './connection.js';
import { refuseBusy } from './refuse.js';
import type { RecorderDeps } from './session-recorder.js';

/** What every connection of a listener reads: shared services and the listener's settings. */
export interface ListenerRuntime {
  info: ListenerInfo;
  /** The listener's current profile (it can be switched while running). */
  profile(): Profile;
  engine(profileName: string): PolicyEngine;
  dns: DnsWorld;
  mailboxes: ReadonlyMap<string, ReadonlySet<string>>;
  users: ReadonlyArray<UserAccount>;
  recorderDeps: RecorderDeps;
  maxConnections: number;
  connectionCount(): number;
  xclientAllowed(address: string): boolean;
  log: Logger;
  /** SPF/DKIM/DMARC/ARC of a received message against the DNS world; absent: not checked. */
  authenticate?: (raw: Buffer, envelope: MessageEnvelope) => Promise<MessageAuth>;
  /** Rate-limit history shared by every listener; absent: no limits apply. */
  rates?: RateLimiter;
}

export interface ListenerOptions {
  name: string;
  host: string;
  port: number;
  tls: 'none' | 'starttls' | 'implicit';
  profile: () => Profile;
  engine: (profileName: string) => PolicyEngine;
  dns: DnsWorld;
  mailboxes: ReadonlyMap<string, ReadonlySet<string>>;
  users: ReadonlyArray<UserAccount>;
  recorderDeps: RecorderDeps;
  maxConnections: number;
  /** Peers allowed to use XCLIENT (loopback by default). */
  xclientFrom: string[];
  tlsKey?: string;
  tlsCert?: string;
  log: Logger;
  authenticate?: ListenerRuntime['authenticate'];
  rates?: RateLimiter;
}

/** listen(2) backlog (the kernel caps it at net.core.somaxconn). Node's default is 511. */
export const LISTEN_BACKLOG = 4096;

class BouncerSmtpServer extends SMTPServer {
  declare bouncer: ListenerRuntime;

  /** The seam: smtp-server builds its connection here; Bouncer builds its subclass instead. */
  override connect(socket: net.Socket | tls.TLSSocket, socketOptions: ConstructorParameters<typeof BouncerConnection>[2]): void {
    // over the cap: refused on a fast path, without an smtp-server connection (refuse.ts)
    if (this.connections.size >= this.bouncer.maxConnections) return refuseBusy(this.bouncer, socket);
    const connection = new BouncerConnection(this, socket, socketOptions);
    this.connections.add(connection);
    connection.on('error', (err: Error) => this.bouncer.log.debug({ err, session: connection.sessionId }, 'connection error'));
    connection.init();
  }
}

export interface RunningListener {
  info: ListenerInfo;
  server: SMTPServer;
  /**
   * Re-reads `profile()` after a switch: the listener info and the smtp-server options that
   * come from the profile. smtp-server reads its options per connection, so connections
   * opened from now on get the new profile's settings; open ones keep theirs.
   */
  refreshProfile(): void;
  close(): Promise<void>;
}

/** The smtp-server options a profile decides (see startListener). */
function profileOptions(profile: Profile): Pick<SMTPServerOptions, 'name' | 'authMethods' | 'maxCommandLength' | 'socketTimeout'> {
  return {
    name: profile.hostname,
    // smtp-server upper-cases these once in its constructor; a later change must do the same
    authMethods: profile.auth.mechanisms.map((m) => m.toUpperCase()),
    maxCommandLength: profile.limits.maxLineLength,
    socketTimeout: profile.limits.idleTimeoutMs,
  };
}

function connectionOf(_server: SMTPServer, session: object): BouncerConnection | undefined {
  return connectionBySession.get(session);
}

export async function startListener(opts: ListenerOptions): Promise<RunningListener> {
  const profile = opts.profile();
  const options: SMTPServerOptions = {
    secure: opts.tls === 'implicit',
    ...profileOptions(profile),
    // replies carry only the enhanced codes the profile gives (RFC 2034): never derive them
    hideENHANCEDSTATUSCODES: true,
    hideDSN: true,
    hideREQUIRETLS: true,
    // the DNS world answers reverse lookups; real DNS would stall every connection here
    disableReverseLookup: true,
    // sequence, TLS and auth requirements are policy rules, not smtp-server's built-ins
    authOptional: true,
    allowInsecureAuth: true,
    useXClient: opts.xclientFrom,
    maxAllowedUnauthenticatedCommands: false,
    closeTimeout: 2000,
    logger: false,
    ...(opts.tlsKey && opts.tlsCert ? { key: opts.tlsKey, cert: opts.tlsCert } : {}),
    onConnect(session, callback) {
      const connection = connectionOf(server, session);
      if (!connection) return callback();
      connection.handleConnect().then((err) => callback(err ?? null), callback);
    },
    onSecure(socket, session, callback) {
      connectionOf(server, session)?.handleSecure(socket);
      callback();
    },
    onAuth(auth, session, callback) {
      const connection = connectionOf(server, session);
      if (!connection) return callback(new Error('no connection'));
      connection.handleAuth(auth.method, auth.username ?? '', auth.password ?? '').then((result) => {
        if (result instanceof Error) callback(result);
        else callback(null, result);
      }, callback);
    },
    onMailFrom(_address, _session, callback) {
      // the policy gate already judged MAIL before smtp-server parsed it
      callback();
    },
    onRcptTo(_address, _session, callback) {
      callback();
    },
    onData(stream, session, callback) {
      const connection = connectionOf(server, session);
      if (!connection) {
        stream.resume();
        return callback(new Error('no connection'));
      }
      connection.handleData(stream, callback);
    },
  };
  const server = new BouncerSmtpServer(options);
  const info: ListenerInfo = { name: opts.name, host: opts.host, port: opts.port, tls: opts.tls, profile: profile.name };
  server.bouncer = {
    info,
    profile: opts.profile,
    engine: opts.engine,
    dns: opts.dns,
    mailboxes: opts.mailboxes,
    users: opts.users,
    recorderDeps: opts.recorderDeps,
    maxConnections: opts.maxConnections,
    connectionCount: () => server.connections.size,
    xclientAllowed: (address) => isAddressAllowed(opts.xclientFrom, address),
    log: opts.log,
    authenticate: opts.authenticate,
    rates: opts.rates,
  };
  server.on('error', (err: Error) => opts.log.warn({ err, listener: opts.name }, 'listener error'));
  // Over the cap, a plain connection is refused as soon as it is accepted, before smtp-server
  // spends anything on it (an id, the PROXY check, a deferred connect): under a flood the
  // refusals must stay cheap. Implicit TLS connections are refused in connect(), after the
  // handshake, since the reply has to be encrypted.
  if (opts.tls !== 'implicit') {
    const accept = server.server.listeners('connection') as Array<(socket: net.Socket) => void>;
    server.server.removeAllListeners('connection');
    server.server.on('connection', (socket: net.Socket) => {
      if (server.connections.size >= opts.maxConnections) return refuseBusy(server.bouncer, socket);
      for (const listener of accept) listener.call(server.server, socket);
    });
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(new Error(`cannot listen on ${opts.host}:${opts.port} (${opts.name}): ${err.message}`));
    server.server.once('error', onError);
    // a deep accept queue: a test suite opening a thousand connections at once must not have
    // its SYNs dropped (and retried a second later) before Bouncer can answer or refuse them
    server.listen(opts.port, opts.host, LISTEN_BACKLOG, () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  const address = server.server.address() as net.AddressInfo;
  info.port = address.port;

  return {
    info,
    server,
    refreshProfile() {
      const next = opts.profile();
      Object.assign(server.options, profileOptions(next));
      info.profile = next.name;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // smtp-server stops accepting, waits closeTimeout, then tells whoever is left "421" and
        // closes them. Connections with nothing in flight are told at once instead; one that
        // is receiving or judging a message gets its reply first (250 only once committed),
        // then the 421 (RFC 5321 §3.8: a server shutting down answers 421 and closes).
        const sweep = () => {
          for (const c of server.connections as Set<BouncerConnection>) {
            if (c.busy || c._closing || c._closed) continue;
            c.send(421, 'Server shutting down');
            c.close();
          }
        };
        const sweeper = setInterval(sweep, 25);
        server.close(() => {
          clearInterval(sweeper);
          resolve();
        });
        sweep();
      }),
  };
}
