/**
 * One node HTTP server: the express API and the WebSocket event hub on the same port.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEventHub, type EventHub, type HubOptions } from '../ws/hub.js';
import { createApp, type AppOptions } from './app.js';
import type { ApiDeps } from './deps.js';

export interface HttpServerOptions extends AppOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  hub?: HubOptions;
}

export interface RunningHttpServer {
  server: http.Server;
  /** `http://<host>:<port>`, IPv6 hosts in brackets. */
  url: string;
  port: number;
  hub: EventHub;
  close(): Promise<void>;
}

export function formatUrl(host: string, port: number): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

export async function createHttpServer(deps: ApiDeps, opts: HttpServerOptions): Promise<RunningHttpServer> {
  const app = createApp(deps, opts);
  const server = http.createServer(app);
  const hub = createEventHub(deps, opts.hub);
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      hub.close();
      reject(err);
    };
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    server,
    url: formatUrl(opts.host, port),
    port,
    hub,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        hub.close();
        server.close((err) => (err ? reject(err) : resolve()));
        // idle keep-alive connections would hold close() open for seconds
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
