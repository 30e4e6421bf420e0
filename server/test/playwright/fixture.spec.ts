/**
 * The `bouncer` fixture: a per-test tag, scoped queries and waits, scenario cleanup, and the
 * `toHaveReceived` / `toBeRejectedWith` matchers, passing and failing.
 */
import { BouncerClient } from '../../src/testing/client.js';
import { expect, test } from '../../src/testing/playwright.js';
import { send } from '../kit/helpers.js';

/** A matcher's message without its colours. */
const plain = (err: unknown) => (err as Error).message.replace(/\u001b\[[0-9;]*m/g, '');

test('the workers attach to the Bouncer at BOUNCER_URL', async ({ bouncer }) => {
  expect(process.env.BOUNCER_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(bouncer.url).toBe(process.env.BOUNCER_URL);
  const listeners = await bouncer.listeners();
  expect(bouncer.smtp).toEqual({ host: '127.0.0.1', port: listeners.find((l) => l.name === 'smtp')!.port });
});

test('each test gets its own tag and a client scoped to it', async ({ bouncer }, testInfo) => {
  expect(bouncer.tag).toMatch(new RegExp(`^t${testInfo.workerIndex}-[0-9a-f]{10}$`));
  expect(bouncer.address('ada')).toBe(`ada+${bouncer.tag}@example.com`);
  expect(bouncer.smtp.host).toBe('127.0.0.1');
  expect(bouncer.endpoints.smtp!.profile).toBe('gmail-mx');

  expect((await send(bouncer.smtp, { to: 'ada+someone-else@example.com', subject: 'not mine' })).ok).toBe(true);
  expect((await send(bouncer.smtp, { to: bouncer.address('ada'), subject: 'mine' })).ok).toBe(true);
  await expect(bouncer).toHaveReceived({ subject: 'mine' });
  await expect(bouncer).not.toHaveReceived({ subject: 'not mine' });
  expect((await bouncer.messages()).items.map((m) => m.subject)).toEqual(['mine']);
  // the unscoped client sees both
  expect((await new BouncerClient(bouncer.url).messages({ subject: 'mine' })).total).toBeGreaterThanOrEqual(1);
});

test('toHaveReceived fails after the expect timeout with the filter and tag', async ({ bouncer }) => {
  const err = await expect(bouncer)
    .toHaveReceived({ subject: /never/i }, { timeout: 100 })
    .catch((e: Error) => e);
  expect(err).toBeInstanceOf(Error);
  expect(plain(err)).toContain(`No message matching {"subject": /never/i} (tag ${bouncer.tag}) was stored within 100 ms`);

  await send(bouncer.smtp, { to: bouncer.address(), subject: 'here' });
  const notErr = await expect(bouncer).not.toHaveReceived({ subject: 'here' }).catch((e: Error) => e);
  expect(plain(notErr)).toContain(`Expected no message matching {"subject": "here"} (tag ${bouncer.tag}), but one was stored`);
});

test('toBeRejectedWith checks every rejection of the session', async ({ bouncer }) => {
  await bouncer.scenario({ action: { rule: 'rcpt.no-such-user' } });
  const sent = await send(bouncer.smtp, { to: bouncer.address('ghost') });
  expect(sent).toMatchObject({ ok: false, responseCode: 550 });
  const session = await bouncer.waitForSession({ outcome: 'rejected' });
  await expect(session).toBeRejectedWith('550 5.1.1');
  await expect(session).toBeRejectedWith('550 5.1.1 The email account that you tried to reach does not exist');
  await expect(bouncer.waitForSession({ outcome: 'rejected' })).toBeRejectedWith('550');
  await expect(session).not.toBeRejectedWith('550 5.7.25');
  const err = await expect(session).toBeRejectedWith('550 5.7.25').catch((e: Error) => e);
  expect(plain(err)).toContain(`Expected session ${session.id} to be rejected with "550 5.7.25"`);
  expect(plain(err)).toContain('Its rejections: "550 5.1.1 (rcpt.no-such-user), 503 5.5.1 (command.rcpt-first)"');
});

test.describe('scenario cleanup', () => {
  test.describe.configure({ mode: 'serial' });
  let created = '';

  test('a test creates a scenario scoped to its tag', async ({ bouncer }) => {
    const s = await bouncer.scenario({ action: { phase: 'mail', delayMs: 1 }, times: 'unlimited' });
    expect(s.match).toEqual({ tag: bouncer.tag });
    created = s.id;
    expect((await bouncer.scenarios()).map((x) => x.id)).toEqual([created]);
  });

  test('the next test no longer has it', async ({ bouncer }) => {
    expect(created).not.toBe('');
    const all = await new BouncerClient(bouncer.url).scenarios();
    expect(all.map((s) => s.id)).not.toContain(created);
  });
});
