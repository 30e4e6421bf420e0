/**
 * Test fixtures: a real Bouncer per test, started in the Playwright worker from the compiled
 * server (dist/, built by the global setup) on free loopback ports with an in-memory store,
 * serving the built UI. Listeners: `smtp` (gmail-mx, where EHLO localhost gets its 504, and
 * where mail from example.com is accepted with a warning: no DNS records are declared),
 * `capture` (permissive: messages that must be accepted go there, whatever rules gmail-mx grows)
 * `small` (permissive with a 2 KB limit: a message refused at end of DATA) and `helo`
 * (permissive plus helo.non-fqdn: a rule to switch off) — the last two from e2e/profiles.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test as base, expect, type Page } from '@playwright/test';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { BouncerConfigInput } from '../server/src/config/schema.js';
import type { Bouncer } from '../server/src/main.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SCREENSHOT_DIR = path.join(ROOT, 'e2e', 'screenshots');

type MainModule = typeof import('../server/src/main.js');
let main: Promise<MainModule> | undefined;
/** The compiled composition root (dist/), loaded once per worker. */
export function loadMain(): Promise<MainModule> {
  const file = path.join(ROOT, 'dist', 'server', 'src', 'main.js');
  if (!existsSync(file)) throw new Error('dist/ is missing: run `npm run build` (the global setup does it)');
  main ??= import(pathToFileURL(file).href) as Promise<MainModule>;
  return main;
}

export interface E2EBouncer {
  running: Bouncer;
  url: string;
  port(listener: 'smtp' | 'capture' | 'small' | 'helo'): number;
  stop(): Promise<void>;
}

export function e2eConfig(overrides: Partial<BouncerConfigInput> = {}): BouncerConfigInput {
  return {
    host: '127.0.0.1',
    listeners: [
      { name: 'smtp', port: 0, profile: 'gmail-mx', tls: 'none' },
      { name: 'capture', port: 0, profile: 'permissive', tls: 'starttls' },
      { name: 'small', port: 0, profile: 'e2e-small', tls: 'none' },
      { name: 'helo', port: 0, profile: 'e2e-helo', tls: 'none' },
    ],
    profileDirs: [path.join(ROOT, 'e2e', 'profiles')],
    http: { port: 0 },
    store: { kind: 'memory' },
    log: { level: 'silent' },
    ...overrides,
  };
}

export async function startE2EBouncer(config: BouncerConfigInput = e2eConfig()): Promise<E2EBouncer> {
  const { startBouncer, DEFAULT_UI_DIR } = await loadMain();
  if (!existsSync(path.join(DEFAULT_UI_DIR, 'index.html'))) throw new Error('dist/web is missing: run `npm run build`');
  const running = await startBouncer(config);
  let stopped = false;
  return {
    running,
    url: running.http.url,
    port(listener) {
      const l = running.listeners.find((x) => x.name === listener);
      if (!l) throw new Error(`no listener ${listener}`);
      return l.port;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await running.stop();
    },
  };
}

export const test = base.extend<{ bouncer: E2EBouncer }>({
  bouncer: async ({}, use) => {
    const b = await startE2EBouncer();
    await use(b);
    await b.stop();
  },
});
export { expect };

/** Sends one message with nodemailer, plain SMTP on loopback. Resolves with the result or the error. */
export async function sendMail(
  port: number,
  opts: {
    name?: string;
    subject?: string;
    html?: string;
    text?: string;
    from?: string;
    to?: string;
    attachments?: SendMailOptions['attachments'];
    /** Upgrade with STARTTLS when offered (Bouncer's self-signed test certificate is accepted). */
    starttls?: boolean;
    auth?: { user: string; pass: string };
  },
): Promise<{ ok: true; response: string } | { ok: false; error: Error & { response?: string; responseCode?: number } }> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: !opts.starttls,
    tls: { rejectUnauthorized: false },
    auth: opts.auth,
    name: opts.name ?? 'mail.example.com',
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 5000,
  });
  try {
    const info = await transport.sendMail({
      from: opts.from ?? 'Alice <alice@example.com>',
      to: opts.to ?? 'bob@example.org',
      subject: opts.subject ?? 'Hello from the e2e suite',
      text: opts.text ?? (opts.html ? undefined : 'Hello Bob.'),
      html: opts.html,
      attachments: opts.attachments,
    });
    return { ok: true, response: info.response };
  } catch (err) {
    return { ok: false, error: err as Error & { response?: string } };
  } finally {
    transport.close();
  }
}

/** Records whether the page was (re)loaded: a `load` after the first one is a reload. */
export async function watchReloads(page: Page): Promise<() => number> {
  let loads = 0;
  page.on('load', () => loads++);
  return () => loads;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, name) });
}

/** Collects CSP violations and page errors, to assert the UI runs clean under its policy. */
export function watchConsole(page: Page): { errors: string[] } {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) errors.push(`${m.text()} (${m.location().url})`);
  });
  return { errors };
}
