/**
 * Spec 5: the WebSocket drops when the server stops; the header says so; once the server is
 * back the UI reconnects by itself and catches up, listing what happened while it was away,
 * each session once. Uses a SQLite store in a temp directory: the sessions must outlive the
 * restarts, as they do in normal use.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { e2eConfig, expect, sendMail, startE2EBouncer, test, type E2EBouncer } from './fixtures';

test('spec 5: stop and restart the server: the UI shows it is disconnected, then recovers and lists the sessions that happened meanwhile', async ({ page }) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bouncer-e2e-'));
  const config = e2eConfig({ store: { kind: 'sqlite', path: path.join(dir, 'bouncer.sqlite') } });
  let b: E2EBouncer = await startE2EBouncer(config);
  try {
    const httpPort = b.running.http.port;
    // the same SMTP ports on every start
    const listeners = b.running.listeners.map((l) => ({ name: l.name, port: l.port, profile: l.profile, tls: l.tls }));
    const status = page.getByTestId('connection-status');
    const rows = page.getByTestId('session-row');

    await page.goto(b.url + '/');
    await expect(status).toHaveText('live');
    expect((await sendMail(b.port('capture'), { subject: 'Before the restart' })).ok).toBe(true);
    await expect(rows).toHaveCount(1);

    await b.stop();
    await expect(status).toHaveText('disconnected — retrying');
    await expect(status).toHaveCSS('color', 'rgb(180, 35, 24)');

    // Back, but with the HTTP port still closed, so the UI cannot reconnect yet: the SMTP side
    // runs and sessions happen that the UI never gets an event for.
    b = await startE2EBouncer({ ...config, listeners, http: { port: 0 } });
    expect((await sendMail(b.port('capture'), { subject: 'While the UI was away' })).ok).toBe(true);
    expect((await sendMail(b.port('smtp'), { name: 'localhost' })).ok).toBe(false);
    // the 504 closes the session after a short wait for a HELO fallback: let it end
    const restarted = b;
    await expect.poll(() => restarted.running.live.size).toBe(0);
    await b.stop();
    await expect(status).toHaveText('disconnected — retrying');
    await expect(rows).toHaveCount(1);

    // the whole server again, on its own port: the UI finds it without a reload
    b = await startE2EBouncer({ ...config, listeners, http: { port: httpPort } });
    await expect(status).toHaveText('live');
    await expect(rows).toHaveCount(3);
    const ids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-session-id')));
    expect(new Set(ids).size).toBe(3);
    await expect(rows.nth(0)).toHaveAttribute('data-outcome', 'rejected');
    await expect(rows.nth(1)).toContainText('While the UI was away');
    await expect(rows.nth(2)).toContainText('Before the restart');
    await expect(page.getByTestId('count-sessions')).toHaveText('3');
    await expect(page.getByTestId('count-accepted')).toHaveText('2');
    await expect(page.getByTestId('count-rejected')).toHaveText('1');

    // and it is live again
    expect((await sendMail(b.port('capture'), { subject: 'After the reconnect' })).ok).toBe(true);
    await expect(rows).toHaveCount(4);
    await expect(rows.nth(0)).toContainText('After the reconnect');
    await expect(page.getByTestId('count-sessions')).toHaveText('4');
  } finally {
    await b.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
