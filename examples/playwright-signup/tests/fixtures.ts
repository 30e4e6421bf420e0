/**
 * The kit's `test` (with the `bouncer` fixture) plus an `app` fixture: one signup app per
 * worker, sending to that worker's Bouncer.
 */
import { test as base } from 'smtp-bouncer/playwright';
import { startApp, type RunningApp } from '../app.js';

export { expect } from 'smtp-bouncer/playwright';

export const test = base.extend<object, { app: RunningApp }>({
  app: [
    async ({ bouncerServer }, use) => {
      const app = await startApp({ smtp: bouncerServer.smtp });
      try {
        await use(app);
      } finally {
        await app.close();
      }
    },
    { scope: 'worker' },
  ],
});
