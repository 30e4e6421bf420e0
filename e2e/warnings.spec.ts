/**
 * Warnings: a message gmail-mx accepts while recording what Gmail would hold against it. The
 * e2e Bouncer declares no DNS records, so a sender at example.com is undeclared: SPF and DKIM
 * are none and `message.auth-undeclared` warns that Gmail would answer 550 5.7.26. The list
 * badge, the transcript note (with its fix) and the message's policy tab show it, live.
 */
import { expect, test, watchConsole, watchReloads } from './fixtures';
import { RawSmtp, sessionIdOf } from './smtp';

const MESSAGE = [
  'From: Alice <alice@example.com>',
  'To: bob@example.org',
  'Subject: Undeclared sender',
  `Date: ${new Date().toUTCString()}`,
  `Message-ID: <warning-${Date.now()}@example.com>`,
  '',
  'Hello Bob.',
  '.',
].join('\r\n');

test('an accepted message with a warning: the list badge and the transcript note with its fix appear live, without a reload', async ({ page, bouncer }) => {
  const console = watchConsole(page);
  const loads = await watchReloads(page);
  await page.goto(bouncer.url + '/');
  await expect(page.getByTestId('connection-status')).toHaveText('live');

  const c = await RawSmtp.connect(bouncer.port('smtp'));
  try {
    const id = sessionIdOf(await c.reply());
    const row = page.locator(`[data-testid=session-row][data-session-id="${id}"]`);
    await expect(row).toHaveAttribute('data-outcome', 'open');
    await expect(row.getByTestId('warning-badge')).toHaveCount(0);
    // the transcript is open while the session runs: the warning must come in live
    await row.click();
    const transcript = page.getByTestId('transcript');
    await expect(transcript).toHaveAttribute('data-outcome', 'open');

    // a FQDN EHLO (loopback has a PTR by default), and a message with Message-ID, From and Date
    expect((await c.command('EHLO mail.example.com')).at(-1)).toMatch(/^250 /);
    expect(await c.command('MAIL FROM:<alice@example.com>')).toEqual([expect.stringMatching(/^250 2\.1\.0 /)]);
    expect(await c.command('RCPT TO:<bob@example.org>')).toEqual([expect.stringMatching(/^250 2\.1\.5 /)]);
    expect(await c.command('DATA')).toEqual([expect.stringMatching(/^354 /)]);
    const accepted = await c.command(MESSAGE);
    expect(accepted).toEqual([expect.stringMatching(/^250 2\.0\.0 OK /)]);

    // still open: the badge comes from the session.warning event
    await expect(row).toHaveAttribute('data-outcome', 'open');
    await expect(row.getByTestId('warning-badge')).toHaveText('1 warning');
    await expect(transcript.locator('h2').getByTestId('warning-badge')).toHaveText('1 warning');

    const note = transcript.getByTestId('warning');
    await expect(note).toHaveCount(1);
    await expect(note).toHaveAttribute('data-rule-id', 'message.auth-undeclared');
    await expect(note).toContainText('Warning from message.auth-undeclared at message');
    await expect(note.getByTestId('warning-text')).toHaveText(
      "Gmail would refuse this message with 550 5.7.26 (sender unauthenticated): example.com is not declared in Bouncer's DNS world, so SPF and DKIM are none.",
    );
    const fix = note.getByTestId('fix');
    await expect(fix).toContainText('Declare the sender\'s records in the config, e.g. dns.records: {"example.com"');
    await expect(fix).toContainText('set dns.undeclared: fail');
    await expect(note.getByTestId('warning-reply')).toContainText('550-5.7.26 Your email has been blocked because the sender is unauthenticated.');
    // under the reply to the message it concerns
    const reply = transcript.locator('[data-testid=line][data-dir=S]').filter({ hasText: accepted[0]! });
    await expect(reply).toHaveClass(/\bwarned\b/);
    await expect(transcript.locator('[data-testid=line] + [data-testid=warning]')).toHaveCount(1);
    expect(await reply.evaluate((el) => el.nextElementSibling?.getAttribute('data-testid'))).toBe('warning');
    // amber, not the red of a rejection
    const border = await note.evaluate((el) => getComputedStyle(el).borderTopColor);
    expect(border).toBe('rgb(181, 71, 8)');
    await expect(transcript.getByTestId('rejection')).toHaveCount(0);

    // the close brings the summary's count; the badge stays
    await c.command('QUIT');
    await expect(row).toHaveAttribute('data-outcome', 'accepted');
    await expect(row.getByTestId('warning-badge')).toHaveText('1 warning');
    await expect(transcript).toHaveAttribute('data-outcome', 'accepted');
    await expect(transcript.getByTestId('warning')).toHaveCount(1);
  } finally {
    c.close();
  }
  expect(loads()).toBe(1);
  expect(console.errors).toEqual([]);

  // a fresh load shows the same, from the API
  await page.reload();
  await expect(page.getByTestId('session-row').first().getByTestId('warning-badge')).toHaveText('1 warning');
  await expect(page.getByTestId('transcript').getByTestId('warning').getByTestId('fix')).toContainText('dns.records');
});

test("the message's policy tab says it was accepted here and what Gmail would do", async ({ page, bouncer }) => {
  const c = await RawSmtp.connect(bouncer.port('smtp'));
  try {
    await c.reply();
    for (const command of ['EHLO mail.example.com', 'MAIL FROM:<alice@example.com>', 'RCPT TO:<bob@example.org>', 'DATA']) await c.command(command);
    expect((await c.command(MESSAGE))[0]).toMatch(/^250 2\.0\.0 OK /);
    await c.command('QUIT');
  } finally {
    c.close();
  }
  await page.goto(bouncer.url + '/messages');
  const row = page.getByTestId('message-row').first();
  await expect(row).toContainText('Undeclared sender');
  await row.click();
  await page.getByRole('tab', { name: 'Policy' }).click();
  const outcome = page.getByTestId('policy-outcome');
  await expect(outcome.getByTestId('policy-headline')).toContainText('Accepted here — Gmail would refuse it (550 5.7.26)');
  await expect(outcome.getByTestId('policy-headline')).toContainText('No rule of profile gmail-mx refused this message, but 1 warning says what Gmail would hold against it');
  const note = outcome.getByTestId('warning');
  await expect(note).toHaveCount(1);
  await expect(note.getByTestId('warning-text')).toContainText('Gmail would refuse this message with 550 5.7.26');
  await expect(note.getByTestId('fix')).toContainText('dns.records');
});
