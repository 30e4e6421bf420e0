/**
 * Many in-process Bouncers in one process (what a Playwright run with 8 workers does when
 * each worker starts its own): each has its own ports, store, bus and scenarios.
 */
import { describe, expect, it } from 'vitest';
import { startBouncer, type RunningBouncer } from '../../src/testing/start.js';
import { send } from './helpers.js';

describe('startBouncer in parallel', () => {
  it('starts 8 at once, each with its own ports and store, and stops them all', async () => {
    const all: RunningBouncer[] = await Promise.all(Array.from({ length: 8 }, () => startBouncer()));
    try {
      const ports = all.flatMap((b) => [b.smtp.port, b.submission!.port, Number(new URL(b.url).port)]);
      expect(new Set(ports).size).toBe(24);
      expect(all.every((b) => b.smtp.host === '127.0.0.1' && b.server.store.kind === 'memory')).toBe(true);
      expect(all[0]!.listeners).toEqual({
        smtp: { host: '127.0.0.1', port: all[0]!.smtp.port, profile: 'gmail-mx', tls: 'none' },
        submission: { host: '127.0.0.1', port: all[0]!.submission!.port, profile: 'gmail-submission', tls: 'starttls' },
      });

      // a scenario on one instance does not touch the others
      await all[3]!.client.scenario({ action: { phase: 'rcpt', reply: { code: 450, enhanced: '4.2.1', text: 'slow down' } } });
      const results = await Promise.all(all.map((b, i) => send(b.smtp, { to: `user${i}@example.com`, subject: `instance ${i}` })));
      expect(results.map((r) => r.ok)).toEqual([true, true, true, false, true, true, true, true]);
      expect(results[3]).toMatchObject({ responseCode: 450 });

      const pages = await Promise.all(all.map((b) => b.client.messages()));
      expect(pages.map((p) => p.items.map((m) => m.subject))).toEqual(
        all.map((_, i) => (i === 3 ? [] : [`instance ${i}`])),
      );
      const sessions = await Promise.all(all.map((b) => b.client.sessions()));
      expect(sessions.map((p) => p.total)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    } finally {
      await Promise.all(all.map((b) => b.stop()));
    }
    // stopped: the ports no longer answer
    await expect(fetch(`${all[0]!.url}/api/v1/health`)).rejects.toThrow();
  });

  it('takes a profile and any config', async () => {
    const b = await startBouncer({
      profile: 'permissive',
      config: { listeners: [{ name: 'mx', port: 0, profile: 'strict' }], mailboxes: { 'example.com': ['alice'] } },
    });
    try {
      expect(b.submission).toBeUndefined();
      expect(b.smtp).toEqual({ host: '127.0.0.1', port: b.listeners.mx!.port });
      expect(b.listeners.mx!.profile).toBe('strict');
      expect(await b.client.listeners()).toEqual([{ name: 'mx', host: '127.0.0.1', port: b.smtp.port, tls: 'none', profile: 'strict' }]);
    } finally {
      await b.stop();
      await b.stop(); // idempotent
    }
  });
});
