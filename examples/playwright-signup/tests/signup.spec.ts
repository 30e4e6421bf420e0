/**
 * Signing up sends a confirmation mail whose link works; a first delivery that fails with 421
 * is retried. Each test has its own tag (the `+tag` in the address it types), so the workers
 * share nothing.
 */
import { expect, test } from './fixtures.js';

test('signing up sends a confirmation mail whose link confirms the address', async ({ page, app, bouncer }) => {
  const email = bouncer.address('ada');
  const since = Date.now();
  await page.goto(app.url);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('heading')).toHaveText('Check your inbox');
  await expect(page.locator('#delivery')).toHaveAttribute('data-attempts', '1');

  await expect(bouncer).toHaveReceived({ to: email, subject: /^confirm your email/i });
  const mail = await bouncer.waitForMessage({ to: email, since });
  expect(mail.from).toEqual([{ name: 'Example App', address: 'no-reply@app.example.com' }]);
  expect(mail.messageIdHeader).toMatch(/^<[0-9a-f]{32}\.1@app\.example\.com>$/);
  const link = /http:\/\/\S+\/confirm\?token=[0-9a-f]{32}/.exec(mail.text ?? '')?.[0];
  expect(link, 'the mail carries a confirmation link').toBeDefined();

  await page.goto(link!);
  await expect(page.getByRole('heading')).toHaveText('Email confirmed');
  await expect(page.getByText(email)).toBeVisible();

  const session = await bouncer.session(mail.sessionId);
  expect(session.heloName).toBe('app.example.com');
  expect(session.outcome).toBe('accepted');
});

test('a first delivery refused with 421 is retried and the mail arrives', async ({ page, app, bouncer }) => {
  const scenario = await bouncer.scenario({
    name: 'first delivery gets 421',
    action: { phase: 'rcpt', reply: { code: 421, enhanced: '4.7.0', text: 'Try again later, closing connection.', close: true } },
    times: 1,
  });
  expect(scenario.match.tag).toBe(bouncer.tag);

  const email = bouncer.address('grace');
  await page.goto(app.url);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('heading')).toHaveText('Check your inbox');
  await expect(page.locator('#delivery')).toHaveAttribute('data-attempts', '2');
  await expect(page.locator('#failures li')).toHaveText(['421 4.7.0 Try again later, closing connection.']);

  await expect(bouncer).toHaveReceived({ to: email, subject: 'Confirm your email address' });
  const refused = await bouncer.waitForSession({ scenario: scenario.id });
  await expect(refused).toBeRejectedWith('421 4.7.0');
  await expect(refused).not.toBeRejectedWith('550');
  expect(refused.messageIds).toEqual([]);

  const sessions = await bouncer.sessions();
  expect(sessions.items.map((s) => s.outcome).sort()).toEqual(['accepted', 'rejected']);
  expect((await bouncer.getScenario(scenario.id)).state).toBe('exhausted');
});
