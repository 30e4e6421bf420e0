/**
 * The EHLO extensions each listener advertises really work (SIZE, 8BITMIME, SMTPUTF8,
 * PIPELINING, XCLIENT), their parameters are checked, and nothing unimplemented is offered
 * (CHUNKING, BINARYMIME, DSN, REQUIRETLS).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBouncer, type TestBouncer } from '../support/bouncer.js';
import { acceptedPattern, expectOpen, messageBody, mxEhloLines, open, plainToken, sendMessage, startTls, storedSession, TEST_LISTENERS, type OpenSession } from './helpers.js';

let bouncer: TestBouncer;
beforeAll(async () => {
  bouncer = await startTestBouncer({ listeners: [...TEST_LISTENERS, { name: 'permissive', port: 0, profile: 'permissive', tls: 'none' }] });
});
afterAll(async () => bouncer?.stop());

async function ehlo(s: OpenSession): Promise<string[]> {
  const reply = await s.c.command('EHLO mail.example.com');
  expect(reply.code).toBe(250);
  return reply.lines;
}

describe('what each listener advertises', () => {
  it('gmail-mx on a plain listener: no STARTTLS, no AUTH', async () => {
    const s = await open(bouncer);
    expect(await ehlo(s)).toEqual(mxEhloLines());
    s.c.close();
  });

  it('permissive: its own texts, AUTH without TLS, no STARTTLS on a plain listener', async () => {
    const s = await open(bouncer, 'permissive');
    expect(s.greeting.lines).toEqual(['220 bouncer.local ESMTP Bouncer (permissive)']);
    expect(await ehlo(s)).toEqual([
      '250-bouncer.local Hello [127.0.0.1]',
      '250-SIZE 157286400',
      '250-8BITMIME',
      '250-AUTH LOGIN PLAIN',
      '250-ENHANCEDSTATUSCODES',
      '250-PIPELINING',
      '250-SMTPUTF8',
      '250 XCLIENT NAME ADDR PORT PROTO HELO LOGIN',
    ]);
    expect((await s.c.command(`AUTH PLAIN ${plainToken('x', 'y')}`)).lines).toEqual(['235 2.7.0 Authentication successful']);
    expect((await s.c.command('MAIL FROM:<a@example.com>')).lines).toEqual(['250 2.1.0 Ok']);
    expect((await s.c.command('RCPT TO:<b@example.org>')).lines).toEqual(['250 2.1.5 Ok']);
    expect((await s.c.command('DATA')).lines).toEqual(['354 End data with <CR><LF>.<CR><LF>']);
    expect((await s.c.command(messageBody())).last).toMatch(/^250 2\.0\.0 Ok: queued as [0-9a-f-]{36}$/);
    expect((await s.c.command('QUIT')).lines).toEqual(['221 2.0.0 Bye']);
    expect(await s.c.waitClosed()).toBe(true);
  });

  it.each([
    ['smtp', false],
    ['submission', false],
    ['smtps', true],
    ['permissive', false],
  ] as const)('%s never offers CHUNKING, BINARYMIME, DSN or REQUIRETLS (before or after TLS)', async (listener, implicit) => {
    const s = await open(bouncer, listener, { tls: implicit });
    const lines = [...(await ehlo(s))];
    if (listener === 'submission') lines.push(...(await startTls(s)).lines);
    for (const ext of ['CHUNKING', 'BINARYMIME', 'DSN', 'REQUIRETLS', 'XFORWARD']) {
      expect(lines.some((l) => l.slice(4).split(' ')[0] === ext)).toBe(false);
    }
    s.c.close();
  });

  it('BDAT is refused with a 502 and the session goes on', async () => {
    const s = await open(bouncer);
    await ehlo(s);
    expect((await s.c.command('BDAT 5 LAST')).code).toBe(502);
    await expectOpen(s);
    s.c.close();
  });
});

describe('MAIL parameters', () => {
  it.each([
    'BODY=8BITMIME',
    'BODY=7BIT',
    'body=8bitmime',
    'SMTPUTF8',
    'BODY=8BITMIME SMTPUTF8 SIZE=100',
  ])('MAIL FROM:<a@example.com> %s → 250', async (params) => {
    const s = await open(bouncer);
    await ehlo(s);
    expect((await s.c.command(`MAIL FROM:<a@example.com> ${params}`)).lines).toEqual([`250 2.1.0 OK ${s.id} - gsmtp`]);
    s.c.close();
  });

  it.each([
    ['BODY=BINARYMIME', 'BINARYMIME needs BDAT, which is not offered'],
    ['BODY=9BIT', 'an unknown body type'],
    ['SIZE=abc', 'a SIZE that is not a number'],
    ['SIZE', 'a SIZE without a value'],
    ['SIZE=1 SIZE=2', 'a duplicate parameter'],
    ['SMTPUTF8=yes', 'SMTPUTF8 with a value'],
    ['REQUIRETLS', 'REQUIRETLS on a plaintext session'],
  ])('MAIL FROM:<a@example.com> %s (%s) → 501 5.5.4 Invalid argument., stays open', async (params) => {
    const s = await open(bouncer);
    await ehlo(s);
    expect((await s.c.command(`MAIL FROM:<a@example.com> ${params}`)).lines).toEqual([`501 5.5.4 Invalid argument. ${s.id} - gsmtp`]);
    await expectOpen(s);
    expect((await s.c.command('MAIL FROM:<a@example.com>')).lines).toEqual([`250 2.1.0 OK ${s.id} - gsmtp`]);
    s.c.close();
  });

  it('RCPT TO with NOTIFY and no value → 501 5.5.4 Invalid argument.', async () => {
    const s = await open(bouncer);
    await ehlo(s);
    expect((await s.c.command('MAIL FROM:<a@example.com>')).code).toBe(250);
    expect((await s.c.command('RCPT TO:<b@example.org> NOTIFY')).lines).toEqual([`501 5.5.4 Invalid argument. ${s.id} - gsmtp`]);
    s.c.close();
  });
});

describe('8BITMIME and SMTPUTF8', () => {
  it('an internationalised sender and recipient with SMTPUTF8, and a UTF-8 subject, are accepted and stored', async () => {
    const s = await open(bouncer);
    await ehlo(s);
    expect((await s.c.command('MAIL FROM:<jürgen@bücher.example> SMTPUTF8 BODY=8BITMIME')).lines).toEqual([`250 2.1.0 OK ${s.id} - gsmtp`]);
    expect((await s.c.command('RCPT TO:<用户@例子.example>')).lines).toEqual([`250 2.1.5 OK ${s.id} - gsmtp`]);
    expect((await s.c.command('DATA')).code).toBe(354);
    const body = 'From: jürgen@bücher.example\r\nTo: 用户@例子.example\r\nMessage-ID: <intl-1@bücher.example>\r\nSubject: Grüße 👋\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nSchöne Grüße\r\n.';
    expect((await s.c.command(body)).last).toMatch(acceptedPattern(s.id));
    await bouncer.settled(); // display fields are parsed after the reply
    const [msg] = bouncer.store.listMessages({ sessionId: s.id }).items;
    expect(msg).toMatchObject({ status: 'accepted', mailFrom: 'jürgen@bücher.example', rcptTo: ['用户@例子.example'], subject: 'Grüße 👋' });
    expect(bouncer.store.getMessage(msg!.id)!.text).toBe('Schöne Grüße\n');
    s.c.close();
  });
});

describe('PIPELINING', () => {
  it('a whole transaction in one write, with a refused recipient in the middle, is answered in order', async () => {
    const s = await open(bouncer);
    await ehlo(s);
    s.c.write('MAIL FROM:<a@example.com>\r\nRCPT TO:<>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n');
    expect((await s.c.reply()).lines).toEqual([`250 2.1.0 OK ${s.id} - gsmtp`]);
    expect((await s.c.reply()).code).toBe(555);
    expect((await s.c.reply()).lines).toEqual([`250 2.1.5 OK ${s.id} - gsmtp`]);
    expect((await s.c.reply()).lines).toEqual([`354 Go ahead ${s.id} - gsmtp`]);
    s.c.write(`${messageBody('pipelined')}\r\nMAIL FROM:<a@example.com>\r\nRSET\r\nQUIT\r\n`);
    expect((await s.c.reply()).last).toMatch(acceptedPattern(s.id));
    expect((await s.c.reply()).lines).toEqual([`250 2.1.0 OK ${s.id} - gsmtp`]);
    expect((await s.c.reply()).lines).toEqual([`250 2.1.5 Flushed ${s.id} - gsmtp`]);
    expect((await s.c.reply()).lines).toEqual([`221 2.0.0 closing connection ${s.id} - gsmtp`]);
    expect(await s.c.waitClosed()).toBe(true);
    await bouncer.settled(); // display fields are parsed after the reply
    expect(bouncer.store.listMessages({ sessionId: s.id }).items[0]!.subject).toBe('pipelined');
  });

  it('two messages in one session are both stored', async () => {
    const s = await open(bouncer);
    await ehlo(s);
    expect((await sendMessage(s, { body: messageBody('first') })).last).toMatch(acceptedPattern(s.id));
    expect((await sendMessage(s, { body: messageBody('second') })).last).toMatch(acceptedPattern(s.id));
    s.c.close();
    const stored = await storedSession(bouncer, s.id);
    expect(stored.messageIds).toHaveLength(2);
    expect(bouncer.store.listMessages({ sessionId: s.id }).items.map((m) => m.subject).sort()).toEqual(['first', 'second']);
  });

  it('a dot-stuffed body line is unstuffed in the stored message', async () => {
    const s = await open(bouncer);
    await ehlo(s);
    const head = 'From: a@example.com\r\nMessage-ID: <dots@example.com>\r\nSubject: dots\r\n\r\n';
    const reply = await sendMessage(s, { body: `${head}..leading dot\r\n...\r\n.` });
    expect(reply.last).toMatch(acceptedPattern(s.id));
    const [msg] = bouncer.store.listMessages({ sessionId: s.id }).items;
    // the stored copy starts with the Authentication-Results header the receiver adds (RFC 8601 §5)
    const raw = bouncer.store.getRaw(msg!.id)!.toString();
    expect(raw.slice(raw.indexOf('From: '))).toBe(`${head}.leading dot\r\n..\r\n`);
    expect(raw).toMatch(/^Authentication-Results: mx\.google\.com;\r\n /);
    s.c.close();
  });
});

describe('XCLIENT (loopback only)', () => {
  it('ADDR and NAME are claimed: a new greeting, EHLO shows the address and no more XCLIENT; the store records the claim', async () => {
    const s = await open(bouncer);
    await ehlo(s);
    expect((await s.c.command('XCLIENT ADDR=198.51.100.23 NAME=client.example.net PORT=4567')).lines).toEqual([`220 mx.google.com ESMTP ${s.id} - gsmtp`]);
    expect(await ehlo(s)).toEqual(mxEhloLines('198.51.100.23').slice(0, -2).concat(['250 SMTPUTF8']));
    // a second claim is refused
    expect((await s.c.command('XCLIENT ADDR=198.51.100.24')).lines).toEqual([`550 5.7.0 XCLIENT is only allowed from loopback. ${s.id} - gsmtp`]);
    await expectOpen(s);
    s.c.close();
    const stored = await storedSession(bouncer, s.id);
    expect(stored.clientAddress).toBe('127.0.0.1');
    expect(stored.claimedAddress).toBe('198.51.100.23');
    expect(stored.claimedName).toBe('client.example.net');
  });

  it('XCLIENT resets the EHLO: MAIL right after it → 503 EHLO/HELO first.', async () => {
    const s = await open(bouncer);
    await ehlo(s);
    expect((await s.c.command('XCLIENT ADDR=198.51.100.23')).code).toBe(220);
    expect((await s.c.command('MAIL FROM:<a@example.com>')).lines).toEqual([`503 5.5.1 EHLO/HELO first. ${s.id} - gsmtp`]);
    s.c.close();
  });

  it.each(['XCLIENT', 'XCLIENT FOO=1', 'XCLIENT ADDR=999.1.1.1', 'XCLIENT NAME=bad_name!', 'XCLIENT ADDR'])('%s → 501 5.5.4 Invalid XCLIENT argument.', async (line) => {
    const s = await open(bouncer);
    expect((await s.c.command(line)).lines).toEqual([`501 5.5.4 Invalid XCLIENT argument. ${s.id} - gsmtp`]);
    await expectOpen(s);
    s.c.close();
  });

  it('XCLIENT inside a transaction → 503 5.5.1 Bad sequence of commands.', async () => {
    const s = await open(bouncer);
    await ehlo(s);
    expect((await s.c.command('MAIL FROM:<a@example.com>')).code).toBe(250);
    expect((await s.c.command('XCLIENT ADDR=198.51.100.23')).lines).toEqual([`503 5.5.1 Bad sequence of commands. ${s.id} - gsmtp`]);
    s.c.close();
  });

  it('with smtp.xclientFrom: [] XCLIENT is neither offered nor allowed', async () => {
    const b = await startTestBouncer({ smtp: { xclientFrom: [] } });
    try {
      const s = await open(b);
      expect(await ehlo(s)).toEqual([...mxEhloLines().slice(0, -2), '250 SMTPUTF8']);
      expect((await s.c.command('XCLIENT ADDR=198.51.100.23')).lines).toEqual([`550 5.7.0 XCLIENT is only allowed from loopback. ${s.id} - gsmtp`]);
      await expectOpen(s);
      s.c.close();
    } finally {
      await b.stop();
    }
  });
});
