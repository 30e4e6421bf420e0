/**
 * The signup example's suite. Runs in Debian's Chromium (CHROMIUM_PATH to use another).
 * Bouncer's `smtp` listener uses the `permissive` profile here: the example is about the kit
 * (waits, tags, scenarios), not about Gmail's content rules, so it does not depend on which
 * sender-authentication rules (SPF, DKIM, DMARC) the gmail-mx profile enables.
 */
import { defineConfig } from '@playwright/test';
import type { BouncerWorkerOptions } from 'smtp-bouncer/playwright';

export default defineConfig<object, BouncerWorkerOptions>({
  testDir: './tests',
  fullyParallel: true,
  workers: 2,
  forbidOnly: true,
  reporter: [['list']],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    bouncerOptions: { profile: 'permissive' },
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    },
  },
});
