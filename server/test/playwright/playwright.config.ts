/**
 * The Playwright fixture and matchers of the testing kit (server/src/testing/playwright.ts),
 * run by Playwright itself. These tests use no browser.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  fullyParallel: true,
  workers: 2,
  forbidOnly: true,
  reporter: [['list']],
  timeout: 30_000,
  expect: { timeout: 5_000 },
});
