/**
 * The reply a client library reports is the reply Bouncer gave: nodemailer, smtplib and curl
 * answer a refused EHLO with a HELO fallback (RFC 5321 §3.2), so a closing EHLO rejection waits
 * briefly for it (connection.ts, judgeHelo) instead of leaving them "connection closed".
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBouncer, type TestBouncer } from '../support/bouncer.js';

interface SmtpError extends Error {
  code?: string;
  response?: string;
  responseCode?: number;
}

let bouncer: TestBouncer;
beforeAll(async () => {
  bouncer = await startTestBouncer();
});
afterAll(async () => bouncer?.stop());

async function sendError(name: string | undefined): Promise<SmtpError> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: bouncer.port('smtp'), secure: false, ...(name ? { name } : {}), connectionTimeout: 5000, socketTimeout: 5000 });
  try {
    await t.sendMail({ from: 'a@example.com', to: 'b@example.org', subject: 'x', text: 'y' });
  } catch (err) {
    return err as SmtpError;
  }
  throw new Error('accepted');
}

describe('the 504 for a non-FQDN EHLO name reaches the client library', () => {
  it("nodemailer name: 'localhost' → responseCode 504 and the 504 text", async () => {
    const err = await sendError('localhost');
    expect(err.responseCode).toBe(504);
    expect(err.response).toBe('504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname');
  });

  it('nodemailer default name ([127.0.0.1] when the host name has no dot) → responseCode 504', async () => {
    const host = os.hostname();
    const expectedName = host.includes('.') ? host : '[127.0.0.1]';
    const err = await sendError(undefined);
    expect(err.responseCode).toBe(504);
    expect(err.response).toBe(`504 5.5.2 <${expectedName}>: Helo command rejected: need fully-qualified hostname`);
  });

  it("smtplib local_hostname='localhost' → SMTPHeloError/SMTPServerDisconnected whose text contains 504", async () => {
    const script = [
      'import smtplib, sys',
      'try:',
      "    smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='localhost', timeout=10).sendmail('a@example.com', ['b@example.org'], 'Subject: x\\r\\n\\r\\ny\\r\\n')",
      "    print('SENT')",
      'except (smtplib.SMTPHeloError, smtplib.SMTPServerDisconnected) as e:',
      "    print('RAISED', type(e).__name__, e)",
    ].join('\n');
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('python3', ['-c', script, String(bouncer.port('smtp'))]);
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('error', reject);
      child.once('close', () => {
        clearTimeout(timer);
        resolve(text);
      });
    });
    expect(out.trim()).toBe("RAISED SMTPHeloError (504, b'5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname')");
  });
});

