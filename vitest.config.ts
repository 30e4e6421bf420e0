import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // e2e/ holds Playwright specs (*.spec.ts), run by `playwright test`, never by vitest
    include: ['server/**/*.test.ts', 'web/**/*.test.ts'],
    // dialog tests open real sockets on free ports; a slow CI machine gets some slack
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
