/**
 * Starts a real Bouncer in-process on free loopback ports with an in-memory store, for
 * dialog and client tests. Logs are silent unless BOUNCER_TEST_LOG is set.
 */
import pino from 'pino';
import type { BouncerConfigInput } from '../../src/config/schema.js';
import { startBouncer, type Bouncer, type StartOptions } from '../../src/main.js';

export interface TestBouncer extends Bouncer {
  /** Port of the listener with this name (smtp, submission, smtps by default). */
  port(listener: string): number;
}

/** `options.now` replaces the clock (records, rate limits): tests move time instead of sleeping. */
export async function startTestBouncer(overrides: BouncerConfigInput = {}, options: Omit<StartOptions, 'log'> = {}): Promise<TestBouncer> {
  const config: BouncerConfigInput = {
    host: '127.0.0.1',
    listeners: [
      { name: 'smtp', port: 0, profile: 'gmail-mx', tls: 'none' },
      { name: 'submission', port: 0, profile: 'gmail-submission', tls: 'starttls' },
      { name: 'smtps', port: 0, profile: 'gmail-submission', tls: 'implicit' },
    ],
    http: { port: 0 },
    store: { kind: 'memory' },
    ...overrides,
  };
  const bouncer = await startBouncer(config, { ...options, log: pino({ level: process.env.BOUNCER_TEST_LOG ?? 'silent' }) });
  return Object.assign(bouncer, {
    port(listener: string) {
      const found = bouncer.listeners.find((l) => l.name === listener);
      if (!found) throw new Error(`no listener ${listener}`);
      return found.port;
    },
  });
}
