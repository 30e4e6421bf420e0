/**
 * nodemailer (the client most apps use) against a real, in-process Bouncer: what an app sees
 * in `info.response` and in the error it gets, for each listener.
 */
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBouncer, type TestBouncer } from '../support/bouncer.js';

const USER = { username: 'app@example.com', password: 'correct horse battery staple' };

/** `250 2.0.0 OK <unix time> <session id> - gsmtp` */
const ACCEPTED = /^250 2\.0\.0 OK (\d{10}) (\S+) - gsmtp$/;

interface SmtpError extends Error {
  code?: string;
  command?: string;
  response?: string;
  responseCode?: number;
}

let bouncer: TestBouncer;
beforeAll(async () => {
  bouncer = await startTestBouncer({ auth: { users: [USER] } });
});
afterAll(async () => bouncer?.stop());

function transport(options: SMTPTransport.Options) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 5000,
    ...options,
  });
}

async function rejection(promise: Promise<unknown>): Promise<SmtpError> {
  try {
    await promise;
  } catch (err) {
    return err as SmtpError;
  }
  throw new Error('expected the send to be rejected, but it was accepted');
}

/** Polls (every 20 ms, at most `timeoutMs`) until `probe` returns something. */
async function waitFor<T>(probe: () => T | undefined, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Checks the 250 text and returns the session id it names. */
function acceptedSession(response: string): string {
  const m = ACCEPTED.exec(response);
  expect(m, `response ${JSON.stringify(response)}`).not.toBeNull();
  const unixTime = Number(m![1]);
  expect(Math.abs(unixTime - Date.now() / 1000)).toBeLessThan(60);
  return m![2]!;
}

describe('nodemailer → smtp listener (gmail-mx, plain)', () => {
  it('a send with an FQDN name gets Gmail’s 250 and the message is stored', async () => {
    const subject = `nodemailer plain ${Date.now()}`;
    const info = await transport({ port: bouncer.port('smtp'), secure: false, name: 'mail.example.com' }).sendMail({
      from: 'Alice <alice@example.com>',
      to: 'Bob <bob@example.org>',
      subject,
      text: 'hello from nodemailer',
    });
    const sessionId = acceptedSession(info.response);
    expect(info.accepted).toEqual(['bob@example.org']);
    expect(info.rejected).toEqual([]);

    await bouncer.settled(); // display fields are parsed just after the 250
    const page = bouncer.store.listMessages({ sessionId });
    expect(page.total).toBe(1);
    const message = bouncer.store.getMessage(page.items[0]!.id)!;
    expect(message.status).toBe('accepted');
    expect(message.subject).toBe(subject);
    expect(message.mailFrom).toBe('alice@example.com');
    expect(message.rcptTo).toEqual(['bob@example.org']);
    expect(message.from).toEqual([{ name: 'Alice', address: 'alice@example.com' }]);
    expect(message.to).toEqual([{ name: 'Bob', address: 'bob@example.org' }]);
    expect(message.text?.trim()).toBe('hello from nodemailer');
    const session = await waitFor(() => {
      const s = bouncer.store.getSession(sessionId);
      return s?.outcome !== 'open' ? s : undefined;
    });
    expect(session.heloName).toBe('mail.example.com');
    expect(session.outcome).toBe('accepted');
  });

  // The exact error nodemailer reports for a non-FQDN name (responseCode 504 and the 504 text) is
  // in known-bugs.test.ts: the server closes after the 504, nodemailer falls back to HELO on the
  // closed socket and reports ECONNECTION "Connection closed unexpectedly" instead.
  it('a send with name "localhost" is refused and the session records the 504 at EHLO', async () => {
    const err = await rejection(
      transport({ port: bouncer.port('smtp'), secure: false, name: 'localhost' }).sendMail({
        from: 'alice@example.com',
        to: 'bob@example.org',
        subject: 'never stored',
        text: 'x',
      }),
    );
    expect(err).toBeInstanceOf(Error);
    const refused = await waitFor(() =>
      bouncer.store
        .listSessions({ outcome: 'rejected', q: 'helo.non-fqdn', limit: 100 })
        .items.map((s) => bouncer.store.getSession(s.id)!)
        .find((s) => s.lines.some((l) => l.dir === 'C' && l.text === 'EHLO localhost')),
    );
    expect(refused.rejection).toEqual({ phase: 'helo', ruleId: 'helo.non-fqdn', code: 504, enhanced: '5.5.2' });
    expect(refused.lines.filter((l) => l.dir === 'S').map((l) => l.text)).toContain(
      '504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname',
    );
    expect(bouncer.store.listMessages({ subject: 'never stored' }).total).toBe(0);
  });
});

describe('nodemailer → submission listener (STARTTLS, AUTH)', () => {
  it('requireTLS + the configured user and password: accepted', async () => {
    const subject = `submission ok ${Date.now()}`;
    const info = await transport({
      port: bouncer.port('submission'),
      secure: false,
      requireTLS: true,
      name: 'mail.example.com',
      tls: { rejectUnauthorized: false },
      auth: { user: USER.username, pass: USER.password },
    }).sendMail({ from: USER.username, to: 'bob@example.org', subject, text: 'signed in' });
    const sessionId = acceptedSession(info.response);
    const session = bouncer.store.getSession(sessionId)!;
    expect(session.tls).toBe(true);
    expect(session.user).toBe(USER.username);
    expect(session.listener).toBe('submission');
    await bouncer.settled(); // display fields are parsed just after the 250
    expect(bouncer.store.listMessages({ sessionId }).items[0]!.subject).toBe(subject);
  });

  it('a wrong password: 535 5.7.8 Username and Password not accepted', async () => {
    const err = await rejection(
      transport({
        port: bouncer.port('submission'),
        secure: false,
        requireTLS: true,
        name: 'mail.example.com',
        tls: { rejectUnauthorized: false },
        auth: { user: USER.username, pass: 'wrong password' },
      }).sendMail({ from: USER.username, to: 'bob@example.org', subject: 'bad password', text: 'x' }),
    );
    expect(err.code).toBe('EAUTH');
    expect(err.responseCode).toBe(535);
    expect(err.response).toContain('5.7.8 Username and Password not accepted');
  });

  it('without STARTTLS (ignoreTLS): MAIL gets 530 5.7.0 Must issue a STARTTLS command first.', async () => {
    const err = await rejection(
      transport({ port: bouncer.port('submission'), secure: false, ignoreTLS: true, name: 'mail.example.com' }).sendMail({
        from: USER.username,
        to: 'bob@example.org',
        subject: 'no tls',
        text: 'x',
      }),
    );
    expect(err.responseCode).toBe(530);
    expect(err.command).toBe('MAIL FROM');
    expect(err.response).toMatch(/^530 5\.7\.0 Must issue a STARTTLS command first\. \S+ - gsmtp$/);
    expect(bouncer.store.listMessages({ subject: 'no tls' }).total).toBe(0);
  });
});

describe('nodemailer → smtps listener (implicit TLS)', () => {
  it('secure: true with AUTH: accepted', async () => {
    const subject = `smtps ok ${Date.now()}`;
    const info = await transport({
      port: bouncer.port('smtps'),
      secure: true,
      name: 'mail.example.com',
      tls: { rejectUnauthorized: false },
      auth: { user: USER.username, pass: USER.password },
    }).sendMail({ from: USER.username, to: 'bob@example.org', subject, text: 'implicit tls' });
    const sessionId = acceptedSession(info.response);
    const session = bouncer.store.getSession(sessionId)!;
    expect(session.listener).toBe('smtps');
    expect(session.tls).toBe(true);
    expect(session.user).toBe(USER.username);
    await bouncer.settled(); // display fields are parsed just after the 250
    expect(bouncer.store.listMessages({ sessionId }).items[0]!.subject).toBe(subject);
  });
});

describe('nodemailer: HTML with a hostile attachment name', () => {
  it('is stored, and the download is named "passwd", never a path', async () => {
    const subject = `attachment ${Date.now()}`;
    const info = await transport({ port: bouncer.port('smtp'), secure: false, name: 'mail.example.com' }).sendMail({
      from: 'alice@example.com',
      to: 'bob@example.org',
      subject,
      html: '<p>see <b>attached</b></p>',
      attachments: [{ filename: '../../etc/passwd', content: 'root:x:0:0:root:/root:/bin/bash\n', contentType: 'text/plain' }],
    });
    const sessionId = acceptedSession(info.response);
    await bouncer.settled(); // display fields are parsed just after the 250
    const summary = bouncer.store.listMessages({ sessionId }).items[0]!;
    const message = bouncer.store.getMessage(summary.id)!;
    expect(message.subject).toBe(subject);
    expect(message.html).toContain('<p>see <b>attached</b></p>');
    expect(message.attachments).toHaveLength(1);

    const res = await fetch(`${bouncer.http.url}/api/v1/messages/${summary.id}/attachments/0`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="passwd"; filename*=UTF-8''passwd`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('root:x:0:0:root:/root:/bin/bash\n');
  });
});
