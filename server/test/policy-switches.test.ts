/**
 * The Policy view's switches against a real Bouncer: turning a rule off through the API
 * changes the dialogue from the next command on (open sessions too: they share the engine),
 * and moving a listener to another profile changes new connections; open ones keep theirs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestBouncer, type TestBouncer } from './support/bouncer.js';
import { RawSmtp } from './support/smtp-client.js';

let bouncer: TestBouncer;
beforeEach(async () => {
  bouncer = await startTestBouncer();
});
afterEach(async () => bouncer?.stop());

const patch = (path: string, body: unknown) =>
  fetch(bouncer.http.url + path, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function ehloLocalhost(): Promise<string> {
  const c = await RawSmtp.connect(bouncer.port('smtp'));
  await c.reply();
  const reply = await c.command('EHLO localhost');
  c.close();
  return reply.last;
}

describe('rule switches', () => {
  it('turning helo.non-fqdn off lets the next EHLO localhost through, in an open session too; on again refuses it', async () => {
    expect(await ehloLocalhost()).toMatch(/^504 5\.5\.2 <localhost>: Helo command rejected/);

    const res = await patch('/api/v1/profiles/gmail-mx/rules/helo.non-fqdn', { enabled: false });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { enabled: boolean }).enabled).toBe(false);
    expect(await ehloLocalhost()).toMatch(/^250 /);

    const profile = (await (await fetch(bouncer.http.url + '/api/v1/profiles/gmail-mx')).json()) as {
      rules: { helo: Array<{ id: string; enabled: boolean }> };
    };
    expect(profile.rules.helo.find((r) => r.id === 'helo.non-fqdn')!.enabled).toBe(false);
    // strict extends gmail-mx but has its own engine: untouched
    const strict = (await (await fetch(bouncer.http.url + '/api/v1/profiles/strict')).json()) as typeof profile;
    expect(strict.rules.helo.find((r) => r.id === 'helo.non-fqdn')!.enabled).toBe(true);

    // a session opened while the rule is off is judged with it on again from its next command
    const open = await RawSmtp.connect(bouncer.port('smtp'));
    await open.reply();
    await patch('/api/v1/profiles/gmail-mx/rules/helo.non-fqdn', { enabled: true });
    expect((await open.command('EHLO localhost')).last).toMatch(/^504 5\.5\.2/);
    open.close();
    expect(await ehloLocalhost()).toMatch(/^504 5\.5\.2/);
  });
});

describe('listener profile switch', () => {
  it('new connections get the new profile; an open session keeps its own', async () => {
    const before = await RawSmtp.connect(bouncer.port('smtp'));
    expect((await before.reply()).last).toMatch(/^220 mx\.google\.com ESMTP /);

    const res = await patch('/api/v1/listeners/smtp', { profile: 'permissive' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'smtp', profile: 'permissive', port: bouncer.port('smtp') });
    const listeners = (await (await fetch(bouncer.http.url + '/api/v1/listeners')).json()) as Array<{ name: string; profile: string }>;
    expect(listeners.find((l) => l.name === 'smtp')!.profile).toBe('permissive');

    const after = await RawSmtp.connect(bouncer.port('smtp'));
    expect((await after.reply()).last).toBe('220 bouncer.local ESMTP Bouncer (permissive)');
    expect((await after.command('EHLO localhost')).lines[0]).toBe('250-bouncer.local Hello [127.0.0.1]');
    after.close();

    // the session opened before the switch still answers as gmail-mx
    expect((await before.command('EHLO localhost')).last).toMatch(/^504 5\.5\.2/);
    before.close();

    // through the API: a closing session stays in the live list until its final row is committed
    const sessions = ((await (await fetch(bouncer.http.url + '/api/v1/sessions?limit=10')).json()) as { items: Array<{ profile: string }> }).items;
    expect(new Set(sessions.map((s) => s.profile))).toEqual(new Set(['gmail-mx', 'permissive']));

    // and back
    await patch('/api/v1/listeners/smtp', { profile: 'gmail-mx' });
    const again = await RawSmtp.connect(bouncer.port('smtp'));
    expect((await again.reply()).last).toMatch(/^220 mx\.google\.com ESMTP /);
    again.close();
  });

  it('applies the settings smtp-server holds (AUTH mechanisms, line length) to new connections', async () => {
    await bouncer.stop();
    const dir = mkdtempSync(path.join(tmpdir(), 'bouncer-profiles-'));
    writeFileSync(
      path.join(dir, 'tight.yaml'),
      'name: tight\nextends: permissive\ndescription: permissive with PLAIN only and short lines\n' +
        'auth: { mechanisms: [PLAIN] }\nlimits: { maxLineLength: 512 }\n',
    );
    bouncer = await startTestBouncer({ profileDirs: [dir] });
    const longNoop = `NOOP ${'x'.repeat(600)}`;

    const before = await RawSmtp.connect(bouncer.port('smtp'));
    await before.reply();
    expect((await before.command(longNoop)).code).toBe(250);
    before.close();

    await patch('/api/v1/listeners/smtp', { profile: 'tight' });
    const after = await RawSmtp.connect(bouncer.port('smtp'));
    await after.reply();
    await after.command('EHLO mail.example.com');
    expect((await after.command('AUTH LOGIN')).last).toBe('504 5.5.4 Error: unrecognized authentication type');
    expect((await after.command(longNoop)).last).toBe('500 5.5.2 Error: line too long');
    expect(await after.waitClosed()).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });
});
