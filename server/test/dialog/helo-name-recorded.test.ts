/**
 * The session record keeps the name a client gave in a refused EHLO/HELO, so the session
 * list (API and UI) shows "EHLO localhost" for the session that was refused for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBouncer, type TestBouncer } from '../support/bouncer.js';
import { open, storedSession } from './helpers.js';

let bouncer: TestBouncer;
beforeAll(async () => {
  bouncer = await startTestBouncer();
});
afterAll(async () => bouncer?.stop());

describe('the EHLO name of a refused session', () => {
  it('is recorded for a refused EHLO (lower-cased, as accepted names are)', async () => {
    const s = await open(bouncer);
    expect((await s.c.command('EHLO LocalHost')).last).toMatch(/^504 5\.5\.2 /);
    s.c.close();
    const stored = await storedSession(bouncer, s.id);
    expect(stored.outcome).toBe('rejected');
    expect(stored.heloVerb).toBe('EHLO');
    expect(stored.heloName).toBe('localhost');
    const listed = bouncer.store.listSessions({ q: 'localhost' }).items.map((x) => x.id);
    expect(listed).toContain(s.id);
  });

  it('stays when later commands are answered, and an accepted name replaces it', async () => {
    await bouncer.stop();
    bouncer = await startTestBouncer({ listeners: [{ name: 'smtp', port: 0, profile: 'strict', tls: 'none' }] });
    const s = await open(bouncer);
    // strict refuses HELO (EHLO required) without closing
    expect((await s.c.command('HELO mail.example.com')).last).toMatch(/^502 5\.5\.1 /);
    expect((await s.c.command('NOOP')).last).toMatch(/^250 /);
    expect(bouncer.live.get(s.id)!.heloName).toBe('mail.example.com');
    expect(bouncer.live.get(s.id)!.heloVerb).toBe('HELO');
    expect((await s.c.command('EHLO sender.bouncer.test')).last).toMatch(/^250 /);
    expect(bouncer.live.get(s.id)!.heloName).toBe('sender.bouncer.test');
    expect(bouncer.live.get(s.id)!.heloVerb).toBe('EHLO');
    s.c.close();
  });
});
