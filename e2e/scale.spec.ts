/**
 * 10,000 sessions: the list loads them all, renders only what is on screen (virtualised),
 * filters them, and a new session still shows up at the top within a second.
 */
import type { SessionRecord } from '../server/src/store/types.js';
import { expect, sendMail, test } from './fixtures';

const N = 10_000;

function synthetic(i: number, now: number): SessionRecord {
  const kind = i % 4;
  const startedAt = now - (N - i) * 1000;
  return {
    id: `syn${String(i).padStart(5, '0')}.1`,
    listener: kind === 3 ? 'capture' : 'smtp',
    profile: kind === 3 ? 'permissive' : 'gmail-mx',
    startedAt,
    endedAt: startedAt + 40,
    clientAddress: '127.0.0.1',
    clientPort: 30000 + (i % 30000),
    heloVerb: 'EHLO',
    heloName: kind === 0 ? 'localhost' : `host${i}.example.com`,
    tls: false,
    outcome: kind === 0 ? 'rejected' : kind === 2 ? 'no-mail' : 'accepted',
    rejection: kind === 0 ? { phase: 'helo', ruleId: 'helo.non-fqdn', code: 504, enhanced: '5.5.2' } : undefined,
    lines: [{ t: 0, dir: 'S', text: '220 mx.google.com ESMTP ready' }],
    decisions: [],
    warnings: [],
    messageIds: [],
    subject: kind === 1 || kind === 3 ? `Synthetic message ${i}` : undefined,
  };
}

test('10,000 sessions: all listed, only what is on screen rendered, filters and live updates stay quick', async ({ page, bouncer }) => {
  const now = Date.now();
  for (let i = 0; i < N; i++) bouncer.running.store.saveSession(synthetic(i, now));

  const started = Date.now();
  await page.goto(bouncer.url + '/');
  await expect(page.locator('[data-testid=session-row][data-session-id="syn09999.1"]')).toBeVisible({ timeout: 30_000 });
  console.log(`measured: the newest of 10,000 sessions on screen ${Date.now() - started} ms after navigation`);
  const meta = page.getByTestId('list-meta');
  await expect(meta).toHaveText('10,000 sessions', { timeout: 30_000 });
  const loadedMs = Date.now() - started;
  test.info().annotations.push({ type: 'measured', description: `10,000 sessions loaded and listed in ${loadedMs} ms` });
  console.log(`measured: 10,000 sessions loaded and listed in ${loadedMs} ms`);

  await expect(page.getByTestId('count-sessions')).toHaveText('10,000');
  await expect(page.getByTestId('count-rejected')).toHaveText('2,500');
  const rows = page.getByTestId('session-row');
  await expect(rows.first()).toHaveAttribute('data-session-id', 'syn09999.1');
  // virtualised: a screenful of rows in the DOM, not ten thousand
  expect(await rows.count()).toBeLessThan(40);

  // the oldest is reachable by scrolling
  await page.getByTestId('session-list').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(page.locator('[data-testid=session-row][data-session-id="syn00000.1"]')).toBeVisible();
  expect(await rows.count()).toBeLessThan(40);
  await page.getByTestId('session-list').evaluate((el) => el.scrollTo(0, 0));

  await page.getByLabel('Outcome').selectOption('rejected');
  await expect(meta).toHaveText('2,500 of 10,000 sessions');
  await page.getByLabel('Outcome').selectOption('');
  await page.getByLabel('Search sessions').fill('host9998.');
  await expect(meta).toHaveText('1 of 10,000 sessions');
  await page.getByLabel('Search sessions').fill('');
  await expect(meta).toHaveText('10,000 sessions');

  const t = Date.now();
  const sent = sendMail(bouncer.port('capture'), { subject: 'The 10,001st' });
  // the new session is on top within a second of connecting, ahead of 10,000 others
  await expect(rows.first()).not.toHaveAttribute('data-session-id', /^syn/, { timeout: 1000 });
  console.log(`measured: a new session at the top of 10,000 in ${Date.now() - t} ms`);
  expect((await sent).ok).toBe(true);
  await expect(rows.first()).toContainText('The 10,001st');
  await expect(rows.first()).toHaveAttribute('data-outcome', 'accepted');
  await expect(page.getByTestId('count-sessions')).toHaveText('10,001');
});
