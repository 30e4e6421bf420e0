/** The Policy view: rules per phase, switching a rule and a listener's profile live. */
import { expect, sendMail, test } from './fixtures';
import { RawSmtp } from './smtp';

test('spec 4: turning a rule off in the Policy view makes the next identical session accepted', async ({ page, bouncer }) => {
  const first = await sendMail(bouncer.port('helo'), { name: 'localhost', subject: 'Attempt' });
  expect(first.ok).toBe(false);
  if (!first.ok) expect(first.error.response).toMatch(/^504 5\.5\.2 <localhost>/);

  await page.goto(bouncer.url + '/policy');
  await page.getByRole('tab', { name: /^e2e-helo/ }).click();
  const profile = page.locator('[data-testid=profile][data-profile=e2e-helo]');
  const rule = profile.locator('[data-testid=rule][data-rule-id="helo.non-fqdn"]');
  await expect(rule).toHaveAttribute('data-enabled', 'true');
  await expect(rule).toContainText('504 5.5.2 <{name}>: Helo command rejected: need fully-qualified hostname');
  await expect(rule).toContainText("Postfix's reject_non_fqdn_helo_hostname");

  await rule.getByRole('switch', { name: 'helo.non-fqdn in e2e-helo' }).click();
  await expect(rule).toHaveAttribute('data-enabled', 'false');
  await expect(rule.getByRole('switch')).not.toBeChecked();

  const second = await sendMail(bouncer.port('helo'), { name: 'localhost', subject: 'Attempt' });
  expect(second.ok).toBe(true);
  if (second.ok) expect(second.response).toMatch(/^250 /);

  await page.getByRole('link', { name: 'Sessions' }).click();
  const rows = page.getByTestId('session-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toHaveAttribute('data-outcome', 'accepted');
  await expect(rows.nth(1)).toHaveAttribute('data-outcome', 'rejected');

  // and on again: the next one is refused as before
  await page.getByRole('link', { name: 'Policy' }).click();
  await page.getByRole('tab', { name: /^e2e-helo/ }).click();
  await rule.getByRole('switch').click();
  await expect(rule).toHaveAttribute('data-enabled', 'true');
  const third = await sendMail(bouncer.port('helo'), { name: 'localhost', subject: 'Attempt' });
  expect(third.ok).toBe(false);
});

test("the Policy view lists listeners and each profile's rules in order per phase; switching a listener's profile changes the next session", async ({ page, bouncer }) => {
  await page.goto(bouncer.url + '/policy');
  const smtp = page.locator('[data-testid=listener][data-listener=smtp]');
  await expect(smtp).toContainText(`127.0.0.1:${bouncer.port('smtp')}`);
  const select = page.getByLabel('Profile of listener smtp');
  await expect(select).toHaveValue('gmail-mx');

  // gmail-mx shown first (the first listener's profile), phases in the order they run
  const gmail = page.locator('[data-testid=profile][data-profile=gmail-mx]');
  await expect(gmail).toBeVisible();
  const phases = await gmail.locator('h3').allTextContents();
  expect(phases.indexOf('helo')).toBeGreaterThan(-1);
  expect(phases.indexOf('helo')).toBeLessThan(phases.indexOf('message'));
  const heloRules = gmail.locator('.phase', { has: page.locator('h3', { hasText: /^helo$/ }) }).getByTestId('rule');
  const ids = await heloRules.evaluateAll((els) => els.map((e) => e.getAttribute('data-rule-id')));
  const fromApi = (await (await fetch(`${bouncer.url}/api/v1/profiles/gmail-mx`)).json()) as { rules: { helo: Array<{ id: string }> } };
  expect(ids).toEqual(fromApi.rules.helo.map((r) => r.id));

  await select.selectOption('permissive');
  await expect(select).toHaveValue('permissive');
  await expect(select).toBeEnabled();
  const listeners = (await (await fetch(`${bouncer.url}/api/v1/listeners`)).json()) as Array<{ name: string; profile: string }>;
  expect(listeners.find((l) => l.name === 'smtp')!.profile).toBe('permissive');

  const c = await RawSmtp.connect(bouncer.port('smtp'));
  expect(await c.reply()).toEqual(['220 bouncer.local ESMTP Bouncer (permissive)']);
  expect((await c.command('EHLO localhost'))[0]).toBe('250-bouncer.local Hello [127.0.0.1]');
  await c.command('QUIT');
  c.close();
  await page.getByRole('link', { name: 'Sessions' }).click();
  await expect(page.getByTestId('session-row').first()).toContainText('smtp/permissive');
});
