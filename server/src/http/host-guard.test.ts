/** The DNS-rebinding guard on a real server: HTTP and the WebSocket refuse foreign Host names. */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { EventBus } from '../events/bus.js';
import { MemoryStore } from '../store/memory.js';
import { createHttpServer, type RunningHttpServer } from './server.js';

let server: RunningHttpServer;
beforeAll(async () => {
  server = await createHttpServer(
    {
      store: new MemoryStore(),
      bus: new EventBus(),
      live: { get: () => undefined, list: () => [] },
      profiles: () => [],
      listeners: () => [],
      allowedOrigins: [],
      allowedHosts: ['bouncer.internal'],
      version: 'test',
    },
    { host: '127.0.0.1', port: 0 },
  );
});
afterAll(async () => server?.close());

function get(path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: server.port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

function wsStatus(host: string, origin: string): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/v1/events`, { headers: { host }, origin });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => undefined);
  });
}

describe('Host allowlist (DNS rebinding)', () => {
  it('answers loopback and configured host names', async () => {
    expect((await get('/api/v1/health', `127.0.0.1:${server.port}`)).status).toBe(200);
    expect((await get('/api/v1/health', `localhost:${server.port}`)).status).toBe(200);
    expect((await get('/api/v1/health', 'bouncer.internal:8025')).status).toBe(200);
  });

  it('refuses a rebinding name with 403 forbidden_host', async () => {
    const res = await get('/api/v1/sessions', 'evil.example:8025');
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error).toBe('forbidden_host');
  });

  it('refuses the WebSocket for a rebinding name even when Origin matches it', async () => {
    expect(await wsStatus('evil.example:8025', 'http://evil.example:8025')).toBe(403);
    expect(await wsStatus(`localhost:${server.port}`, `http://localhost:${server.port}`)).toBe('open');
  });
});
