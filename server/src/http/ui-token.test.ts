/** BOUNCER_UI_TOKEN on a real server: the API, /metrics and the WebSocket require it; health does not. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { EventBus } from '../events/bus.js';
import { MemoryStore } from '../store/memory.js';
import { createHttpServer, type RunningHttpServer } from './server.js';
import { tokenMatches } from './ui-token.js';

const TOKEN = 's3cret-token';

async function serve(uiToken?: string): Promise<RunningHttpServer> {
  return createHttpServer(
    {
      store: new MemoryStore(),
      bus: new EventBus(),
      live: { get: () => undefined, list: () => [] },
      profiles: () => [],
      listeners: () => [],
      allowedOrigins: [],
      version: 'test',
      uiToken,
      metrics: { contentType: 'text/plain; version=0.0.4; charset=utf-8', text: async () => 'up 1\n' },
    },
    { host: '127.0.0.1', port: 0 },
  );
}

let open: RunningHttpServer;
let guarded: RunningHttpServer;
beforeAll(async () => {
  open = await serve();
  guarded = await serve(TOKEN);
});
afterAll(async () => {
  await open?.close();
  await guarded?.close();
});

function ws(server: RunningHttpServer, opts: { query?: string; headers?: Record<string, string> } = {}): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api/v1/events${opts.query ?? ''}`, { headers: opts.headers });
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('error', () => undefined);
  });
}

describe('without a token', () => {
  it('everything is open, as before', async () => {
    expect((await fetch(`${open.url}/api/v1/sessions`)).status).toBe(200);
    expect((await fetch(`${open.url}/metrics`)).status).toBe(200);
    expect(await ws(open)).toBe('open');
  });
});

describe('with BOUNCER_UI_TOKEN', () => {
  it('refuses the API and /metrics without it: 401 unauthorized, WWW-Authenticate Bearer', async () => {
    for (const path of ['/api/v1/sessions', '/api/v1/messages', '/metrics', '/api/v1/openapi.json']) {
      const res = await fetch(`${guarded.url}${path}`);
      expect(res.status, path).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="bouncer"');
      expect(((await res.json()) as { error: string }).error).toBe('unauthorized');
    }
    const wrong = await fetch(`${guarded.url}/api/v1/sessions`, { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('keeps the health check open (container health checks)', async () => {
    expect((await fetch(`${guarded.url}/api/v1/health`)).status).toBe(200);
  });

  it('accepts Authorization: Bearer <token>', async () => {
    expect((await fetch(`${guarded.url}/api/v1/sessions`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await fetch(`${guarded.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('accepts ?token= once and sets an HttpOnly SameSite=Strict cookie that works from then on', async () => {
    const first = await fetch(`${guarded.url}/api/v1/sessions?token=${TOKEN}`);
    expect(first.status).toBe(200);
    const setCookie = first.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^bouncer_token=s3cret-token; Path=\/; HttpOnly; SameSite=Strict$/);
    const cookie = setCookie.split(';')[0]!;
    expect((await fetch(`${guarded.url}/api/v1/messages`, { headers: { Cookie: cookie } })).status).toBe(200);
    expect((await fetch(`${guarded.url}/api/v1/messages`, { headers: { Cookie: 'bouncer_token=wrong' } })).status).toBe(401);
  });

  it('the WebSocket requires it too: by query, cookie or bearer header', async () => {
    expect(await ws(guarded)).toBe(401);
    expect(await ws(guarded, { query: '?token=wrong' })).toBe(401);
    expect(await ws(guarded, { query: `?token=${TOKEN}` })).toBe('open');
    expect(await ws(guarded, { headers: { Cookie: `bouncer_token=${TOKEN}` } })).toBe('open');
    expect(await ws(guarded, { headers: { Authorization: `Bearer ${TOKEN}` } })).toBe('open');
  });

  it('compares in constant time, whatever the lengths', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(`${TOKEN}x`, TOKEN)).toBe(false);
    expect(tokenMatches('', TOKEN)).toBe(false);
    expect(tokenMatches(undefined, TOKEN)).toBe(false);
  });
});
