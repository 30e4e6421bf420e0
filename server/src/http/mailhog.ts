/**
 * MailHog's JSON shape for a stored message (MailHog's `data.Message`, API v2), so suites
 * written against MailHog (e.g. with the `mailhog` npm client) switch to Bouncer by changing a
 * URL. MailHog keeps bodies as received (transfer-encoded) with header names in Go's canonical
 * form (`Content-Type`, `Message-Id`) and splits multipart bodies into `MIME.Parts`, each with
 * its own headers, body and nested MIME; clients decode the parts themselves.
 * Source of the shape: github.com/mailhog/data (message.go) and MailHog's api/v2.go.
 */
import type { MessageRecord } from '../store/types.js';

export interface MailhogPath {
  Relays: string[] | null;
  Mailbox: string;
  Domain: string;
  Params: string;
}

export interface MailhogContent {
  Headers: Record<string, string[]>;
  Body: string;
  Size: number;
  MIME: MailhogMime | null;
}

export interface MailhogMime {
  Parts: MailhogContent[];
}

export interface MailhogMessage {
  ID: string;
  From: MailhogPath;
  To: MailhogPath[];
  Content: MailhogContent;
  Created: string;
  MIME: MailhogMime | null;
  Raw: { From: string; To: string[]; Data: string; Helo: string };
}

export interface MailhogPage {
  total: number;
  count: number;
  start: number;
  items: MailhogMessage[];
}

/** Nested multiparts deeper than this are left as one body (a hostile message cannot recurse forever). */
const MAX_MIME_DEPTH = 8;

/** Go's textproto.CanonicalMIMEHeaderKey: `content-type` → `Content-Type`, `message-id` → `Message-Id`. */
export function canonicalHeaderKey(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join('-');
}

export function mailhogPath(address: string): MailhogPath {
  const at = address.lastIndexOf('@');
  return {
    Relays: null,
    Mailbox: at < 0 ? address : address.slice(0, at),
    Domain: at < 0 ? '' : address.slice(at + 1),
    Params: '',
  };
}

/** Splits an entity at the first empty line into unfolded headers (canonical names) and body. */
export function parseEntity(text: string): { headers: Record<string, string[]>; body: string } {
  const m = /\r?\n\r?\n/.exec(text);
  const head = m ? text.slice(0, m.index) : text;
  const body = m ? text.slice(m.index + m[0].length) : '';
  const headers: Record<string, string[]> = {};
  // RFC 5322 §2.2.3: a line starting with white space continues the previous field
  for (const line of head.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = canonicalHeaderKey(line.slice(0, colon).trim());
    (headers[key] ??= []).push(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** The parts of a multipart body, each parsed, nested multiparts included; null otherwise. */
export function mimeOf(headers: Record<string, string[]>, body: string, depth = 0): MailhogMime | null {
  const boundary = boundaryOf(headers['Content-Type']?.[0]);
  if (!boundary || depth >= MAX_MIME_DEPTH) return null;
  const delimiter = `--${boundary}`;
  const parts: MailhogContent[] = [];
  const lines = body.split(/\r?\n/);
  let current: string[] | undefined;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === delimiter || trimmed === `${delimiter}--`) {
      if (current) parts.push(content(current.join('\r\n'), depth + 1));
      current = trimmed === delimiter ? [] : undefined;
      if (trimmed !== delimiter) break;
      continue;
    }
    current?.push(line);
  }
  return { Parts: parts };
}

function content(text: string, depth: number): MailhogContent {
  const { headers, body } = parseEntity(text);
  return { Headers: headers, Body: body, Size: Buffer.byteLength(body), MIME: mimeOf(headers, body, depth) };
}

/** One stored message in MailHog's shape; `helo` is the session's EHLO/HELO name. */
export function toMailhog(message: MessageRecord, raw: Buffer, helo: string): MailhogMessage {
  const data = raw.toString('utf8');
  const top = content(data, 0);
  return {
    ID: message.id,
    From: mailhogPath(message.mailFrom),
    To: message.rcptTo.map(mailhogPath),
    Content: { ...top, MIME: null },
    Created: new Date(message.receivedAt).toISOString(),
    MIME: top.MIME,
    Raw: { From: message.mailFrom, To: [...message.rcptTo], Data: data, Helo: helo },
  };
}
