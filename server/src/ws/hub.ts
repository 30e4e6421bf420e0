/**
 * Live events over WebSocket at `/api/v1/events`: every bus event goes to every client as
 * `{type, data}`, in order, after a `hello`. Shares the HTTP port: server.ts hands `upgrade`
 * requests to {@link EventHub.handleUpgrade}.
 */
import { isHostAllowed } from '../http/host-check.js';
import { isAuthorized } from '../http/ui-token.js';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { BUS_EVENT_NAMES } from '../events/bus.js';
import type { ApiDeps } from '../http/deps.js';
import type { SessionOutcome } from '../store/types.js';

const OUTCOMES: readonly SessionOutcome[] = ['open', 'accepted', 'rejected', 'no-mail'];

export const EVENTS_PATH = '/api/v1/events';
/** A client further behind than this is dropped. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
export const PING_INTERVAL_MS = 30_000;
/**
 * Events are sent in bursts at most this far apart. Under load (a dozen events per message,
 * hundreds of messages a second) one write per event-loop turn meant thousands of syscalls
 * and wake-ups of every viewer a second; the benchmark's single viewer cost Bouncer about a
 * fifth of its throughput (docs/benchmarks.md). 10 ms is below what a person watching notices.
 */
export const FLUSH_INTERVAL_MS = 10;
/** Queued events beyond this many characters are sent at once: the hub never hoards a burst. */
export const FLUSH_CHARS = 64 * 1024;

export interface HubOptions {
  /** Defaults to {@link PING_INTERVAL_MS}. */
  pingIntervalMs?: number;
  /** Defaults to {@link MAX_BUFFERED_BYTES}. */
  maxBufferedBytes?: number;
  /** Defaults to {@link FLUSH_INTERVAL_MS}; 0 sends at the end of each event-loop turn. */
  flushIntervalMs?: number;
}

export interface EventHub {
  /** Answers an HTTP upgrade: the events path with an acceptable Origin is upgraded, anything else refused. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  clientCount(): number;
  /** Unsubscribes from the bus and closes every client. */
  close(): void;
}

type HubDeps = Pick<ApiDeps, 'bus' | 'store' | 'allowedOrigins' | 'allowedHosts' | 'version' | 'uiToken'>;

const normalizeOrigin = (origin: string): string => origin.trim().replace(/\/+$/, '').toLowerCase();

/**
 * Browsers send `Origin` on WebSocket handshakes and do not apply CORS to them, so without
 * this check any web page the user visits could read the live transcript. Allowed: no Origin
 * at all (not a browser), the server's own origin, or one configured explicitly.
 */
export function isOriginAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  const o = normalizeOrigin(origin);
  if (host && o === `http://${host.trim().toLowerCase()}`) return true;
  return allowed.some((a) => normalizeOrigin(a) === o);
}

/** The TCP socket under a WebSocket (ws keeps it as `_socket`; stable across ws 8). */
function socketOf(ws: WebSocket): Duplex | undefined {
  return (ws as unknown as { _socket?: Duplex | null })._socket ?? undefined;
}

/** Refuses a handshake with a plain HTTP response; the socket never becomes a WebSocket. */
function refuse(socket: Duplex, status: 401 | 403 | 404 | 400, reason: string, error: string, message: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error, message });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'X-Content-Type-Options: nosniff\r\n' +
      '\r\n' +
      body,
  );
}

export function createEventHub(deps: HubDeps, opts: HubOptions = {}): EventHub {
  const pingIntervalMs = opts.pingIntervalMs ?? PING_INTERVAL_MS;
  const maxBuffered = opts.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  const flushIntervalMs = opts.flushIntervalMs ?? FLUSH_INTERVAL_MS;
  // clients send nothing meaningful; a small cap keeps a hostile one from sending megabytes
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, clientTracking: false });
  const clients = new Set<WebSocket>();
  const alive = new WeakMap<WebSocket, boolean>();
  let closed = false;

  function send(ws: WebSocket, frame: string): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    // One slow browser must not grow server memory without bound: what cannot be written to
    // its socket piles up in ws's buffer. A client that far behind is dropped; it can
    // reconnect and reload the state from the HTTP API.
    if (ws.bufferedAmount > maxBuffered) {
      drop(ws);
      return;
    }
    ws.send(frame);
  }

  function drop(ws: WebSocket): void {
    clients.delete(ws);
    ws.terminate();
  }

  // Each event is serialised once and queued; a flush writes the queue to every client, its
  // frames corked into one write per client. Still one text frame per event, in order.
  let queue: string[] = [];
  let queuedChars = 0;
  let flushTimer: NodeJS.Timeout | NodeJS.Immediate | undefined;

  function flush(): void {
    if (flushTimer) {
      clearTimeout(flushTimer as NodeJS.Timeout);
      clearImmediate(flushTimer as NodeJS.Immediate);
      flushTimer = undefined;
    }
    if (queue.length === 0) return;
    const frames = queue;
    queue = [];
    queuedChars = 0;
    for (const ws of clients) {
      const socket = socketOf(ws);
      socket?.cork();
      for (const frame of frames) {
        send(ws, frame);
        if (!clients.has(ws)) break; // dropped as too slow
      }
      socket?.uncork();
    }
  }

  function broadcast(type: string, data: unknown): void {
    if (clients.size === 0) return;
    const frame = JSON.stringify({ type, data });
    queue.push(frame);
    queuedChars += frame.length;
    if (queuedChars >= FLUSH_CHARS) flush();
    else flushTimer ??= flushIntervalMs > 0 ? setTimeout(flush, flushIntervalMs) : setImmediate(flush);
  }

  const unsubscribes = BUS_EVENT_NAMES.map((name) => deps.bus.subscribe(name, (payload) => broadcast(name, payload)));

  const pinger = setInterval(() => {
    for (const ws of clients) {
      if (alive.get(ws) === false) {
        // no pong since the last ping: the peer is gone or stuck
        drop(ws);
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, pingIntervalMs);
  pinger.unref();

  function onConnection(ws: WebSocket): void {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('message', () => {
      /* clients have nothing to say; ignored */
    });
    ws.on('error', () => drop(ws));
    ws.on('close', () => clients.delete(ws));
    let counts: ReturnType<HubDeps['store']['counts']> | null = null;
    let outcomes: Record<SessionOutcome, number> | null = null;
    try {
      counts = deps.store.counts();
      // sessions per outcome at this instant: with the events that follow, a client keeps
      // exact counters (the UI header) without a race against its HTTP requests
      outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, deps.store.listSessions({ outcome: o, limit: 1 }).total])) as Record<SessionOutcome, number>;
    } catch {
      counts = null;
      outcomes = null;
    }
    // events from before the counts go to the clients that were there; then hello, then the
    // client joins the broadcast set: nothing can come in between
    flush();
    send(ws, JSON.stringify({ type: 'hello', data: { version: deps.version, counts, outcomes } }));
    clients.add(ws);
  }

  return {
    handleUpgrade(req, socket, head) {
      socket.on('error', () => socket.destroy());
      let pathname: string;
      try {
        pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
      } catch {
        refuse(socket, 400, 'Bad Request', 'bad_request', 'malformed request URL');
        return;
      }
      if (closed || pathname.replace(/\/+$/, '') !== EVENTS_PATH) {
        refuse(socket, 404, 'Not Found', 'not_found', `no WebSocket at ${pathname}`);
        return;
      }
      if (!isHostAllowed(req.headers.host, deps.allowedHosts)) {
        refuse(socket, 403, 'Forbidden', 'forbidden_host', 'host not allowed');
        return;
      }
      if (!isAuthorized(req, deps.uiToken)) {
        refuse(socket, 401, 'Unauthorized', 'unauthorized', 'this Bouncer requires its UI token');
        return;
      }
      if (!isOriginAllowed(req.headers.origin, req.headers.host, deps.allowedOrigins)) {
        refuse(socket, 403, 'Forbidden', 'forbidden', 'origin not allowed');
        return;
      }
      wss.handleUpgrade(req, socket, head, onConnection);
    },
    clientCount: () => clients.size,
    close() {
      if (closed) return;
      closed = true;
      clearInterval(pinger);
      for (const unsubscribe of unsubscribes) unsubscribe();
      flush();
      for (const ws of clients) {
        ws.close(1001, 'server shutting down');
        // do not wait for a closing handshake a dead peer will never finish
        setTimeout(() => ws.terminate(), 1000).unref();
      }
      clients.clear();
      wss.close();
    },
  };
}
