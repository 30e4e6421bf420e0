/**
 * A session still connected when Bouncer stops is recorded as closed before the store goes:
 * after a restart it must not be listed as open forever (the UI would show it as live).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../src/store/open.js';
import { startTestBouncer } from './support/bouncer.js';
import { RawSmtp, sessionIdOf } from './support/smtp-client.js';

describe('stop with a session open', () => {
  it('records the session as closed in the store, with the shutdown reply', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bouncer-shutdown-'));
    const file = path.join(dir, 'bouncer.sqlite');
    try {
      const bouncer = await startTestBouncer({ store: { kind: 'sqlite', path: file } });
      const c = await RawSmtp.connect(bouncer.port('smtp'));
      const id = sessionIdOf(await c.reply());
      await c.command('EHLO mail.example.com');
      await bouncer.stop();
      c.close();

      const store = openStore({ kind: 'sqlite', path: file });
      const stored = store.getSession(id)!;
      store.close();
      // the shutdown reply (421, from the profile) is the session's last word
      expect(stored.outcome).toBe('rejected');
      expect(stored.rejection).toMatchObject({ code: 421 });
      expect(stored.lines.some((l) => l.dir === 'S' && l.text.startsWith('421 '))).toBe(true);
      expect(stored.endedAt).toBeGreaterThanOrEqual(stored.startedAt);
      expect(stored.lines.at(-1)).toMatchObject({ dir: '*', text: 'connection closed' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
