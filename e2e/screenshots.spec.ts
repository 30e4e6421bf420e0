/**
 * Screenshots of the sessions view and of a transcript, from real SMTP sessions, saved to
 * e2e/screenshots/ on every run (not committed; docs/ holds copies for the README).
 */
import { expect, screenshot, sendMail, test } from './fixtures';
import { RawSmtp } from './smtp';

async function dialogue(port: number, commands: string[]): Promise<RawSmtp> {
  const c = await RawSmtp.connect(port);
  await c.reply();
  for (const command of commands) await c.command(command);
  return c;
}

test('screenshots: the sessions view and a transcript', async ({ page, bouncer }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(bouncer.url + '/');
  await expect(page.getByTestId('connection-status')).toHaveText('live');

  (await dialogue(bouncer.port('smtp'), ['EHLO mail.example.net', 'MAIL FROM:<news@example.net>', 'RCPT TO:<alice@example.org', 'QUIT'])).close();
  expect((await sendMail(bouncer.port('capture'), { name: 'app.example.com', subject: 'Your order #1042 has shipped', html: '<p>On its way!</p>' })).ok).toBe(true);
  (await dialogue(bouncer.port('smtp'), ['EHLO scanner.example.org', 'VRFY root', 'QUIT'])).close();
  expect((await sendMail(bouncer.port('capture'), { name: 'app.example.com', subject: 'Reset your password' })).ok).toBe(true);
  const open = await dialogue(bouncer.port('smtp'), ['EHLO mail.example.com', 'MAIL FROM:<billing@example.com>']);
  const rejected = await sendMail(bouncer.port('smtp'), { name: 'localhost', subject: 'Welcome aboard' });
  expect(rejected.ok).toBe(false);

  const rows = page.getByTestId('session-row');
  await expect(rows).toHaveCount(6);
  await expect(rows.first()).toHaveAttribute('data-outcome', 'rejected');
  await screenshot(page, 'sessions.png');

  await rows.first().click();
  const transcript = page.getByTestId('transcript');
  await expect(transcript).toHaveAttribute('data-outcome', 'rejected');
  await expect(transcript.getByTestId('rejection').first()).toBeVisible();
  await screenshot(page, 'transcript.png');
  open.close();
});
