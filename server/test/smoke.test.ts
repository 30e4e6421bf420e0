import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBouncer, type TestBouncer } from './support/bouncer.js';
import { RawSmtp, sessionIdOf } from './support/smtp-client.js';

let bouncer: TestBouncer;
beforeAll(async () => {
  bouncer = await startTestBouncer();
});
afterAll(async () => bouncer?.stop());

describe('smoke: a valid session on the MX listener', () => {
  it('accepts a message with 250 2.0.0 OK <unix-time> <id> - gsmtp, only after it is stored', async () => {
    const c = await RawSmtp.connect(bouncer.port('smtp'));
    const greeting = await c.reply();
    const id = sessionIdOf(greeting);
    expect(greeting.last).toBe(`220 mx.google.com ESMTP ${id} - gsmtp`);
    expect((await c.command('EHLO mail.example.com')).lines[0]).toBe('250-mx.google.com at your service, [127.0.0.1]');
    expect((await c.command('MAIL FROM:<a@example.com>')).last).toBe(`250 2.1.0 OK ${id} - gsmtp`);
    expect((await c.command('RCPT TO:<b@example.org>')).last).toBe(`250 2.1.5 OK ${id} - gsmtp`);
    expect((await c.command('DATA')).last).toBe(`354 Go ahead ${id} - gsmtp`);
    const accepted = await c.command('Subject: hi\r\nFrom: a@example.com\r\nMessage-ID: <smoke@example.com>\r\n\r\nhello\r\n.');
    expect(accepted.last).toMatch(new RegExp(`^250 2\\.0\\.0 OK \\d{10} ${id.replace('.', '\\.')} - gsmtp$`));
    // committed before the 250; its display fields (subject, bodies) are parsed just after
    expect(bouncer.store.listMessages({ sessionId: id }).total).toBe(1);
    await bouncer.settled();
    const stored = bouncer.store.listMessages({ sessionId: id });
    expect(stored.total).toBe(1);
    expect(stored.items[0]!.subject).toBe('hi');
    expect((await c.command('QUIT')).last).toBe(`221 2.0.0 closing connection ${id} - gsmtp`);
    expect(await c.waitClosed()).toBe(true);
  });
});
