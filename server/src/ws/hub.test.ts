import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { EventBus } from '../events/bus.js';
import type { ApiDeps } from '../http/deps.js';
import { createHttpServer, type RunningHttpServer } from '../http/server.js';
import { MemoryStore } from '../store/memory.js';
import type { SessionRecord } from '../store/types.js';
import { EVENTS_PATH, isOriginAllowed, type HubOptions } from './hub.js';

interface Frame {
  type: string;
  data: any;
}

const running: RunningHttpServer[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await Promise.all(running.splice(0).map((s) => s.close()));
});

function makeSession(id: string): SessionRecord {
  return {
    id,
    listener: 'mx',
    profile: 'gmail',
    startedAt: Date.now(),
    clientAddress: '127.0.0.1',
    clientPort: 40001,
    tls: false,
    outcome: 'accepted',
    lines: [],
    decisions: [],
    warnings: [],
    messageIds: [],
  };
}

async function start(hub?: HubOptions, allowedOrigins: string[] = ['http://ui.example:5173']) {
  const store = new MemoryStore();
  store.saveSession(makeSession('s-old'));
  const bus = new EventBus();
  const deps: ApiDeps = {
    store,
    bus,
    live: { get: () => undefined, list: () => [] },
    profiles: () => [],
    listeners: () => [],
    allowedOrigins,
    version: '1.2.3-test',
  };
  const srv = await createHttpServer(deps, { host: '127.0.0.1', port: 0, hub });
  running.push(srv);
  const wsUrl = `ws://127.0.0.1:${srv.port}${EVENTS_PATH}`;
  return { srv, bus, store, wsUrl };
}

/** Opens a client and collects its frames; resolves once open. */
function connect(url: string, options: ConstructorParameters<typeof WebSocket>[2] = {}) {
  const ws = new WebSocket(url, options);
  sockets.push(ws);
  const frames: Frame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, opened };
}

/** Tries to connect; resolves with the HTTP status of a refused handshake, or `open`. */
function attempt(url: string, origin?: string): Promise<{ status: number | 'open'; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    sockets.push(ws);
    ws.once('open', () => resolve({ status: 'open', body: '' }));
    ws.once('unexpected-response', (req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    ws.once('error', reject);
  });
}

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const t = Date.now();
  while (!cond()) {
    if (Date.now() - t > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('event hub', () => {
  it('sends hello, then every bus event in order, to a client without Origin', async () => {
    const { srv, bus, wsUrl } = await start();
    const { frames, opened } = connect(wsUrl);
    await opened;
    await until(() => frames.length >= 1);
    expect(frames[0]).toEqual({
      type: 'hello',
      data: {
        version: '1.2.3-test',
        counts: { sessions: 1, messages: 0, accepted: 0, rejected: 0 },
        outcomes: { open: 0, accepted: 1, rejected: 0, 'no-mail': 0 },
      },
    });
    expect(srv.hub.clientCount()).toBe(1);

    const { lines: _l, decisions: _d, warnings: _w, ...rest } = makeSession('s1');
    const summary = { ...rest, warningCount: 0 };
    bus.publish('session.opened', { session: summary });
    for (let i = 0; i < 100; i++) bus.publish('session.line', { sessionId: 's1', line: { t: i, dir: i % 2 ? 'C' : 'S', text: `line ${i}` } });
    bus.publish('session.decision', {
      sessionId: 's1',
      decision: { at: 1, phase: 'mail', ruleId: 'mail.spf', verdict: 'reject', why: 'w', fix: 'f' },
    });
    bus.publish('session.closed', { session: { ...summary, outcome: 'rejected' } });

    await until(() => frames.length >= 104);
    expect(frames[1]).toEqual({ type: 'session.opened', data: { session: summary } });
    const lines = frames.slice(2, 102);
    expect(lines.every((f) => f.type === 'session.line' && f.data.sessionId === 's1')).toBe(true);
    expect(lines.map((f) => f.data.line.text)).toEqual(Array.from({ length: 100 }, (_, i) => `line ${i}`));
    expect(frames[102]!.type).toBe('session.decision');
    expect(frames[103]).toMatchObject({ type: 'session.closed', data: { session: { id: 's1', outcome: 'rejected' } } });
  });

  it('refuses a foreign Origin with 403 and never upgrades', async () => {
    const { srv, bus, wsUrl } = await start();
    const result = await attempt(wsUrl, 'http://evil.example');
    expect(result.status).toBe(403);
    expect(JSON.parse(result.body)).toMatchObject({ error: 'forbidden' });
    bus.publish('session.line', { sessionId: 's', line: { t: 0, dir: 'C', text: 'x' } });
    expect(srv.hub.clientCount()).toBe(0);
    // a look-alike of the own origin on another scheme or port is foreign too
    expect((await attempt(wsUrl, `http://127.0.0.1:${srv.port + 1}`)).status).toBe(403);
    expect((await attempt(wsUrl, 'null')).status).toBe(403);
  });

  it('accepts a configured origin and the server’s own origin', async () => {
    const { srv, wsUrl } = await start();
    expect((await attempt(wsUrl, 'http://ui.example:5173')).status).toBe('open');
    expect((await attempt(wsUrl, `http://127.0.0.1:${srv.port}`)).status).toBe('open');
    await until(() => srv.hub.clientCount() === 2);
  });

  it('refuses upgrades on other paths with 404', async () => {
    const { srv } = await start();
    const result = await attempt(`ws://127.0.0.1:${srv.port}/api/v1/health`);
    expect(result.status).toBe(404);
    expect((await attempt(`ws://127.0.0.1:${srv.port}/elsewhere`)).status).toBe(404);
    expect(srv.hub.clientCount()).toBe(0);
  });

  it('ignores what clients send', async () => {
    const { srv, bus, wsUrl } = await start();
    const { ws, frames, opened } = connect(wsUrl);
    await opened;
    ws.send('hello?');
    ws.send(JSON.stringify({ type: 'session.line', data: {} }));
    bus.publish('session.line', { sessionId: 's', line: { t: 0, dir: 'C', text: 'after' } });
    await until(() => frames.length >= 2);
    expect(frames.map((f) => f.type)).toEqual(['hello', 'session.line']);
    expect(srv.hub.clientCount()).toBe(1);
  });

  it('drops a client that does not answer pings', async () => {
    const { srv, wsUrl } = await start({ pingIntervalMs: 50 });
    const silent = connect(wsUrl, { autoPong: false });
    const polite = connect(wsUrl);
    await Promise.all([silent.opened, polite.opened]);
    const closed = new Promise<number>((resolve) => silent.ws.once('close', (code) => resolve(code)));
    expect(await closed).toBe(1006);
    await new Promise((r) => setTimeout(r, 200));
    expect(srv.hub.clientCount()).toBe(1);
    expect(polite.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('a client that connects while events are queued for the next burst gets only those after its hello', async () => {
    const { bus, wsUrl } = await start({ flushIntervalMs: 200 });
    const a = connect(wsUrl);
    await a.opened;
    await until(() => a.frames.length >= 1);
    const line = (text: string) => bus.publish('session.line', { sessionId: 's', line: { t: 0, dir: 'C', text } });
    line('before b');
    const b = connect(wsUrl);
    await b.opened;
    await until(() => b.frames.length >= 1);
    line('after b');
    await until(() => a.frames.length >= 3 && b.frames.length >= 2);
    expect(a.frames.map((f) => f.data?.line?.text ?? f.type)).toEqual(['hello', 'before b', 'after b']);
    // 'before b' happened before b's hello counts: sending it to b would count it twice
    expect(b.frames.map((f) => f.data?.line?.text ?? f.type)).toEqual(['hello', 'after b']);
  });

  it('drops a client that falls too far behind, and keeps serving the others', async () => {
    const { srv, bus, wsUrl } = await start({ maxBufferedBytes: 256 * 1024 });
    const slow = connect(wsUrl);
    const fast = connect(wsUrl);
    await Promise.all([slow.opened, fast.opened]);
    // the slow client stops reading: its socket and then the server's buffer fill up
    slow.ws.pause();
    const closed = new Promise<void>((resolve) => slow.ws.once('close', () => resolve()));
    const text = 'x'.repeat(256 * 1024);
    for (let i = 0; i < 200 && srv.hub.clientCount() === 2; i++) {
      bus.publish('session.line', { sessionId: 's', line: { t: i, dir: 'C', text } });
      await new Promise((r) => setImmediate(r));
    }
    expect(srv.hub.clientCount()).toBe(1);
    slow.ws.resume();
    await closed;
    bus.publish('session.line', { sessionId: 's', line: { t: -1, dir: 'S', text: 'last' } });
    await until(() => fast.frames.at(-1)?.data?.line?.text === 'last');
  });

  it('close() disconnects clients and refuses new ones', async () => {
    const { srv, wsUrl } = await start();
    const { ws, opened } = connect(wsUrl);
    await opened;
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await srv.close();
    expect(await closed).toBe(1001);
    expect(srv.hub.clientCount()).toBe(0);
  });

  it('shares the port with the HTTP API', async () => {
    const { srv } = await start();
    const status = await new Promise<number>((resolve, reject) => {
      request(`${srv.url}/api/v1/health`, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(200);
  });
});

describe('isOriginAllowed', () => {
  const allowed = ['http://ui.example:5173/', 'https://Bouncer.Example'];
  it.each([
    [undefined, 'localhost:8025', true],
    ['http://localhost:8025', 'localhost:8025', true],
    ['http://LOCALHOST:8025', 'localhost:8025', true],
    ['http://localhost:8025', 'LocalHost:8025', true],
    ['http://ui.example:5173', 'localhost:8025', true],
    ['https://bouncer.example', 'localhost:8025', true],
    ['https://localhost:8025', 'localhost:8025', false],
    ['http://localhost:8026', 'localhost:8025', false],
    ['http://evil.example', 'localhost:8025', false],
    ['http://ui.example:5173.evil.example', 'localhost:8025', false],
    ['null', 'localhost:8025', false],
    ['', 'localhost:8025', false],
    ['http://localhost:8025', undefined, false],
  ] as const)('origin %j, host %j → %j', (origin, host, expected) => {
    expect(isOriginAllowed(origin, host, allowed)).toBe(expected);
  });
});
