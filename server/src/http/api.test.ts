import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../events/bus.js';
import type { Profile } from '../policy/profile.js';
import { MemoryStore } from '../store/memory.js';
import type { Attachment, MessageRecord, NewMessage, SessionRecord, Store } from '../store/types.js';
import { EVENTS_PATH } from '../ws/hub.js';
import { API_PREFIX, createApiRouter, METRICS_PATH } from './app.js';
import type { ApiDeps, ListenerInfo, LiveSessions } from './deps.js';
import { openApiDocument } from './openapi.js';
import { createMailhogRouter, MAILHOG_PREFIX } from './routes/mailhog.js';
import { sanitizeFilename } from './routes/messages.js';
import { createHttpServer, formatUrl, type RunningHttpServer } from './server.js';

// ---------------------------------------------------------------- factories

let seq = 0;
const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

function makeSession(overrides: Partial<SessionRecord> = {}): SessionRecord {
  seq++;
  return {
    id: `s${seq}`,
    listener: 'mx',
    profile: 'gmail',
    startedAt: T0 + seq * 1000,
    endedAt: T0 + seq * 1000 + 500,
    clientAddress: '127.0.0.1',
    clientPort: 40000 + seq,
    heloVerb: 'EHLO',
    heloName: 'client.example',
    tls: false,
    outcome: 'accepted',
    lines: [
      { t: 0, dir: 'S', text: '220 mx.google.com ESMTP ready' },
      { t: 3, dir: 'C', text: 'EHLO client.example' },
    ],
    decisions: [],
    warnings: [],
    messageIds: [],
    ...overrides,
  };
}

function makeMessage(
  session: SessionRecord,
  overrides: Partial<MessageRecord> = {},
  attachments: Array<Pick<Attachment, 'filename' | 'contentType'> & { content: string | Buffer }> = [],
): NewMessage {
  seq++;
  const atts: Attachment[] = attachments.map((a, index) => {
    const content = Buffer.isBuffer(a.content) ? a.content : Buffer.from(a.content);
    return { index, filename: a.filename, contentType: a.contentType, size: content.length, content };
  });
  const raw = Buffer.from(`From: alice@example.com\r\nTo: bob@example.org\r\nSubject: hello ${seq}\r\n\r\nbody ${seq}\r\n`);
  const record: MessageRecord = {
    id: `m${seq}`,
    sessionId: session.id,
    receivedAt: T0 + seq * 1000,
    status: 'accepted',
    mailFrom: 'alice@example.com',
    rcptTo: ['bob@example.org'],
    size: raw.length,
    truncated: false,
    subject: `hello ${seq}`,
    from: [{ name: 'Alice', address: 'alice@example.com' }],
    to: [{ name: 'Bob', address: 'bob@example.org' }],
    cc: [],
    text: `body ${seq}`,
    headers: [{ name: 'subject', value: `hello ${seq}` }],
    attachments: atts.map(({ content: _c, ...meta }) => meta),
    ...overrides,
  };
  return { record, raw, attachments: atts };
}

/** Saves a session with messages through the store, as the SMTP side would. */
function saveWithMessages(store: Store, session: SessionRecord, messages: NewMessage[]): void {
  store.saveSession(session);
  for (const m of messages) {
    session.messageIds.push(m.record.id);
    store.saveMessage(m, session);
  }
}

function makeProfile(name: string): Profile {
  // built by hand (not through the YAML loader): the API only passes profiles through
  return {
    name,
    description: `${name} receiver`,
    hostname: 'mx.google.com',
    greetingDelayMs: 0,
    ehlo: { extensions: ['SIZE', 'PIPELINING'] },
    unimplementedCommands: [],
    auth: { enabled: false, mechanisms: ['LOGIN', 'PLAIN'], requireTls: true },
    limits: { maxMessageSize: 1000, maxRecipients: 5, maxUnrecognizedCommands: 10, idleTimeoutMs: 1000, maxLineLength: 4096 },
    replies: { greeting: { code: 220, text: ['mx.google.com ESMTP ready'] } },
    rules: {
      connect: [],
      mail: [
        {
          id: 'mail.spf',
          check: 'mail.spf',
          enabled: true,
          description: 'SPF must pass',
          params: { strict: true },
          reply: { code: 550, enhanced: '5.7.26', text: ['SPF failed'] },
        },
      ],
    },
    source: '/secret/path/profiles/gmail.yaml',
  } as unknown as Profile;
}

class MapLive implements LiveSessions {
  readonly sessions = new Map<string, SessionRecord>();
  get(id: string) {
    return this.sessions.get(id);
  }
  list() {
    return [...this.sessions.values()];
  }
  add(s: SessionRecord) {
    this.sessions.set(s.id, s);
  }
}

const LISTENERS: ListenerInfo[] = [
  { name: 'mx', host: '127.0.0.1', port: 2525, tls: 'starttls', profile: 'gmail' },
  { name: 'smtps', host: '127.0.0.1', port: 4650, tls: 'implicit', profile: 'gmail' },
];

interface Harness {
  store: MemoryStore;
  live: MapLive;
  deps: ApiDeps;
  srv: RunningHttpServer;
  get(path: string, init?: RequestInit): Promise<Response>;
}

const running: RunningHttpServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function start(opts: { store?: MemoryStore; log?: { error: (obj: object, msg: string) => void } } = {}): Promise<Harness> {
  const store = opts.store ?? new MemoryStore();
  const live = new MapLive();
  const deps: ApiDeps = {
    store,
    bus: new EventBus(),
    live,
    profiles: () => [makeProfile('gmail'), makeProfile('strict')],
    listeners: () => LISTENERS,
    allowedOrigins: [],
    version: '9.9.9-test',
  };
  const srv = await createHttpServer(deps, { host: '127.0.0.1', port: 0, log: opts.log });
  running.push(srv);
  return { store, live, deps, srv, get: (path, init) => fetch(srv.url + path, init) };
}

async function expectError(res: Response, status: number, id: string): Promise<string> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await res.json()) as { error: string; message: string };
  expect(body.error).toBe(id);
  expect(typeof body.message).toBe('string');
  expect(Object.keys(body).sort()).toEqual(['error', 'message']);
  return body.message;
}

function expectSecurityHeaders(res: Response): void {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
}

// ---------------------------------------------------------------- tests

describe('server', () => {
  it('listens on a free port and reports its url', async () => {
    const h = await start();
    expect(h.srv.port).toBeGreaterThan(0);
    expect(h.srv.url).toBe(`http://127.0.0.1:${h.srv.port}`);
  });

  it('brackets IPv6 hosts in the url', () => {
    expect(formatUrl('::1', 8025)).toBe('http://[::1]:8025');
    expect(formatUrl('localhost', 8025)).toBe('http://localhost:8025');
  });

  it('close() returns promptly with an idle keep-alive connection open', async () => {
    const h = await start();
    await (await h.get('/api/v1/health')).text();
    const t = Date.now();
    await h.srv.close();
    expect(Date.now() - t).toBeLessThan(1000);
  });
});

describe('GET /api/v1/health', () => {
  it('reports status, version, store kind and uptime', async () => {
    const h = await start();
    const res = await h.get('/api/v1/health');
    expect(res.status).toBe(200);
    expectSecurityHeaders(res);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body).toEqual({ status: 'ok', version: '9.9.9-test', store: 'memory', uptimeSeconds: expect.any(Number) });
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });
});

describe('sessions', () => {
  it('lists stored sessions newest first, without transcript or decisions', async () => {
    const h = await start();
    const a = makeSession();
    const b = makeSession({ outcome: 'rejected', rejection: { phase: 'mail', ruleId: 'mail.spf', code: 550 } });
    h.store.saveSession(a);
    h.store.saveSession(b);
    const res = await h.get('/api/v1/sessions');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.total).toBe(2);
    expect(body.items.map((s: SessionRecord) => s.id)).toEqual([b.id, a.id]);
    expect(body.items[0]).not.toHaveProperty('lines');
    expect(body.items[0]).not.toHaveProperty('decisions');
  });

  it('filters by outcome, listener and q, and pages with limit/offset', async () => {
    const h = await start();
    const sessions = [
      makeSession({ outcome: 'accepted', listener: 'mx' }),
      makeSession({ outcome: 'rejected', listener: 'mx', rejection: { phase: 'mail', ruleId: 'mail.spf', code: 550 } }),
      makeSession({ outcome: 'rejected', listener: 'smtps', heloName: 'spammer.test' }),
      makeSession({ outcome: 'no-mail', listener: 'smtps' }),
    ];
    for (const s of sessions) h.store.saveSession(s);
    const ids = async (q: string) => ((await (await h.get(`/api/v1/sessions${q}`)).json()).items as SessionRecord[]).map((s) => s.id);

    expect(await ids('?outcome=rejected')).toEqual([sessions[2]!.id, sessions[1]!.id]);
    expect(await ids('?listener=smtps')).toEqual([sessions[3]!.id, sessions[2]!.id]);
    expect(await ids('?q=SPAMMER')).toEqual([sessions[2]!.id]);
    expect(await ids('?q=mail.spf')).toEqual([sessions[1]!.id]);
    const page = await (await h.get('/api/v1/sessions?limit=2&offset=1')).json();
    expect(page.total).toBe(4);
    expect(page.items.map((s: SessionRecord) => s.id)).toEqual([sessions[2]!.id, sessions[1]!.id]);
  });

  it('prepends live sessions, preferring the live record over a stale stored copy', async () => {
    const h = await start();
    const old1 = makeSession();
    const old2 = makeSession();
    const liveA = makeSession({ outcome: 'open', endedAt: undefined });
    const liveB = makeSession({ outcome: 'open', endedAt: undefined });
    h.store.saveSession(old1);
    h.store.saveSession(old2);
    // the store saw liveA at open; since then it has said more
    h.store.saveSession({ ...liveA, heloName: undefined, lines: [] });
    liveA.subject = 'still typing';
    h.live.add(liveA);
    h.live.add(liveB);

    const res = await (await h.get('/api/v1/sessions')).json();
    expect(res.total).toBe(4);
    expect(res.items.map((s: SessionRecord) => s.id)).toEqual([liveB.id, liveA.id, old2.id, old1.id]);
    expect(res.items[1].subject).toBe('still typing');
    expect(res.items[1]).not.toHaveProperty('lines');
    expect(res.items[0]).not.toHaveProperty('decisions');

    // paging runs across the live/stored boundary without repeats or gaps
    const seen: string[] = [];
    for (let offset = 0; offset < 4; offset += 3) {
      const p = await (await h.get(`/api/v1/sessions?limit=3&offset=${offset}`)).json();
      expect(p.total).toBe(4);
      seen.push(...p.items.map((s: SessionRecord) => s.id));
    }
    expect(seen).toEqual([liveB.id, liveA.id, old2.id, old1.id]);

    // live sessions are filtered like stored ones
    const accepted = await (await h.get('/api/v1/sessions?outcome=accepted')).json();
    expect(accepted.items.map((s: SessionRecord) => s.id)).toEqual([old2.id, old1.id]);
    expect(accepted.total).toBe(2);
    const open = await (await h.get('/api/v1/sessions?outcome=open')).json();
    expect(open.items.map((s: SessionRecord) => s.id)).toEqual([liveB.id, liveA.id]);
    expect(open.total).toBe(2);
    const typed = await (await h.get('/api/v1/sessions?q=typing')).json();
    expect(typed.items.map((s: SessionRecord) => s.id)).toEqual([liveA.id]);
    expect(typed.total).toBe(1);
    const onOther = await (await h.get('/api/v1/sessions?listener=smtps')).json();
    expect(onOther).toEqual({ items: [], total: 0 });
  });

  it('returns one session with lines and decisions, live record first', async () => {
    const h = await start();
    const stored = makeSession({
      decisions: [{ at: T0, phase: 'mail', ruleId: 'mail.spf', verdict: 'reject', why: 'SPF fail', fix: 'publish SPF' }],
    });
    h.store.saveSession(stored);
    const res = await h.get(`/api/v1/sessions/${stored.id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(stored);

    const live = makeSession({ outcome: 'open' });
    h.store.saveSession({ ...live, lines: [] });
    h.live.add(live);
    const body = await (await h.get(`/api/v1/sessions/${live.id}`)).json();
    expect(body.lines).toHaveLength(2);
  });

  it('answers 404 not_found for an unknown session', async () => {
    const h = await start();
    const res = await h.get('/api/v1/sessions/nope');
    expectSecurityHeaders(res);
    expect(await expectError(res, 404, 'not_found')).toContain('nope');
  });

  it('answers 400 bad_request listing every invalid query parameter', async () => {
    const h = await start();
    const msg = await expectError(await h.get('/api/v1/sessions?limit=abc&outcome=bogus'), 400, 'bad_request');
    expect(msg).toContain('limit');
    expect(msg).toContain('outcome');
    await expectError(await h.get('/api/v1/sessions?limit=0'), 400, 'bad_request');
    await expectError(await h.get('/api/v1/sessions?limit=-1'), 400, 'bad_request');
    await expectError(await h.get('/api/v1/sessions?limit=1.5'), 400, 'bad_request');
    await expectError(await h.get('/api/v1/sessions?limit=100000'), 400, 'bad_request');
    await expectError(await h.get('/api/v1/sessions?offset=-3'), 400, 'bad_request');
    await expectError(await h.get('/api/v1/sessions?limit=1&limit=2'), 400, 'bad_request');
  });
});

describe('messages', () => {
  async function seeded() {
    const h = await start();
    const s1 = makeSession();
    const s2 = makeSession();
    const m1 = makeMessage(s1, { subject: 'Invoice March', mailFrom: 'billing@shop.example' });
    const m2 = makeMessage(s1, { status: 'rejected', rejection: { phase: 'message', ruleId: 'message.dkim', code: 550, text: ['no'] } });
    const m3 = makeMessage(s2, { rcptTo: ['carol@example.net'], to: [], text: 'the secret word is walrus' }, [
      { filename: '../../etc/passwd', contentType: 'text/plain', content: 'root:x:0:0' },
      { filename: 'page.html', contentType: 'text/html', content: '<script>alert(1)</script>' },
      { filename: '', contentType: 'bogus type\r\nX-Evil: 1', content: Buffer.from([0, 1, 2, 255]) },
    ]);
    saveWithMessages(h.store, s1, [m1, m2]);
    saveWithMessages(h.store, s2, [m3]);
    return { h, s1, s2, m1, m2, m3 };
  }

  it('lists messages and filters by status, from, to, subject, q and session', async () => {
    const { h, s1, m1, m2, m3 } = await seeded();
    const ids = async (q: string) => {
      const res = await h.get(`/api/v1/messages${q}`);
      expect(res.status).toBe(200);
      const body = await res.json();
      return body.items.map((m: MessageRecord) => m.id) as string[];
    };
    const all = await (await h.get('/api/v1/messages')).json();
    expect(all.total).toBe(3);
    expect(all.items.map((m: MessageRecord) => m.id)).toEqual([m3.record.id, m2.record.id, m1.record.id]);
    expect(all.items[0]).not.toHaveProperty('text');
    expect(all.items[0]).not.toHaveProperty('headers');
    expect(await ids('?status=rejected')).toEqual([m2.record.id]);
    expect(await ids('?from=BILLING')).toEqual([m1.record.id]);
    expect(await ids('?to=carol')).toEqual([m3.record.id]);
    expect(await ids('?subject=invoice')).toEqual([m1.record.id]);
    expect(await ids('?q=walrus')).toEqual([m3.record.id]);
    expect(await ids(`?session=${s1.id}`)).toEqual([m2.record.id, m1.record.id]);
    expect(await ids('?limit=1&offset=1')).toEqual([m2.record.id]);
  });

  it('rejects invalid message query parameters', async () => {
    const { h } = await seeded();
    const msg = await expectError(await h.get('/api/v1/messages?status=maybe&offset=x'), 400, 'bad_request');
    expect(msg).toContain('status');
    expect(msg).toContain('offset');
  });

  it('returns one message in full, or 404', async () => {
    const { h, m3 } = await seeded();
    const res = await h.get(`/api/v1/messages/${m3.record.id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(m3.record);
    await expectError(await h.get('/api/v1/messages/nope'), 404, 'not_found');
  });

  it('deletes one message (204) and then it is gone', async () => {
    const { h, m1 } = await seeded();
    const res = await h.get(`/api/v1/messages/${m1.record.id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expectSecurityHeaders(res);
    expect(await res.text()).toBe('');
    await expectError(await h.get(`/api/v1/messages/${m1.record.id}`), 404, 'not_found');
    await expectError(await h.get(`/api/v1/messages/${m1.record.id}`, { method: 'DELETE' }), 404, 'not_found');
  });

  it('deletes every message', async () => {
    const { h } = await seeded();
    const res = await h.get('/api/v1/messages', { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ deleted: 3 });
    expect(await (await h.get('/api/v1/messages')).json()).toEqual({ items: [], total: 0 });
    expect(await (await h.get('/api/v1/messages', { method: 'DELETE' })).json()).toEqual({ deleted: 0 });
  });

  it('serves the raw message as an .eml download', async () => {
    const { h, m1 } = await seeded();
    const res = await h.get(`/api/v1/messages/${m1.record.id}/raw`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^message\/rfc822/);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="${m1.record.id}.eml"; filename*=UTF-8''${m1.record.id}.eml`,
    );
    expectSecurityHeaders(res);
    expect(Buffer.from(await res.arrayBuffer()).equals(m1.raw)).toBe(true);
    await expectError(await h.get('/api/v1/messages/nope/raw'), 404, 'not_found');
  });

  it('serves attachments by index with a sanitised name and the declared type', async () => {
    const { h, m3 } = await seeded();
    const base = `/api/v1/messages/${m3.record.id}/attachments`;

    const first = await h.get(`${base}/0`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(first.headers.get('content-disposition')).toBe(`attachment; filename="passwd"; filename*=UTF-8''passwd`);
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await first.text()).toBe('root:x:0:0');

    // HTML is still a download, never rendered inline
    const html = await h.get(`${base}/1`);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('content-disposition')).toMatch(/^attachment; filename="page.html"/);
    expect(html.headers.get('x-content-type-options')).toBe('nosniff');
    expect(html.headers.get('content-security-policy')).toContain('sandbox');

    // no name, and a content type that is not one: a named fallback and opaque bytes
    const blob = await h.get(`${base}/2`);
    expect(blob.status).toBe(200);
    expect(blob.headers.get('content-type')).toBe('application/octet-stream');
    expect(blob.headers.get('content-disposition')).toBe(`attachment; filename="attachment-2"; filename*=UTF-8''attachment-2`);
    expect(blob.headers.get('x-evil')).toBeNull();
    expect([...Buffer.from(await blob.arrayBuffer())]).toEqual([0, 1, 2, 255]);
  });

  it('answers attachment errors with stable ids', async () => {
    const { h, m1, m3 } = await seeded();
    expect(await expectError(await h.get(`/api/v1/messages/${m3.record.id}/attachments/abc`), 400, 'bad_request')).toContain('index');
    await expectError(await h.get(`/api/v1/messages/${m3.record.id}/attachments/-1`), 400, 'bad_request');
    await expectError(await h.get(`/api/v1/messages/${m3.record.id}/attachments/1.5`), 400, 'bad_request');
    await expectError(await h.get(`/api/v1/messages/${m3.record.id}/attachments/..%2F..%2Fetc%2Fpasswd`), 400, 'bad_request');
    await expectError(await h.get(`/api/v1/messages/${m3.record.id}/attachments/7`), 404, 'not_found');
    await expectError(await h.get(`/api/v1/messages/${m1.record.id}/attachments/0`), 404, 'not_found');
    await expectError(await h.get('/api/v1/messages/nope/attachments/0'), 404, 'not_found');
  });
});

describe('sanitizeFilename', () => {
  const cases: Array<[string | undefined, string]> = [
    ['report.pdf', 'report.pdf'],
    ['my file (1).txt', 'my file _1_.txt'],
    ['../../etc/passwd', 'passwd'],
    ['/etc/passwd', 'passwd'],
    ['..\\..\\boot.ini', 'boot.ini'],
    ['C:\\Windows\\system32\\cmd.exe', 'cmd.exe'],
    ['"evil\r\nX: y.txt', 'evilX_ y.txt'],
    ["it's \"quoted\".txt", 'its quoted.txt'],
    ['a\u0000b\u0007c\u007f.bin', 'abc.bin'],
    ['.htaccess', 'htaccess'],
    ['...hidden', 'hidden'],
    ['..', 'attachment-3'],
    ['dir/', 'attachment-3'],
    ['', 'attachment-3'],
    [undefined, 'attachment-3'],
    ['   ', 'attachment-3'],
    ['résumé.pdf', 'r_sum_.pdf'],
    ['日本語.txt', '___.txt'],
    ['😀.png', '_.png'],
    ['a;b=c,d.txt', 'a_b_c_d.txt'],
    ['<script>.html', '_script_.html'],
    ['%2e%2e%2fx', '_2e_2e_2fx'],
  ];
  it.each(cases)('%j → %j', (input, expected) => {
    expect(sanitizeFilename(input, 'attachment-3')).toBe(expected);
  });

  it('caps long names and keeps the extension', () => {
    const out = sanitizeFilename(`${'a'.repeat(500)}.pdf`, 'x');
    expect(out.length).toBeLessThanOrEqual(200);
    expect(out.endsWith('.pdf')).toBe(true);
  });

  it('only ever returns safe characters', () => {
    for (const [input] of cases) expect(sanitizeFilename(input, 'attachment-3')).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._ -]*$/);
  });
});

describe('profiles and listeners', () => {
  it('lists profiles with their rules, without the file they came from', async () => {
    const h = await start();
    const res = await h.get('/api/v1/profiles');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.map((p: Profile) => p.name)).toEqual(['gmail', 'strict']);
    const gmail = body[0];
    expect(gmail).not.toHaveProperty('source');
    expect(JSON.stringify(body)).not.toContain('/secret/path');
    expect(gmail).toMatchObject({
      name: 'gmail',
      description: 'gmail receiver',
      hostname: 'mx.google.com',
      ehlo: { extensions: ['SIZE', 'PIPELINING'] },
      limits: { maxMessageSize: 1000, maxRecipients: 5 },
      auth: { enabled: false },
      replies: { greeting: { code: 220 } },
    });
    expect(gmail.rules.mail).toEqual([
      {
        id: 'mail.spf',
        check: 'mail.spf',
        enabled: true,
        description: 'SPF must pass',
        params: { strict: true },
        reply: { code: 550, enhanced: '5.7.26', text: ['SPF failed'] },
      },
    ]);
  });

  it('returns one profile or 404', async () => {
    const h = await start();
    const res = await h.get('/api/v1/profiles/strict');
    expect(res.status).toBe(200);
    expect((await res.json()).name).toBe('strict');
    await expectError(await h.get('/api/v1/profiles/outlook'), 404, 'not_found');
  });

  it('lists listeners', async () => {
    const h = await start();
    const res = await h.get('/api/v1/listeners');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(LISTENERS);
  });
});

describe('errors', () => {
  it('answers unknown /api routes and methods with 404 not_found JSON and security headers', async () => {
    const h = await start();
    for (const [path, method] of [
      ['/api/v1/nothing', 'GET'],
      ['/api/v2/health', 'GET'],
      ['/api', 'GET'],
      ['/api/v1/health', 'POST'],
      ['/api/v1/sessions/x', 'DELETE'],
      ['/', 'GET'],
    ] as const) {
      const res = await h.get(path, { method });
      expectSecurityHeaders(res);
      await expectError(res, 404, 'not_found');
    }
  });

  it('answers a malformed JSON body with 400 bad_request', async () => {
    const h = await start();
    const res = await h.get('/api/v1/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"oops": ',
    });
    expectSecurityHeaders(res);
    expect(await expectError(res, 400, 'bad_request')).toMatch(/JSON/);
  });

  it('turns an unexpected failure into an opaque 500 internal and logs it', async () => {
    const store = new MemoryStore();
    store.listMessages = () => {
      throw new Error('SQLITE_CORRUPT at /var/lib/bouncer/db.sqlite');
    };
    const log = { error: vi.fn() };
    const h = await start({ store, log });
    const res = await h.get('/api/v1/messages');
    expectSecurityHeaders(res);
    const msg = await expectError(res, 500, 'internal');
    expect(msg).not.toContain('SQLITE');
    expect(msg).not.toMatch(/\bat\b.*:\d+/);
    expect(log.error).toHaveBeenCalledTimes(1);
  });
});

describe('OpenAPI document', () => {
  /** `GET /api/v1/messages/{id}` for every method of every route registered on the router. */
  function implementedRoutes(): string[] {
    const h = {
      store: new MemoryStore(),
      bus: new EventBus(),
      live: new MapLive(),
      profiles: () => [],
      listeners: () => [],
      allowedOrigins: [],
      version: 'x',
    } satisfies ApiDeps;
    const router = createApiRouter(h) as unknown as {
      stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }>;
    };
    const routes: string[] = [];
    const mailhog = createMailhogRouter(h) as unknown as typeof router;
    for (const [prefix, r] of [[API_PREFIX, router], [MAILHOG_PREFIX, mailhog]] as const) {
      for (const layer of r.stack) {
        if (!layer.route) continue;
        const path = prefix + layer.route.path.replace(/:(\w+)/g, '{$1}');
        for (const method of Object.keys(layer.route.methods)) routes.push(`${method.toUpperCase()} ${path}`);
      }
    }
    // the WebSocket is served by the hub on the same server, not by the router
    routes.push(`GET ${EVENTS_PATH}`);
    // the metrics are served by the app, outside the versioned API
    routes.push(`GET ${METRICS_PATH}`);
    return routes.sort();
  }

  function documentedRoutes(): string[] {
    const doc = openApiDocument('x');
    const routes: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) routes.push(`${method.toUpperCase()} ${path}`);
    }
    return routes.sort();
  }

  it('documents every implemented route and nothing else', () => {
    const implemented = implementedRoutes();
    expect(implemented.length).toBeGreaterThanOrEqual(13);
    expect(documentedRoutes()).toEqual(implemented);
  });

  it('is served as OpenAPI 3.1 with the component schemas', async () => {
    const h = await start();
    const res = await h.get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe('9.9.9-test');
    for (const name of ['Session', 'SessionSummary', 'Message', 'MessageSummary', 'Decision', 'TranscriptLine', 'Error', 'Profile', 'Listener']) {
      expect(doc.components.schemas).toHaveProperty(name);
    }
    expect(doc.paths['/api/v1/events'].get.responses).toHaveProperty('101');
  });

  it('has no dangling $ref', () => {
    const doc = openApiDocument('x');
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) {
      const [, section, name] = /#\/components\/(\w+)\/(\w+)/.exec(r) ?? [];
      expect((doc.components as Record<string, Record<string, unknown>>)[section!]?.[name!], r).toBeDefined();
    }
  });
});

describe('POST /api/v1/doctor', () => {
  it('404 not_found when the server has no doctor; 400 bad_request for a body that is not the schema', async () => {
    const h = await start();
    const post = (body: unknown) => h.get('/api/v1/doctor', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(await expectError(await post({ ip: '203.0.113.7', helo: 'mail.example.com', from: 'a@example.com' }), 404, 'not_found')).toBe('the doctor is not available on this server');
    h.deps.doctor = async () => {
      throw new Error('not reached');
    };
    expect(await expectError(await post({ ip: '203.0.113.7' }), 400, 'bad_request')).toMatch(/^invalid body: /);
    expect(await expectError(await post({ ip: '1.2.3.4', helo: 'h.example', from: 'a@example.com', extra: 1 }), 400, 'bad_request')).toMatch(/extra/);
  });
});
