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
import type { SessionRecord, SessionSummary } from '../store/types.js';
import { BouncerClient, WaitTimeoutError } from './client.js';
import type { MessageQuery } from './filters.js';
import { startBouncer, type Endpoint, type ListenerEndpoint, type StartOptions } from './start.js';

/** The Bouncer a worker uses: its own, or the one at BOUNCER_URL. */
export interface WorkerBouncer {
  url: string;
  smtp: Endpoint;
  submission: Endpoint | undefined;
  listeners: Record<string, ListenerEndpoint>;
}

/** The `bouncer` fixture: a client scoped to the test's tag, plus where to send mail. */
export class BouncerFixture extends BouncerClient {
  readonly smtp: Endpoint;
  readonly submission: Endpoint | undefined;
  /** Every listener by name. */
  readonly endpoints: Record<string, ListenerEndpoint>;
  declare readonly tag: string;

  constructor(server: WorkerBouncer, tag: string) {
    super(server.url, { tag });
    this.smtp = server.smtp;
    this.submission = server.submission;
    this.endpoints = server.listeners;
  }
}

/** Asks a running Bouncer where its listeners are; a wildcard bind address means "the URL's host". */
export async function attach(url: string): Promise<WorkerBouncer> {
  const client = new BouncerClient(url);
  const hostOfUrl = new URL(client.url).hostname.replace(/^\[|\]$/g, '');
  const listeners: Record<string, ListenerEndpoint> = Object.fromEntries(
    (await client.listeners()).map((l) => [
      l.name,
      { host: l.host === '0.0.0.0' || l.host === '::' ? hostOfUrl : l.host, port: l.port, profile: l.profile, tls: l.tls },
    ]),
  );
  const endpoint = (l: ListenerEndpoint | undefined) => (l ? { host: l.host, port: l.port } : undefined);
  return {
    url: client.url,
    smtp: endpoint(listeners.smtp ?? Object.values(listeners)[0])!,
    submission: endpoint(listeners.submission),
    listeners,
  };
}

/** A fresh tag per test: worker index plus randomness (retries and repeats never collide). */
export function testTag(workerIndex: number): string {
  return `t${workerIndex}-${randomBytes(5).toString('hex')}`;
}

export const test = base.extend<{ bouncer: BouncerFixture }, { bouncerOptions: StartOptions; bouncerServer: WorkerBouncer }>({
  bouncerOptions: [{}, { scope: 'worker', option: true }],
  bouncerServer: [
    async ({ bouncerOptions }, use) => {
      const url = process.env.BOUNCER_URL;
      if (url) {
        await use(await attach(url));
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
    await fixture.deleteScenarios();
  },
});

type SessionLike = SessionRecord | SessionSummary;

/** `550 5.7.25 some text` → code, enhanced code, text (each part optional after the code). */
export function parseExpectedReply(expected: string): { code: number; enhanced?: string; text?: string } {
  const m = /^\s*([2-5]\d\d)(?:[ -]+([245]\.\d{1,3}\.\d{1,3}))?(?:\s+(.*\S))?\s*$/.exec(expected);
  if (!m) throw new Error(`toBeRejectedWith: expected a reply like "550 5.7.25" (code, optional enhanced code and text), got ${JSON.stringify(expected)}`);
  return { code: Number(m[1]), enhanced: m[2], text: m[3] };
}

/** The rejections of a session: every rejecting decision with a reply, else the summary's last rejection. */
export function rejectionsOf(session: SessionLike): Array<{ code: number; enhanced?: string; text: string; ruleId: string }> {
  const decisions = 'decisions' in session ? session.decisions : undefined;
  if (decisions) {
    return decisions
      .filter((d) => d.verdict === 'reject' && d.reply)
      .map((d) => ({ code: d.reply!.code, enhanced: d.reply!.enhanced, text: d.reply!.lines.join(' '), ruleId: d.ruleId }));
  }
  const r = session.rejection;
  return r ? [{ code: r.code, enhanced: r.enhanced, text: '', ruleId: r.ruleId }] : [];
}

const describeReply = (r: { code: number; enhanced?: string; ruleId: string }) => `${r.code}${r.enhanced ? ` ${r.enhanced}` : ''} (${r.ruleId})`;

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
    const pass = rejections.some(
      (r) => r.code === want.code && (want.enhanced === undefined || r.enhanced === want.enhanced) && (want.text === undefined || r.text.includes(want.text)),
    );
    const got = rejections.length ? rejections.map(describeReply).join(', ') : 'none';
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
