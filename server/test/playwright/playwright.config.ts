/**
 * The Playwright fixture and matchers of the testing kit (server/src/testing/playwright.ts),
 * run by Playwright itself, with the workers attached to one shared Bouncer (BOUNCER_URL, set
 * by the global setup). These tests use no browser.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  globalSetup: './shared-bouncer.setup.ts',
  fullyParallel: true,
  workers: 2,
  forbidOnly: true,
  reporter: [['list']],
  timeout: 30_000,
  expect: { timeout: 5_000 },
});
