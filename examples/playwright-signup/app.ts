/**
 * A tiny signup app: a form, a confirmation mail with a link, a confirmation page. It sends
 * like a well-behaved app: nodemailer with a fully-qualified EHLO name, a From and a
 * Message-ID, and it retries a delivery that fails temporarily (a 4xx reply or a lost
 * connection) with a short backoff, as RFC 5321 §4.5.4.1 asks of a sender.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import nodemailer from 'nodemailer';

export interface AppOptions {
  smtp: { host: string; port: number };
  /** Delivery attempts before giving up (default 3). */
  attempts?: number;
  /** Wait before retry n is n × this (default 100 ms). */
  backoffMs?: number;
}

export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

interface SmtpFailure {
  responseCode?: number;
  code?: string;
  response?: string;
  message: string;
}

/** 4xx replies and lost connections are worth another try; 5xx replies are final. */
function temporary(err: SmtpFailure): boolean {
  if (err.responseCode !== undefined) return err.responseCode >= 400 && err.responseCode < 500;
  return ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET'].includes(err.code ?? '');
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1>${body}</body></html>`;

export async function startApp(options: AppOptions): Promise<RunningApp> {
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 100;
  const pending = new Map<string, string>();
  const confirmed = new Set<string>();
  const transport = nodemailer.createTransport({
    host: options.smtp.host,
    port: options.smtp.port,
    secure: false,
    ignoreTLS: true,
    // Gmail (and Bouncer's gmail-mx profile) refuse a non-qualified EHLO name
    name: 'app.example.com',
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 10_000,
  });

  const app = express();
  app.use(express.urlencoded({ extended: false }));
  let base = '';

  app.get('/', (_req, res) => {
    res.send(
      page(
        'Sign up',
        `<form method="post" action="/signup"><label>Email <input id="email" name="email" type="email" required></label> <button type="submit">Sign up</button></form>`,
      ),
    );
  });

  app.post('/signup', async (req, res) => {
    const email = String(req.body?.email ?? '').trim();
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
      res.status(400).send(page('Sign up', '<p role="alert">Please enter an email address.</p>'));
      return;
    }
    const token = randomBytes(16).toString('hex');
    pending.set(token, email);
    const link = `${base}/confirm?token=${token}`;
    const failures: string[] = [];
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await transport.sendMail({
          from: 'Example App <no-reply@app.example.com>',
          to: email,
          subject: 'Confirm your email address',
          messageId: `<${token}.${attempt}@app.example.com>`,
          text: `Welcome! Confirm your address by opening this link:\n\n${link}\n`,
          html: `<p>Welcome! <a href="${escape(link)}">Confirm your address</a>.</p>`,
        });
        res.send(
          page(
            'Check your inbox',
            `<p>We sent a confirmation link to <b>${escape(email)}</b>.</p><p id="delivery" data-attempts="${attempt}">Delivered after ${attempt} attempt${attempt > 1 ? 's' : ''}.</p>` +
              (failures.length ? `<ul id="failures">${failures.map((f) => `<li>${escape(f)}</li>`).join('')}</ul>` : ''),
          ),
        );
        return;
      } catch (err) {
        const e = err as SmtpFailure;
        failures.push(e.response ?? e.message);
        if (!temporary(e) || attempt === attempts) break;
        await new Promise((r) => setTimeout(r, attempt * backoffMs));
      }
    }
    res.status(502).send(page('Sign up failed', `<p role="alert">We could not send the confirmation mail: ${escape(failures.at(-1) ?? 'unknown error')}</p>`));
  });

  app.get('/confirm', (req, res) => {
    const token = String(req.query.token ?? '');
    const email = pending.get(token);
    if (!email) {
      res.status(404).send(page('Unknown link', '<p role="alert">This confirmation link is not valid.</p>'));
      return;
    }
    pending.delete(token);
    confirmed.add(email);
    res.send(page('Email confirmed', `<p>Thanks, <b>${escape(email)}</b> is confirmed.</p>`));
  });

  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    close: () =>
      new Promise<void>((resolve) => {
        transport.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
