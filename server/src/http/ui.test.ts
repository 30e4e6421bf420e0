/**
 * Serving the built UI: files, the single-page fallback, the CSP, and that the API keeps its
 * JSON 404s. Uses a stand-in build in a temp directory.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../events/bus.js';
import { MemoryStore } from '../store/memory.js';
import type { ApiDeps } from './deps.js';
import { createHttpServer, type RunningHttpServer } from './server.js';
import { uiContentSecurityPolicy } from './ui.js';

let dir: string;
let srv: RunningHttpServer;
const INDEX = '<!doctype html><title>Bouncer</title><script type="module" src="/assets/app-abc123.js"></script>';

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'bouncer-ui-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), INDEX);
  writeFileSync(path.join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(path.join(dir, '.env'), 'SECRET=1');
  const deps: ApiDeps = {
    store: new MemoryStore(),
    bus: new EventBus(),
    live: { get: () => undefined, list: () => [] },
    profiles: () => [],
    listeners: () => [],
    allowedOrigins: [],
    version: 'test',
  };
  srv = await createHttpServer(deps, { host: '127.0.0.1', port: 0, staticDir: dir });
});
afterAll(async () => {
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

function expectUiHeaders(res: Response): void {
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("frame-src 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toContain("'unsafe-eval'");
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
}

describe('the UI at /', () => {
  it('serves index.html at / and at every page path (single-page fallback), with the CSP', async () => {
    for (const p of ['/', '/sessions/kq5sm48213907zxb.31', '/messages', '/messages/abc', '/policy']) {
      const res = await fetch(srv.url + p);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toBe(INDEX);
      expectUiHeaders(res);
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('names the WebSocket of the Host it was reached by in connect-src', async () => {
    const res = await fetch(srv.url + '/');
    expect(res.headers.get('content-security-policy')).toContain(`connect-src 'self' ws://127.0.0.1:${srv.port} wss://127.0.0.1:${srv.port}`);
    expect(uiContentSecurityPolicy('evil.example; script-src *')).toContain("connect-src 'self';");
  });

  it('serves hashed assets as immutable, and a missing file is a 404, not the page', async () => {
    const js = await fetch(srv.url + '/assets/app-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expectUiHeaders(js);
    const missing = await fetch(srv.url + '/assets/nope.js');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toBe('not_found');
    expect((await fetch(srv.url + '/favicon.png')).status).toBe(404);
    expect((await fetch(srv.url + '/favicon.svg')).status).toBe(200);
    // dot files are never served (a page path like this gets the page, not the file)
    expect(await (await fetch(srv.url + '/.env')).text()).not.toContain('SECRET');
  });

  it('keeps JSON 404s under /api and answers other methods with 404', async () => {
    const api = await fetch(srv.url + '/api/v1/nothing');
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: string }).error).toBe('not_found');
    expect((await fetch(srv.url + '/api')).status).toBe(404);
    expect((await fetch(srv.url + '/policy', { method: 'POST' })).status).toBe(404);
    const health = await fetch(srv.url + '/api/v1/health');
    expect(health.status).toBe(200);
  });

  it('refuses foreign Host headers on UI pages too (DNS rebinding)', async () => {
    const http = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(srv.url + '/', { headers: { host: 'attacker.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });
});
