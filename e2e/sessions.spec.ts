/**
 * Sessions and transcripts: live list, rejection highlighting, streaming of an open session,
 * filters, keyboard, counters, layout and theme.
 */
import { readFileSync } from 'node:fs';
import { expect, sendMail, test, watchConsole, watchReloads } from './fixtures';
import { RawSmtp, sessionIdOf } from './smtp';

test('spec 1: a nodemailer send with EHLO localhost is listed within a second; its transcript highlights 504 5.5.2 with the fix, without a reload', async ({ page, bouncer }) => {
  const console = watchConsole(page);
  const loads = await watchReloads(page);
  await page.goto(bouncer.url + '/');
  await expect(page.getByTestId('connection-status')).toHaveText('live');
  const rows = page.getByTestId('session-row');
  await expect(rows).toHaveCount(0);

  const sent = sendMail(bouncer.port('smtp'), { name: 'localhost' });
  await expect(rows).toHaveCount(1, { timeout: 1000 });

  const result = await sent;
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.error.response).toMatch(/^504 5\.5\.2 <localhost>: Helo command rejected/);

  const row = rows.first();
  await expect(row).toHaveAttribute('data-outcome', 'rejected');
  await expect(row.getByTestId('outcome-badge')).toHaveText('rejected 504 5.5.2 at helo');
  // nodemailer falls back to HELO after the refused EHLO: the last name it gave is shown
  await expect(row.locator('.row-helo')).toHaveText('HELO localhost');
  await expect(row.locator('.row-listener')).toHaveText('smtp/gmail-mx');
  await expect(row.locator('.row-client')).toHaveText('127.0.0.1');
  await expect(page.getByTestId('count-rejected')).toHaveText('1');

  const id = await row.getAttribute('data-session-id');
  await row.click();
  await expect(page).toHaveURL(`${bouncer.url}/sessions/${id}`);
  const transcript = page.getByTestId('transcript');
  const rejected = transcript.locator('[data-testid=line][data-rejected=true]').first();
  await expect(rejected).toHaveAttribute('data-dir', 'S');
  await expect(rejected.locator('.text')).toHaveText('504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname');
  await expect(rejected).toHaveCSS('font-weight', '600');
  const note = transcript.getByTestId('rejection').first();
  await expect(note).toContainText('Rejected by helo.non-fqdn at helo');
  await expect(note).toContainText('The EHLO name "localhost" is not fully qualified');
  const fix = note.getByTestId('fix');
  await expect(fix).toContainText('fully-qualified domain name (FQDN)');
  await expect(fix).toContainText('its A record should be the sending IP');
  await expect(fix).toContainText('the PTR of that IP should point back to it');
  // client lines and server lines are told apart
  const ehlo = transcript.locator('[data-testid=line][data-dir=C]').first();
  await expect(ehlo.locator('.text')).toHaveText('EHLO localhost');
  expect(await ehlo.evaluate((el) => getComputedStyle(el).color)).not.toBe(await rejected.evaluate((el) => getComputedStyle(el).color));

  expect(loads()).toBe(1);
  expect(console.errors).toEqual([]);
});

test('spec 2: a session kept open by a raw socket shows each command and reply as it is sent', async ({ page, bouncer }) => {
  await page.goto(bouncer.url + '/');
  await expect(page.getByTestId('connection-status')).toHaveText('live');
  const c = await RawSmtp.connect(bouncer.port('smtp'));
  try {
    const greeting = await c.reply();
    const id = sessionIdOf(greeting);
    const row = page.locator(`[data-testid=session-row][data-session-id="${id}"]`);
    await expect(row).toHaveAttribute('data-outcome', 'open');
    await row.click();

    const sessionFetches: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes(`/api/v1/sessions/${id}`)) sessionFetches.push(r.url());
    });
    const transcript = page.getByTestId('transcript');
    const lines = transcript.getByTestId('line');
    await expect(lines).toHaveCount(1);
    await expect(lines.nth(0).locator('.text')).toHaveText(greeting[0]!);
    await expect(transcript.getByTestId('streaming')).toBeVisible();

    let count = 1;
    for (const command of ['EHLO mail.example.com', 'MAIL FROM:<alice@example.com>', 'RCPT TO:<bob@example.org>', 'NOOP']) {
      const reply = await c.command(command);
      count += 1 + reply.length;
      await expect(lines).toHaveCount(count);
      const sent = lines.nth(count - reply.length - 1);
      await expect(sent).toHaveAttribute('data-dir', 'C');
      await expect(sent.locator('.text')).toHaveText(command);
      for (let i = 0; i < reply.length; i++) {
        const line = lines.nth(count - reply.length + i);
        await expect(line).toHaveAttribute('data-dir', 'S');
        await expect(line.locator('.text')).toHaveText(reply[i]!);
      }
    }
    // the lines came over the WebSocket: the session was not fetched again
    expect(sessionFetches).toEqual([]);

    await c.command('QUIT');
    await expect(transcript.getByTestId('streaming')).toHaveCount(0);
    await expect(lines.last().locator('.text')).toHaveText('connection closed');
    await expect(transcript).toHaveAttribute('data-outcome', 'no-mail');
    await expect(row).toHaveAttribute('data-outcome', 'no-mail');
  } finally {
    c.close();
  }
});

test('filters by outcome, listener and free text; counters follow', async ({ page, bouncer }) => {
  await page.goto(bouncer.url + '/');
  await expect(page.getByTestId('connection-status')).toHaveText('live');
  expect((await sendMail(bouncer.port('smtp'), { name: 'localhost' })).ok).toBe(false);
  expect((await sendMail(bouncer.port('capture'), { subject: 'Quarterly report' })).ok).toBe(true);
  const quiet = await RawSmtp.connect(bouncer.port('smtp'));
  await quiet.reply();
  await quiet.command('EHLO quiet.example.net');
  await quiet.command('QUIT');
  quiet.close();

  const rows = page.getByTestId('session-row');
  await expect(rows).toHaveCount(3);
  await expect(page.getByTestId('count-sessions')).toHaveText('3');
  await expect(page.getByTestId('count-accepted')).toHaveText('1');
  await expect(page.getByTestId('count-rejected')).toHaveText('1');
  // newest first
  await expect(rows.first()).toHaveAttribute('data-outcome', 'no-mail');
  await expect(rows.nth(1)).toContainText('Quarterly report');

  await page.getByLabel('Outcome').selectOption('rejected');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-outcome', 'rejected');
  await page.getByLabel('Outcome').selectOption('');
  await page.getByLabel('Listener').selectOption('capture');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('capture/permissive');
  await page.getByLabel('Listener').selectOption('');
  await page.getByLabel('Search sessions').fill('quarterly');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-outcome', 'accepted');
  await page.getByLabel('Search sessions').fill('helo.non-fqdn');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-outcome', 'rejected');
  await page.getByLabel('Search sessions').fill('');
  await expect(rows).toHaveCount(3);
});

test('keyboard: / focuses the search, j/k move in the list, Enter opens', async ({ page, bouncer }) => {
  await page.goto(bouncer.url + '/');
  await expect(page.getByTestId('connection-status')).toHaveText('live');
  for (const name of ['one.example.com', 'two.example.com', 'three.example.com']) {
    const c = await RawSmtp.connect(bouncer.port('smtp'));
    await c.reply();
    await c.command(`EHLO ${name}`);
    await c.command('QUIT');
    c.close();
  }
  const rows = page.getByTestId('session-row');
  await expect(rows).toHaveCount(3);
  const ids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-session-id')!));

  await page.keyboard.press('/');
  await expect(page.getByLabel('Search sessions')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByLabel('Search sessions')).not.toBeFocused();

  await page.keyboard.press('j');
  await expect(page.locator('.row.cursor')).toHaveAttribute('data-session-id', ids[0]!);
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await expect(page.locator('.row.cursor')).toHaveAttribute('data-session-id', ids[2]!);
  await page.keyboard.press('k');
  await expect(page.locator('.row.cursor')).toHaveAttribute('data-session-id', ids[1]!);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(`${bouncer.url}/sessions/${ids[1]}`);
  await expect(page.getByTestId('transcript')).toHaveAttribute('data-session-id', ids[1]!);
  await expect(page.getByTestId('transcript').getByTestId('line').nth(1).locator('.text')).toHaveText('EHLO two.example.com');
  // with a transcript open, j shows the next session at once
  await page.keyboard.press('j');
  await expect(page.getByTestId('transcript')).toHaveAttribute('data-session-id', ids[2]!);
});

test('narrow window: one pane at a time with a way back; dark and light follow the system', async ({ page, bouncer }) => {
  await page.setViewportSize({ width: 400, height: 800 });
  await page.goto(bouncer.url + '/');
  await expect(page.getByTestId('connection-status')).toHaveText('live');
  expect((await sendMail(bouncer.port('smtp'), { name: 'localhost' })).ok).toBe(false);
  const row = page.getByTestId('session-row').first();
  await expect(row).toBeVisible();
  await expect(page.getByTestId('transcript')).toHaveCount(0);
  const noHorizontalScroll = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  expect(await noHorizontalScroll()).toBe(true);
  await row.click();
  await expect(page.getByTestId('transcript')).toBeVisible();
  await expect(page.getByTestId('session-list')).toBeHidden();
  expect(await noHorizontalScroll()).toBe(true);
  await page.getByRole('link', { name: '← Sessions' }).click();
  await expect(page.getByTestId('session-list')).toBeVisible();

  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await background();
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await background();
  expect(light).toBe('rgb(247, 247, 248)');
  expect(dark).toBe('rgb(15, 17, 21)');
});

test('a transcript marks TLS start and redacted AUTH, and copies and downloads as text', async ({ page, context, bouncer }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: bouncer.url });
  await page.goto(bouncer.url + '/');
  const sent = await sendMail(bouncer.port('capture'), { subject: 'Over TLS', starttls: true, auth: { user: 'alice@example.com', pass: 'hunter2-secret' } });
  expect(sent.ok).toBe(true);
  await page.getByTestId('session-row').first().click();
  const transcript = page.getByTestId('transcript');
  await expect(transcript).toHaveAttribute('data-outcome', 'accepted');

  const tls = transcript.locator('[data-testid=line].tls');
  await expect(tls).toHaveCount(1);
  await expect(tls.locator('.text')).toHaveText(/^TLS started \(TLSv1\.[23]/);
  await expect(tls).toContainText('TLS from here on');
  const auth = transcript.locator('[data-testid=line]', { has: page.getByTestId('redacted') });
  await expect(auth).toHaveCount(1);
  await expect(auth.locator('.text')).toHaveText('AUTH PLAIN ****');
  await expect(auth.getByTestId('redacted')).toHaveText('credentials redacted');
  await expect(transcript).not.toContainText('hunter2-secret');

  await transcript.getByRole('button', { name: 'Copy as text' }).click();
  await expect(transcript.getByRole('button', { name: 'Copied' })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  const id = await transcript.getAttribute('data-session-id');
  expect(copied).toContain(`Session ${id}`);
  expect(copied).toMatch(/ C: EHLO mail\.example\.com\n/);
  expect(copied).toMatch(/ \* {2}TLS started/);
  expect(copied).toContain(' C: AUTH PLAIN ****');
  expect(copied).toMatch(/ S: 250 2\.0\.0 Ok: queued as /);

  const [download] = await Promise.all([page.waitForEvent('download'), transcript.getByRole('button', { name: 'Download' }).click()]);
  expect(download.suggestedFilename()).toBe(`session-${id}.txt`);
  expect(readFileSync(await download.path(), 'utf8')).toBe(copied);
});
