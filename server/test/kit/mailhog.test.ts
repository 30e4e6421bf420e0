/**
 * The MailHog-compatible API, used through the real `mailhog` npm client (blueimp/mailhog-node)
 * as an existing suite would: only the URL changes.
 */
import mailhog from 'mailhog';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalHeaderKey, mimeOf, parseEntity } from '../../src/http/mailhog.js';
import { startBouncer, type RunningBouncer } from '../../src/testing/start.js';
import { send } from './helpers.js';

let b: RunningBouncer;
let api: ReturnType<typeof mailhog>;

beforeAll(async () => {
  b = await startBouncer({ profile: 'permissive' });
  const url = new URL(b.url);
  api = mailhog({ host: url.hostname, port: Number(url.port) });
});
afterAll(async () => b?.stop());

async function sendRich(): Promise<void> {
  const transport = nodemailer.createTransport({ host: b.smtp.host, port: b.smtp.port, ignoreTLS: true, name: 'app.example.com' });
  try {
    await transport.sendMail({
      from: 'Shop <shop@example.org>',
      to: 'Ada <ada@example.com>',
      cc: 'audit@example.com',
      subject: 'Your order #42',
      text: 'Thanks for your order. Ünïcödé text.',
      html: '<p>Thanks for your <b>order</b>.</p>',
    });
    await transport.sendMail({
      from: 'shop@example.org',
      to: 'bob@example.com',
      subject: 'Invoice',
      text: 'Invoice attached.',
      attachments: [{ filename: 'invoice.txt', content: 'total: 42' }],
    });
  } finally {
    transport.close();
  }
}

describe('the mailhog npm client against Bouncer', () => {
  beforeAll(async () => {
    await sendRich();
    // a rejected message is stored by Bouncer but MailHog never lists one
    await b.client.scenario({ match: { rcpt: 'rejected@*' }, action: { phase: 'message', reply: { code: 550, enhanced: '5.7.1', text: 'no' } } });
    expect((await send(b.smtp, { to: 'rejected@example.com' })).ok).toBe(false);
  });

  it('lists accepted messages newest first with decoded text, html and headers', async () => {
    const result = await api.messages();
    expect(result).toMatchObject({ total: 2, count: 2, start: 0 });
    const [invoice, order] = result!.items;
    expect(invoice!.subject).toBe('Invoice');
    expect(order!.subject).toBe('Your order #42');
    expect(order!.from).toBe('Shop <shop@example.org>');
    expect(order!.to).toBe('Ada <ada@example.com>');
    expect(order!.cc).toBe('audit@example.com');
    expect(order!.text).toBe('Thanks for your order. Ünïcödé text.');
    expect(order!.html).toBe('<p>Thanks for your <b>order</b>.</p>');
    expect(order!.date).toBeInstanceOf(Date);
    expect(order!.deliveryDate.getTime()).toBeGreaterThan(0);
    expect(order!.ID).toBe((await b.client.messages({ subject: 'order' })).items[0]!.id);
  });

  it('finds attachments in MIME parts', async () => {
    const invoice = await api.latestTo('bob@example.com');
    expect(invoice && invoice.text).toBe('Invoice attached.');
    const attachments = invoice ? invoice.attachments : [];
    expect(attachments.map((a) => [a.name, a.type])).toEqual([['invoice.txt', 'text/plain; name=invoice.txt']]);
    expect(api.decode(attachments[0]!.Body, attachments[0]!.encoding)).toBe('total: 42');
  });

  it('searches by sender, recipient and text, with start and limit', async () => {
    expect((await api.search('shop@example.org', 'from'))!.total).toBe(2);
    expect((await api.search('audit@', 'to'))!.items.map((m) => m.subject)).toEqual(['Your order #42']);
    expect((await api.latestContaining('invoice attached'))!.subject).toBe('Invoice');
    expect((await api.latestFrom('nobody@nowhere')) as unknown).toBe(0);
    const second = await api.messages(1, 1);
    expect(second).toMatchObject({ total: 2, count: 1, start: 1 });
    expect(second!.items[0]!.subject).toBe('Your order #42');
  });

  it('has MailHog’s raw envelope fields', async () => {
    const res = await fetch(`${b.url}/api/v2/messages?limit=1`);
    const body = (await res.json()) as { items: Array<Record<string, any>> };
    const m = body.items[0]!;
    expect(m.Raw).toMatchObject({ From: 'shop@example.org', To: ['bob@example.com'], Helo: 'app.example.com' });
    expect(m.Raw.Data).toContain('Subject: Invoice\r\n');
    expect(m.From).toEqual({ Relays: null, Mailbox: 'shop', Domain: 'example.org', Params: '' });
    expect(m.To).toEqual([{ Relays: null, Mailbox: 'bob', Domain: 'example.com', Params: '' }]);
    expect(m.Content.Headers.Subject).toEqual(['Invoice']);
    expect(m.Content.Headers['Message-Id']).toHaveLength(1);
    expect(m.MIME.Parts).toHaveLength(2);
    expect(m.Created).toBe(new Date((await b.client.message(m.ID)).receivedAt).toISOString());
  });

  it('refuses bad parameters', async () => {
    const res = await fetch(`${b.url}/api/v2/search?kind=subject&query=x&limit=0`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe(
      'invalid query: kind: Invalid option: expected one of "from"|"to"|"containing"; limit: must be a positive integer',
    );
  });

  it('deletes one message, then all, through MailHog’s v1 paths', async () => {
    const before = await api.messages();
    await api.deleteMessage(before!.items[0]!.ID);
    expect((await api.messages())!.total).toBe(1);
    await api.deleteAll();
    expect((await api.messages())!.total).toBe(0);
  });
});

describe('MailHog entity parsing', () => {
  it('canonicalizes header names like Go', () => {
    expect(['content-type', 'MESSAGE-ID', 'x-bouncer-tag', 'dkim-signature'].map(canonicalHeaderKey)).toEqual([
      'Content-Type',
      'Message-Id',
      'X-Bouncer-Tag',
      'Dkim-Signature',
    ]);
  });

  it('unfolds headers, keeps repeated ones and splits the body at the first empty line', () => {
    expect(parseEntity('Received: a\r\n b\r\nreceived: c\r\nSubject: x\r\n\r\nbody\r\n\r\nmore')).toEqual({
      headers: { Received: ['a b', 'c'], Subject: ['x'] },
      body: 'body\r\n\r\nmore',
    });
  });

  it('splits nested multiparts, stops at the closing delimiter and at a depth limit', () => {
    const inner = 'Content-Type: multipart/alternative; boundary=in\r\n\r\n--in\r\nContent-Type: text/plain\r\n\r\nplain\r\n--in--\r\n';
    const body = `preamble\r\n--out\r\n${inner}--out\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n--out--\r\nepilogue`;
    const mime = mimeOf({ 'Content-Type': ['multipart/mixed; boundary="out"'] }, body)!;
    expect(mime.Parts.map((p) => p.Headers['Content-Type']![0])).toEqual(['multipart/alternative; boundary=in', 'text/html']);
    expect(mime.Parts[0]!.MIME!.Parts[0]!.Body).toBe('plain');
    expect(mime.Parts[1]!.Body).toBe('<p>x</p>');
    expect(mimeOf({ 'Content-Type': ['text/plain'] }, 'x')).toBeNull();
    expect(mimeOf({ 'Content-Type': ['multipart/mixed; boundary=b'] }, '--b\r\n\r\nx\r\n--b--', 8)).toBeNull();
  });
});
