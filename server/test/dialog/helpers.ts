/**
 * Small helpers shared by the dialog tests: open a session and learn its id, check that a
 * connection stays open or closed, wait for the stored session, write temporary profiles.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type net from 'node:net';
import path from 'node:path';
import { expect } from 'vitest';
import type { SessionRecord } from '../../src/store/types.js';
import type { TestBouncer } from '../support/bouncer.js';
import { RawSmtp, sessionIdOf, type SmtpReply } from '../support/smtp-client.js';

export interface OpenSession {
  c: RawSmtp;
  greeting: SmtpReply;
  /** The Gmail-style session id from the greeting ('' for profiles whose greeting has none). */
  id: string;
}

/** Connects to a listener, reads the greeting and returns the session id it carries. */
export async function open(bouncer: TestBouncer, listener = 'smtp', opts: { tls?: boolean } = {}): Promise<OpenSession> {
  const c = await RawSmtp.connect(bouncer.port(listener), opts);
  const greeting = await c.reply();
  const id = / - gsmtp$/.test(greeting.last) ? sessionIdOf(greeting) : '';
  return { c, greeting, id };
}

/** The session stays open: a NOOP still gets the profile's noop reply. */
export async function expectOpen(s: OpenSession): Promise<void> {
  expect((await s.c.command('NOOP')).lines).toEqual([`250 2.0.0 OK ${s.id} - gsmtp`]);
  expect(s.c.closed).toBe(false);
}

/** The exact EHLO reply of gmail-mx for a loopback client (CHUNKING never advertised). */
export function mxEhloLines(clientIp = '127.0.0.1'): string[] {
  return [
    `250-mx.google.com at your service, [${clientIp}]`,
    '250-SIZE 157286400',
    '250-8BITMIME',
    '250-ENHANCEDSTATUSCODES',
    '250-PIPELINING',
    '250-SMTPUTF8',
    '250 XCLIENT NAME ADDR PORT PROTO HELO LOGIN',
  ];
}

/** Waits until the store holds the session as closed (the server sees the close a little later). */
export async function storedSession(bouncer: TestBouncer, id: string, timeoutMs = 3000): Promise<SessionRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = bouncer.store.getSession(id);
    if (s && s.outcome !== 'open') return s;
    if (Date.now() > deadline) throw new Error(`session ${id} not closed in the store within ${timeoutMs} ms (${s ? s.outcome : 'missing'})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Writes profile files (name → YAML text) into a fresh temporary directory. */
export function tempProfileDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bouncer-profiles-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, `${name}.yaml`), text);
  return dir;
}

export const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** The AUTH PLAIN initial response for a user name and password (RFC 4616). */
export const plainToken = (user: string, pass: string): string => b64(`\0${user}\0${pass}`);

/** EHLO, STARTTLS, TLS handshake, EHLO again; returns the EHLO reply after TLS. */
export async function startTls(s: OpenSession, name = 'mail.example.com'): Promise<SmtpReply> {
  expect((await s.c.command(`EHLO ${name}`)).code).toBe(250);
  expect((await s.c.command('STARTTLS')).lines).toEqual(['220 2.0.0 Ready to start TLS']);
  await s.c.upgrade();
  return s.c.command(`EHLO ${name}`);
}

let messageSeq = 0;
/** A fresh Message-ID each call: gmail-mx limits how often one Message-ID is accepted (421 4.7.28). */
export function uniqueMessageId(domain = 'example.com'): string {
  return `<m${++messageSeq}.${process.pid}.${Date.now()}@${domain}>`;
}

/**
 * A complete small message for DATA (ends with the terminating dot line, without the final
 * CRLF): well-formed (RFC 5322: one From, a unique Message-ID, Date), as gmail-mx requires.
 */
export function messageBody(subject = 'hello', extraHeaders: string[] = []): string {
  return [
    'From: Alice <alice@example.com>',
    'To: bob@example.org',
    `Subject: ${subject}`,
    `Message-ID: ${uniqueMessageId()}`,
    'Date: Mon, 01 Jan 2024 00:00:00 +0000',
    ...extraHeaders,
    '',
    'hello',
    '.',
  ].join('\r\n');
}

/** Runs a whole valid transaction on an open session and returns the final reply. */
export async function sendMessage(s: OpenSession, opts: { from?: string; to?: string; body?: string } = {}): Promise<SmtpReply> {
  expect((await s.c.command(`MAIL FROM:<${opts.from ?? 'alice@example.com'}>`)).lines).toEqual([`250 2.1.0 OK ${s.id} - gsmtp`]);
  expect((await s.c.command(`RCPT TO:<${opts.to ?? 'bob@example.org'}>`)).lines).toEqual([`250 2.1.5 OK ${s.id} - gsmtp`]);
  expect((await s.c.command('DATA')).lines).toEqual([`354 Go ahead ${s.id} - gsmtp`]);
  return s.c.command(opts.body ?? messageBody());
}

/** The accepted reply at the end of DATA: `250 2.0.0 OK <unix-time> <id> - gsmtp`. */
export function acceptedPattern(id: string): RegExp {
  return new RegExp(`^250 2\\.0\\.0 OK \\d{10} ${escapeRegExp(id)} - gsmtp$`);
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The default test listeners (startTestBouncer's), for overrides that add more. */
export const TEST_LISTENERS = [
  { name: 'smtp', port: 0, profile: 'gmail-mx', tls: 'none' as const },
  { name: 'submission', port: 0, profile: 'gmail-submission', tls: 'starttls' as const },
  { name: 'smtps', port: 0, profile: 'gmail-submission', tls: 'implicit' as const },
];

/** Writes raw bytes on the client's socket (RawSmtp.write sends strings as UTF-8). */
export function writeBytes(c: RawSmtp, bytes: Buffer): void {
  (c as unknown as { socket: net.Socket }).socket.write(bytes);
}
