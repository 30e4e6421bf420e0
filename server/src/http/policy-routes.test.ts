/**
 * The Policy view's endpoints at the API level: PATCH a rule's runtime switch and a listener's
 * profile — validation, stable error ids, and what GET shows afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../events/bus.js';
import type { Profile } from '../policy/profile.js';
import { MemoryStore } from '../store/memory.js';
import type { ApiDeps, ListenerInfo, PolicyControl } from './deps.js';
import { createHttpServer, type RunningHttpServer } from './server.js';

function makeProfile(name: string): Profile {
  return {
    name,
    description: `${name} receiver`,
    hostname: 'mx.example',
    rules: {
      connect: [],
      command: [],
      helo: [
        { id: 'helo.non-fqdn', check: 'helo.non-fqdn', enabled: true, description: 'FQDN please', params: {}, reply: { code: 504, enhanced: '5.5.2', text: ['need fqdn'] } },
        { id: 'helo.require-ehlo', check: 'helo.require-ehlo', enabled: false, description: 'EHLO please', params: {}, reply: { code: 502, text: ['use EHLO'] } },
      ],
      starttls: [],
      auth: [],
      mail: [],
      rcpt: [],
      data: [],
      message: [],
    },
  } as unknown as Profile;
}

/** What main.ts does, in miniature: runtime switches per profile, listener profile by name. */
function fakePolicy(listeners: ListenerInfo[]): PolicyControl & { switches: Map<string, boolean> } {
  const switches = new Map<string, boolean>();
  return {
    switches,
    isRuleEnabled: (profile, ruleId) => switches.get(`${profile}/${ruleId}`),
    setRuleEnabled: (profile, ruleId, enabled) => void switches.set(`${profile}/${ruleId}`, enabled),
    setListenerProfile: (listener, profile) => {
      listeners.find((l) => l.name === listener)!.profile = profile;
    },
  };
}

const running: RunningHttpServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function start(withPolicy = true) {
  const listeners: ListenerInfo[] = [{ name: 'smtp', host: '127.0.0.1', port: 2525, tls: 'none', profile: 'gmail' }];
  const policy = fakePolicy(listeners);
  const deps: ApiDeps = {
    store: new MemoryStore(),
    bus: new EventBus(),
    live: { get: () => undefined, list: () => [] },
    profiles: () => [makeProfile('gmail'), makeProfile('permissive')],
    listeners: () => listeners,
    allowedOrigins: [],
    version: 'test',
    ...(withPolicy ? { policy } : {}),
  };
  const srv = await createHttpServer(deps, { host: '127.0.0.1', port: 0 });
  running.push(srv);
  const patch = (path: string, body: unknown, contentType = 'application/json') =>
    fetch(srv.url + path, { method: 'PATCH', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const get = async (path: string) => (await fetch(srv.url + path)).json();
  return { srv, policy, listeners, patch, get };
}

async function expectError(res: Response, status: number, id: string): Promise<string> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: string; message: string };
  expect(Object.keys(body).sort()).toEqual(['error', 'message']);
  expect(body.error).toBe(id);
  return body.message;
}

describe('PATCH /api/v1/profiles/:name/rules/:ruleId', () => {
  it('switches a rule off and on, and GET /profiles shows the effective state', async () => {
    const h = await start();
    const res = await h.patch('/api/v1/profiles/gmail/rules/helo.non-fqdn', { enabled: false });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      profile: 'gmail',
      phase: 'helo',
      id: 'helo.non-fqdn',
      check: 'helo.non-fqdn',
      enabled: false,
      description: 'FQDN please',
      params: {},
      reply: { code: 504, enhanced: '5.5.2', text: ['need fqdn'] },
    });
    expect(h.policy.switches.get('gmail/helo.non-fqdn')).toBe(false);
    const gmail = (await h.get('/api/v1/profiles/gmail')) as { rules: { helo: Array<{ id: string; enabled: boolean }> } };
    expect(gmail.rules.helo.map((r) => [r.id, r.enabled])).toEqual([
      ['helo.non-fqdn', false],
      ['helo.require-ehlo', false],
    ]);
    // the other profile's rule of the same id is untouched
    const all = (await h.get('/api/v1/profiles')) as Array<{ name: string; rules: { helo: Array<{ enabled: boolean }> } }>;
    expect(all.find((p) => p.name === 'permissive')!.rules.helo[0]!.enabled).toBe(true);

    // a rule the file has off can be turned on
    const on = await h.patch('/api/v1/profiles/gmail/rules/helo.require-ehlo', { enabled: true });
    expect(((await on.json()) as { enabled: boolean }).enabled).toBe(true);
    expect(h.policy.switches.get('gmail/helo.require-ehlo')).toBe(true);
  });

  it('answers unknown profiles and rules with 404 not_found', async () => {
    const h = await start();
    expect(await expectError(await h.patch('/api/v1/profiles/outlook/rules/helo.non-fqdn', { enabled: false }), 404, 'not_found')).toContain('outlook');
    expect(await expectError(await h.patch('/api/v1/profiles/gmail/rules/helo.nope', { enabled: false }), 404, 'not_found')).toContain('helo.nope');
    expect(h.policy.switches.size).toBe(0);
  });

  it('answers invalid bodies with 400 bad_request and non-JSON with 415 unsupported_media_type', async () => {
    const h = await start();
    const url = '/api/v1/profiles/gmail/rules/helo.non-fqdn';
    expect(await expectError(await h.patch(url, {}), 400, 'bad_request')).toMatch(/enabled/);
    expect(await expectError(await h.patch(url, { enabled: 'no' }), 400, 'bad_request')).toMatch(/enabled/);
    expect(await expectError(await h.patch(url, { enabled: false, extra: 1 }), 400, 'bad_request')).toMatch(/extra/);
    expect(await expectError(await h.patch(url, [false]), 400, 'bad_request')).toMatch(/body/);
    expect(await expectError(await h.patch(url, '{"enabled": '), 400, 'bad_request')).toMatch(/JSON/);
    // a cross-site form can send text/plain or form data without a preflight: refused
    await expectError(await h.patch(url, 'enabled=false', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
    await expectError(await h.patch(url, '{"enabled":false}', 'text/plain'), 415, 'unsupported_media_type');
    expect(h.policy.switches.size).toBe(0);
  });

  it('is 404 on a server built without runtime policy control', async () => {
    const h = await start(false);
    expect(await expectError(await h.patch('/api/v1/profiles/gmail/rules/helo.non-fqdn', { enabled: false }), 404, 'not_found')).toMatch(/runtime/);
  });
});

describe('PATCH /api/v1/listeners/:name', () => {
  it("switches a listener's profile and answers the listener", async () => {
    const h = await start();
    const res = await h.patch('/api/v1/listeners/smtp', { profile: 'permissive' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'smtp', host: '127.0.0.1', port: 2525, tls: 'none', profile: 'permissive' });
    expect(await h.get('/api/v1/listeners')).toEqual([{ name: 'smtp', host: '127.0.0.1', port: 2525, tls: 'none', profile: 'permissive' }]);
  });

  it('answers an unknown listener with 404, an unknown profile or a bad body with 400, non-JSON with 415', async () => {
    const h = await start();
    expect(await expectError(await h.patch('/api/v1/listeners/pop3', { profile: 'permissive' }), 404, 'not_found')).toContain('pop3');
    expect(await expectError(await h.patch('/api/v1/listeners/smtp', { profile: 'outlook' }), 400, 'bad_request')).toMatch(/no profile "outlook".*gmail, permissive/);
    expect(await expectError(await h.patch('/api/v1/listeners/smtp', { profile: '' }), 400, 'bad_request')).toMatch(/profile/);
    expect(await expectError(await h.patch('/api/v1/listeners/smtp', { name: 'x' }), 400, 'bad_request')).toMatch(/profile/);
    await expectError(await h.patch('/api/v1/listeners/smtp', 'profile=permissive', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
    expect(h.listeners[0]!.profile).toBe('gmail');
  });
});
