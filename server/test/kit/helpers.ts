/**
 * Helpers for the testing-kit tests: send a well-formed message the way an app does
 * (nodemailer, FQDN EHLO name, Message-ID and From), and capture what the app would see.
 */
import nodemailer from 'nodemailer';
import type { Endpoint } from '../../src/testing/start.js';

export interface Sent {
  ok: boolean;
  /** The server's final reply (`info.response` or the error's `response`). */
  response: string;
  responseCode?: number;
  /** nodemailer's error code (`EENVELOPE`, `EMESSAGE`, `ECONNECTION`, ...). */
  code?: string;
}

export interface MailOptions {
  from?: string;
  to: string | string[];
  subject?: string;
  text?: string;
  headers?: Record<string, string>;
  auth?: { user: string; pass: string };
}

/** One message over its own connection; resolves (never rejects) with what the app saw. */
export async function send(endpoint: Endpoint, mail: MailOptions): Promise<Sent> {
  const transport = nodemailer.createTransport({
    host: endpoint.host,
    port: endpoint.port,
    secure: false,
    ignoreTLS: true,
    name: 'app.example.com',
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 10_000,
    ...(mail.auth ? { auth: mail.auth } : {}),
  });
  try {
    const info = await transport.sendMail({
      from: mail.from ?? 'App <app@example.org>',
      to: mail.to,
      subject: mail.subject ?? 'Hello',
      text: mail.text ?? 'Hello from the kit tests.',
      headers: mail.headers,
    });
    return { ok: true, response: info.response };
  } catch (err) {
    const e = err as { response?: string; responseCode?: number; code?: string; message: string };
    return { ok: false, response: e.response ?? e.message, responseCode: e.responseCode, code: e.code };
  } finally {
    transport.close();
  }
}
