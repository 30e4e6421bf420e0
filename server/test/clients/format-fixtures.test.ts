/**
 * The RFC 5322 format rules of gmail-mx, with fixture messages from server/test/fixtures/
 * sent as they are by a real client (nodemailer's `raw` option) from loopback. Each reply is
 * checked line by line, as the client reports it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBouncer, type TestBouncer } from '../support/bouncer.js';
import { buildZip } from '../support/zip.js';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));

let bouncer: TestBouncer;
beforeAll(async () => {
  bouncer = await startTestBouncer();
});
afterAll(async () => bouncer?.stop());

interface SmtpError extends Error {
  responseCode?: number;
  response?: string;
}

/** Sends raw bytes with nodemailer; resolves to the reply lines the client saw and the session id. */
async function send(raw: Buffer | string): Promise<{ lines: string[]; sessionId: string }> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: bouncer.port('smtp'), secure: false, name: 'mail.example.com', connectionTimeout: 5000, socketTimeout: 5000 });
  let response: string;
  try {
    response = (await t.sendMail({ envelope: { from: 'alice@example.com', to: ['bob@gmail.com'] }, raw })).response;
  } catch (err) {
    const e = err as SmtpError;
    if (!e.response) throw err;
    response = e.response;
  }
  const lines = response.split('\n');
  const sessionId = / (\S+) - gsmtp$/.exec(lines.at(-1)!)![1]!;
  return { lines, sessionId };
}

const ACCEPTED = /^250 2\.0\.0 OK \d{10} \S+ - gsmtp$/;

const cases: Array<[string, string, string, (id: string) => string[]]> = [
  [
    'no-message-id.eml',
    'message.no-message-id',
    'no Message-ID header',
    (id) => [
      '550-5.7.1 [127.0.0.1] Messages missing a valid Message-ID header are not',
      '550-5.7.1 accepted. For more information, go to',
      '550-5.7.1  https://support.google.com/mail/?p=RfcMessageNonCompliant and review',
      `550 5.7.1 RFC 5322 specifications. ${id} - gsmtp`,
    ],
  ],
  [
    'invalid-message-id.eml',
    'message.no-message-id',
    '"94f4e3edc9e34a098190862079df6959"',
    (id) => [
      '550-5.7.1 [127.0.0.1] Messages missing a valid Message-ID header are not',
      '550-5.7.1 accepted. For more information, go to',
      '550-5.7.1  https://support.google.com/mail/?p=RfcMessageNonCompliant and review',
      `550 5.7.1 RFC 5322 specifications. ${id} - gsmtp`,
    ],
  ],
  [
    'no-from.eml',
    'message.from-invalid',
    'no From header',
    (id) => ['550-5.7.1 Messages missing a valid address in the From: header, or having no From:', `550 5.7.1 header, are not accepted. ${id} - gsmtp`],
  ],
  [
    'from-without-address.eml',
    'message.from-invalid',
    'holds "Alice", which is not a valid address',
    (id) => ['550-5.7.1 Messages missing a valid address in the From: header, or having no From:', `550 5.7.1 header, are not accepted. ${id} - gsmtp`],
  ],
  ['from-multiple.eml', 'message.from-multiple', '2 addresses', (id) => [`550 5.7.1 Messages with multiple addresses in the From: header are not accepted. ${id} - gsmtp`]],
  [
    'duplicate-subject.eml',
    'message.duplicate-headers',
    'Subject appears 2 times',
    (id) => [
      '550-5.7.1 This message is not RFC 5322 compliant because it has duplicate headers. To',
      `550 5.7.1 reduce the amount of spam sent to Gmail, this message has been blocked. ${id} - gsmtp`,
    ],
  ],
  ['encoded-message-id.eml', 'message.encoded-word', 'Message-ID header holds an RFC 2047 encoded-word', (id) => [`550 5.7.1 Encoded-word syntax is not permitted in message header Message-ID. ${id} - gsmtp`]],
  ['loop-51-received.eml', 'message.too-many-hops', '51 Received headers', (id) => [`554 5.4.6 Message exceeded 50 hops, this may indicate an email loop. ${id} - gsmtp`]],
  ['long-subject.eml', 'message.header-limits', 'The Subject is', (id) => [`552 5.3.4 Your message exceeded Google's message header size limits. ${id} - gsmtp`]],
  [
    'exe-attachment.eml',
    'message.dangerous-attachment',
    '"setup.exe" is a .exe file',
    (id) => [
      '552-5.7.0 This message was blocked because its content presents a potential',
      '552-5.7.0 security issue. Please visit',
      '552-5.7.0  https://support.google.com/mail/?p=BlockedMessage to review our',
      `552 5.7.0 message content and attachment content guidelines. ${id} - gsmtp`,
    ],
  ],
  [
    'zip-with-vbs.eml',
    'message.dangerous-attachment',
    '"holiday.zip" contains "photos/show.vbs"',
    (id) => [
      '552-5.7.0 This message was blocked because its content presents a potential',
      '552-5.7.0 security issue. Please visit',
      '552-5.7.0  https://support.google.com/mail/?p=BlockedMessage to review our',
      `552 5.7.0 message content and attachment content guidelines. ${id} - gsmtp`,
    ],
  ],
];

describe('fixture messages sent by nodemailer (raw) to gmail-mx', () => {
  it.each(cases)('%s → %s', async (file, ruleId, why, expected) => {
    const { lines, sessionId } = await send(fixture(file));
    expect(lines).toEqual(expected(sessionId));
    const session = await waitClosed(sessionId);
    const decision = session.decisions.find((d) => d.ruleId === ruleId)!;
    expect(decision, `decisions: ${session.decisions.map((d) => d.ruleId).join(', ')}`).toBeDefined();
    expect(decision.why).toContain(why);
    expect(decision.reply!.close).toBe(false);
    const [message] = bouncer.store.listMessages({ sessionId }).items;
    expect(message).toMatchObject({ status: 'rejected', rejection: { ruleId } });
    // the rejected message is stored byte for byte
    expect(bouncer.store.getRaw(message!.id)!.equals(fixture(file))).toBe(true);
  });

  it.each(['valid.eml', 'zip-harmless.eml'])('%s → 250', async (file) => {
    const { lines } = await send(fixture(file));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(ACCEPTED);
  });

  it('501 attachments (nodemailer builds the message) → 552 5.3.4 with the count', async () => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: bouncer.port('smtp'), secure: false, name: 'mail.example.com' });
    const attachments = Array.from({ length: 501 }, (_, i) => ({ filename: `note-${i}.txt`, content: `note ${i}` }));
    const err = (await t.sendMail({ from: 'alice@example.com', to: 'bob@gmail.com', subject: 'many', text: 'x', attachments }).catch((e: unknown) => e)) as SmtpError;
    expect(err.responseCode).toBe(552);
    expect(err.response).toMatch(/^552 5\.3\.4 The number of attachments \(501\) exceeds Google's limit of 500 attachments\. \S+ - gsmtp$/);
  });

  it('an executable three archives deep is still found', async () => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: bouncer.port('smtp'), secure: false, name: 'mail.example.com' });
    const zip = buildZip([{ name: 'outer/inner.zip', content: buildZip([{ name: 'deep.zip', content: buildZip([{ name: 'tool.ps1', content: 'Write-Host 1' }]), deflate: true }]) }]);
    const err = (await t.sendMail({ from: 'alice@example.com', to: 'bob@gmail.com', subject: 'nested', text: 'x', attachments: [{ filename: 'bundle.zip', content: zip }] }).catch((e: unknown) => e)) as SmtpError;
    expect(err.responseCode).toBe(552);
    expect(err.response).toContain('552-5.7.0 This message was blocked because its content presents a potential');
  });
});

async function waitClosed(id: string) {
  const deadline = Date.now() + 3000;
  for (;;) {
    const s = bouncer.store.getSession(id);
    if (s && s.outcome !== 'open') return s;
    if (Date.now() > deadline) throw new Error(`session ${id} not closed`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
