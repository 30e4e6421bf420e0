/**
 * `smtp-bouncer/playwright`: a Playwright `test` with a `bouncer` fixture, and an `expect`
 * with mail matchers.
 *
 *   import { test, expect } from 'smtp-bouncer/playwright';
 *   test('signup sends a confirmation', async ({ page, bouncer }) => {
 *     await page.fill('#email', bouncer.address('alice'));   // alice+<tag>@example.com
 *     await expect(bouncer).toHaveReceived({ subject: /confirm/i });
 *   });
 *
 * Each worker runs one Bouncer in-process (options: `use: { bouncerOptions: {...} }`), or
 * attaches to a running one when BOUNCER_URL is set. Each test gets a fresh isolation tag:
 * the `bouncer` fixture is a client scoped to it (queries, waits, scenarios), so parallel
 * workers never see each other's mail; the test's scenarios are deleted when it ends.
 */
import { randomBytes } from 'node:crypto';
import { expect as baseExpect, test as base } from '@playwright/test';
import { BouncerClient, WaitTimeoutError } from './client.js';
import type { MessageQuery } from './filters.js';
import { describeRejections, matchesReply, parseExpectedReply, rejectionsOf, type SessionLike } from './rejections.js';
import { attachBouncer, startBouncer, type BouncerEndpoints, type Endpoint, type ListenerEndpoint, type StartOptions } from './start.js';

/** The `bouncer` fixture: a client scoped to the test's tag, plus where to send mail. */
export class BouncerFixture extends BouncerClient {
  readonly smtp: Endpoint;
  readonly submission: Endpoint | undefined;
  /** Every listener by name. */
  readonly endpoints: Record<string, ListenerEndpoint>;
  declare readonly tag: string;

  constructor(server: BouncerEndpoints, tag: string) {
    super(server.url, { tag });
    this.smtp = server.smtp;
    this.submission = server.submission;
    this.endpoints = server.listeners;
  }
}

/** A fresh tag per test: worker index plus randomness (retries and repeats never collide). */
export function testTag(workerIndex: number): string {
  return `t${workerIndex}-${randomBytes(5).toString('hex')}`;
}

/** Worker options: `use: { bouncerOptions: { profile: 'permissive' } }` in playwright.config.ts. */
export interface BouncerWorkerOptions {
  bouncerOptions: StartOptions;
}

export const test = base.extend<{ bouncer: BouncerFixture }, BouncerWorkerOptions & { bouncerServer: BouncerEndpoints }>({
  bouncerOptions: [{}, { scope: 'worker', option: true }],
  bouncerServer: [
    async ({ bouncerOptions }, use) => {
      const url = process.env.BOUNCER_URL;
      if (url) {
        await use(await attachBouncer(url));
        return;
      }
      const running = await startBouncer(bouncerOptions);
      try {
        await use(running);
      } finally {
        await running.stop();
      }
    },
    { scope: 'worker' },
  ],
  bouncer: async ({ bouncerServer }, use, testInfo) => {
    const fixture = new BouncerFixture(bouncerServer, testTag(testInfo.workerIndex));
    await use(fixture);
    // automatic cleanup: the test's scenarios never outlive it
    await fixture.deleteScenarios();
  },
});

export const expect = baseExpect.extend({
  /**
   * Waits (server-side, up to the expect timeout) for a message matching `filter`, scoped to
   * the fixture's tag. With `.not`, checks once that no such message is stored now.
   */
  async toHaveReceived(received: BouncerClient, filter: MessageQuery = {}, options: { timeout?: number } = {}) {
    const name = 'toHaveReceived';
    if (!(received instanceof BouncerClient)) {
      throw new Error(`${name}: expected the bouncer fixture or a BouncerClient, got ${this.utils.printReceived(received)}`);
    }
    const timeout = options.timeout ?? this.timeout;
    let found: unknown;
    if (this.isNot) {
      found = (await received.messages({ ...filter, limit: 1 })).items[0];
    } else {
      try {
        found = await received.waitForMessage(filter, { timeout });
      } catch (err) {
        if (!(err instanceof WaitTimeoutError)) throw err;
      }
    }
    const pass = found !== undefined;
    const scope = received.tag ? ` (tag ${received.tag})` : '';
    return {
      name,
      pass,
      expected: filter,
      actual: found,
      message: () =>
        pass
          ? `${this.utils.matcherHint(name, 'bouncer', 'filter', { isNot: this.isNot })}\n\nExpected no message matching ${this.utils.printExpected(filter)}${scope}, but one was stored:\n${this.utils.printReceived(found)}`
          : `${this.utils.matcherHint(name, 'bouncer', 'filter', { isNot: this.isNot })}\n\nNo message matching ${this.utils.printExpected(filter)}${scope} was stored within ${timeout} ms`,
    };
  },

  /**
   * The session (a record from waitForSession/session, or a promise of one) got a rejection
   * with this code, and the enhanced code and text when given: `'550 5.7.25'`.
   */
  async toBeRejectedWith(received: SessionLike | Promise<SessionLike>, expected: string) {
    const name = 'toBeRejectedWith';
    const session = await received;
    const want = parseExpectedReply(expected);
    const rejections = rejectionsOf(session);
    const pass = rejections.some((r) => matchesReply(r, want));
    const got = describeRejections(rejections);
    return {
      name,
      pass,
      expected,
      actual: got,
      message: () =>
        `${this.utils.matcherHint(name, 'session', 'reply', { isNot: this.isNot })}\n\n` +
        `Expected session ${session.id} ${this.isNot ? 'not ' : ''}to be rejected with ${this.utils.printExpected(expected)}\n` +
        `Its rejections: ${this.utils.printReceived(got)}`,
    };
  },
});
