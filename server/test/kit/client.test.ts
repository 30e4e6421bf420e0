/**
 * The testing client's reads and deletions against a real Bouncer, its query encoding, and
 * the package entry points (package.json `exports` → compiled files of the kit's sources).
 */
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as kit from '../../src/testing/index.js';
import { describeFilter, filterParams } from '../../src/testing/filters.js';
import { attachBouncer, startBouncer, type RunningBouncer } from '../../src/testing/start.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { send } from './helpers.js';

describe('filter encoding', () => {
  it('writes every given filter as a query parameter, a RegExp as /source/flags and a Date as epoch ms', () => {
    const params = filterParams({ to: 'a@b', subject: /^Confirm/gi, since: new Date(1234), status: 'accepted', rule: 'message.ptr', tag: undefined }, 'w1');
    expect(params.toString()).toBe('to=a%40b&subject=%2F%5EConfirm%2Fi&since=1234&status=accepted&rule=message.ptr&tag=w1');
  });

  it('a scoped tag is the default; null lifts it', () => {
    expect(filterParams({ tag: 'other' }, 'w1').get('tag')).toBe('other');
    expect(filterParams({ tag: null }, 'w1').has('tag')).toBe(false);
    expect(filterParams({}).toString()).toBe('');
  });

  it('describes a filter for error messages', () => {
    expect(describeFilter({ to: 'a@b', subject: /x/i, since: new Date(0), tag: undefined })).toBe('{to: "a@b", subject: /x/i, since: 1970-01-01T00:00:00.000Z}');
  });
});

describe('BouncerClient', () => {
  let b: RunningBouncer;
  beforeAll(async () => {
    b = await startBouncer({ profile: 'permissive' });
    await send(b.smtp, { to: 'alice+c1@example.com', subject: 'Welcome, Alice', text: 'hi alice' });
    await send(b.smtp, { to: 'bob+c2@example.com', subject: 'Welcome, Bob' });
    await send(b.smtp, { to: 'carol@example.com', subject: 'Receipt' });
  });
  afterAll(async () => b?.stop());

  it('lists messages and sessions by tag, regex subject and address', async () => {
    expect((await b.client.messages({ subject: /^welcome/i })).items.map((m) => m.subject).sort()).toEqual(['Welcome, Alice', 'Welcome, Bob']);
    expect((await b.client.withTag('c1').messages()).items.map((m) => m.subject)).toEqual(['Welcome, Alice']);
    expect((await b.client.messages({ to: 'carol@' })).total).toBe(1);
    expect((await b.client.withTag('c2').sessions()).items.map((s) => s.recipients)).toEqual([['bob+c2@example.com']]);
    expect((await b.client.sessions({ to: 'carol', outcome: 'accepted' })).total).toBe(1);
    expect(b.client.withTag('c1').address('alice')).toBe('alice+c1@example.com');
    expect(b.client.address()).toBe('user@example.com');
  });

  it('reads one message, its source and its session', async () => {
    const [summary] = (await b.client.withTag('c1').messages()).items;
    const m = await b.client.message(summary!.id);
    expect(m.text).toBe('hi alice\n');
    expect((await b.client.raw(m.id)).toString('utf8')).toContain('Subject: Welcome, Alice');
    const s = await b.client.session(m.sessionId);
    expect(s.messageIds).toEqual([m.id]);
    expect(s.lines[0]!.text).toBe('220 bouncer.local ESMTP Bouncer (permissive)');
  });

  it('deleteAll of a scoped client deletes only its tag', async () => {
    expect(await b.client.withTag('c2').deleteAll()).toBe(1);
    expect((await b.client.messages()).total).toBe(2);
    expect(await b.client.deleteAll()).toBe(2);
    expect((await b.client.messages()).total).toBe(0);
  });
});

describe('attachBouncer', () => {
  it('finds the listeners of a running Bouncer through its API', async () => {
    const running = await startBouncer();
    try {
      const attached = await attachBouncer(`${running.url}/`);
      expect(attached.url).toBe(running.url);
      expect(attached.smtp).toEqual(running.smtp);
      expect(attached.submission).toEqual(running.submission);
      expect(attached.listeners).toEqual(running.listeners);
      expect((await send(attached.smtp, { to: 'attached@example.com' })).ok).toBe(true);
      expect((await attached.client.messages({ to: 'attached@' })).total).toBe(1);
    } finally {
      await running.stop();
    }
  });

  it('reads a wildcard bind address (a container) as the host of the URL', async () => {
    // a stand-in API on loopback that reports listeners bound to every interface
    const server = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify([
        { name: 'mx', host: '0.0.0.0', port: 2525, tls: 'none', profile: 'gmail-mx' },
        { name: 'submission', host: '::', port: 2587, tls: 'starttls', profile: 'gmail-submission' },
      ]));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const attached = await attachBouncer(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      expect(attached.smtp).toEqual({ host: '127.0.0.1', port: 2525 });
      expect(attached.submission).toEqual({ host: '127.0.0.1', port: 2587 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('package entry points', () => {
  const pkg = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    exports: Record<string, { types: string; default: string } | string>;
  };

  it.each([
    ['.', 'server/src/testing/index.ts'],
    ['./playwright', 'server/src/testing/playwright.ts'],
  ])('%s points at the compiled %s (JS and types)', (entry, source) => {
    const target = pkg.exports[entry] as { types: string; default: string };
    const compiled = source.replace(/^/, './dist/').replace(/\.ts$/, '');
    expect(target).toEqual({ types: `${compiled}.d.ts`, default: `${compiled}.js` });
    expect(existsSync(path.join(PACKAGE_ROOT, source))).toBe(true);
  });

  it('the main entry exports the kit', () => {
    expect(Object.keys(kit).sort()).toEqual(['BouncerApiError', 'BouncerClient', 'DEFAULT_WAIT_TIMEOUT', 'MAX_WAIT_TIMEOUT', 'WaitTimeoutError', 'attachBouncer', 'startBouncer']);
  });
});
