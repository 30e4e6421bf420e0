/**
 * Fuzzing the command parser and the DATA path with a seeded PRNG (FUZZ_SEED=<n> to try
 * another seed; a failure prints the seed and the input): 100,000 random and mutated command
 * lines and 500 mutated MIME messages (truncated boundaries, bad encodings and charsets,
 * deep nesting, a 10 MB single-line header). The server never crashes (it runs in this
 * process: a crash fails the file), answers every line, never fails internally (no 451 4.3.0,
 * nothing logged as an error, no smtp-server reply without a profile mapping), and the next
 * valid session gets its 250.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBouncer } from '../../src/main.js';
import { TEST_LISTENERS, uniqueMessageId } from '../dialog/helpers.js';
import type { TestBouncer } from '../support/bouncer.js';
import { prng } from '../support/prng.js';
import { RawSmtp, sessionIdOf, type SmtpReply } from '../support/smtp-client.js';

const SEED = Number(process.env.FUZZ_SEED ?? 60606);
const COMMAND_LINES = 100_000;
const MESSAGES = 500;
const WORKERS = 48;

// ---- helpers over the seeded PRNG ---------------------------------------------------------------
type Rnd = () => number;
const int = (r: Rnd, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rnd, xs: readonly T[]): T => xs[int(r, xs.length)]!;

// ---- command lines ------------------------------------------------------------------------------

const VERBS = ['EHLO', 'HELO', 'MAIL', 'RCPT', 'DATA', 'RSET', 'NOOP', 'QUIT', 'VRFY', 'EXPN', 'HELP', 'AUTH', 'STARTTLS', 'XCLIENT', 'BDAT', 'ETRN', 'TURN', 'LHLO', 'WIZ', 'SHELL', 'KILL', 'XFORWARD', 'SEND', 'SAML', 'SOML', 'VERB', 'ATRN'];
const COMMON = ['EHLO', 'HELO', 'MAIL', 'RCPT', 'DATA', 'RSET', 'NOOP', 'AUTH', 'XCLIENT', 'VRFY', 'STARTTLS'];
const NAMES = ['mail.example.com', 'localhost', '[127.0.0.1]', '[IPv6:::1]', '', 'a.b', 'ex ample.com', '-bad-.com', '192.0.2.1', 'xn--bcher-kva.example', 'bücher.example', '[300.1.2.3]', 'x'.repeat(300), '.', 'foo..bar.com'];
const ADDRS = ['a@example.com', '', 'b@example.org', '"quoted local"@example.com', 'jürgen@bücher.example', 'no-at-sign', '@example.com', 'a@', 'a@[127.0.0.1]', 'a@b@c', `${'l'.repeat(70)}@example.com`, 'postmaster'];
const PARAMS = ['SIZE=1000', 'SIZE=999999999999', 'SIZE=-1', 'SIZE=abc', 'BODY=8BITMIME', 'BODY=BINARYMIME', 'SMTPUTF8', 'RET=FULL', 'ENVID=x', 'AUTH=<>', 'NOTIFY=NEVER', 'ORCPT=rfc822;a@b', 'FOO', '=', 'X=Y=Z'];
const AUTH_ARGS = ['PLAIN', 'PLAIN AGFsaWNlAHNlY3JldA==', 'PLAIN !!!notbase64', 'LOGIN', 'LOGIN YWxpY2U=', 'CRAM-MD5', 'XOAUTH2 dXNlcj1hAWF1dGg9QmVhcmVyIHQBAQ==', 'FOO', ''];
const XCLIENT_ARGS = ['ADDR=203.0.113.7', 'ADDR=garbage', 'NAME=client.example.net', 'NAME=[UNAVAILABLE]', 'HELO=x', 'PROTO=ESMTP', 'LOGIN=u', 'PORT=25', 'ADDR=IPV6:2001:db8::1', ''];
const JUNK = ['\x00', '\xff', '\t', '\x1b[2J', 'é', '👋', '\r', ' ', ':', '<', '>', '"', '\\', '%', '\x7f', '='];

function baseLine(r: Rnd): string {
  const roll = r();
  // the verbs with the most behind them most of the time; every other one, and nonsense, too
  const verb = roll < 0.7 ? pick(r, COMMON) : roll < 0.92 ? pick(r, VERBS) : Array.from({ length: 1 + int(r, 8) }, () => String.fromCharCode(33 + int(r, 94))).join('');
  switch (verb) {
    case 'EHLO':
    case 'HELO':
    case 'LHLO':
      return `${verb} ${pick(r, NAMES)}`;
    case 'MAIL':
      return `MAIL ${pick(r, ['FROM:', 'FROM: ', 'from:', 'TO:', 'FROM'])}${r() < 0.8 ? `<${pick(r, ADDRS)}>` : pick(r, ADDRS)}${Array.from({ length: int(r, 3) }, () => ` ${pick(r, PARAMS)}`).join('')}`;
    case 'RCPT':
      return `RCPT ${pick(r, ['TO:', 'TO: ', 'to:', 'FROM:', 'TO'])}${r() < 0.8 ? `<${pick(r, ADDRS)}>` : pick(r, ADDRS)}${Array.from({ length: int(r, 2) }, () => ` ${pick(r, PARAMS)}`).join('')}`;
    case 'AUTH':
      return `AUTH ${pick(r, AUTH_ARGS)}`;
    case 'XCLIENT':
      return `XCLIENT ${Array.from({ length: 1 + int(r, 3) }, () => pick(r, XCLIENT_ARGS)).join(' ')}`;
    case 'VRFY':
    case 'EXPN':
      return `${verb} ${pick(r, ADDRS)}`;
    case 'BDAT':
      return `BDAT ${pick(r, ['10', '0 LAST', 'x', ''])}`;
    default:
      return r() < 0.7 ? verb : `${verb} ${pick(r, [...NAMES, ...ADDRS, ...PARAMS])}`;
  }
}

function mutate(r: Rnd, line: string): string {
  let s = line;
  // mostly the arguments: a broken verb is just "unrecognized", a broken argument goes deeper
  const argsFrom = r() < 0.7 ? Math.max(0, s.indexOf(' ') + 1) : 0;
  for (let n = 1 + int(r, 3); n > 0; n--) {
    const at = Math.min(s.length, argsFrom + int(r, Math.max(1, s.length - argsFrom + 1)));
    const op = r();
    if (op < 0.35) s = s.slice(0, at) + pick(r, JUNK) + s.slice(at);
    else if (op < 0.55) s = s.slice(0, at) + s.slice(at + 1 + int(r, 4));
    else if (op < 0.65) s = s.slice(0, at);
    else if (op < 0.75) s = s.toLowerCase();
    else if (op < 0.85) s = s + s.slice(0, int(r, s.length + 1));
    else if (op < 0.95) s = s.slice(0, at) + String.fromCharCode(int(r, 256)) + s.slice(at);
    else s = s + 'A'.repeat(pick(r, [100, 1000, 4090, 5000]));
  }
  // one command per line: a line feed would make it two (a lone CR stays, as junk)
  return s.replace(/\n/g, '');
}

function commandLine(r: Rnd): string {
  if (r() < 0.002) return pick(r, ['GET / HTTP/1.1', 'POST /api HTTP/1.0']);
  const line = baseLine(r);
  return r() < 0.5 ? mutate(r, line) : line;
}

// ---- MIME messages ------------------------------------------------------------------------------

function multipart(r: Rnd, depth: number): string {
  const b = `b${depth}_${int(r, 1e6)}`;
  const parts = [
    `Content-Type: text/plain; charset=${pick(r, ['utf-8', 'iso-8859-1', 'no-such-charset', 'utf-7', '"'])}\r\nContent-Transfer-Encoding: ${pick(r, ['quoted-printable', '7bit', '8bit', 'base64', 'x-uuencode', 'bogus'])}\r\n\r\nh=C3=A9llo =ZZ=\r\n`,
    `Content-Type: application/octet-stream; name="${pick(r, ['a.pdf', '../../etc/passwd', '=?utf-8?B?w6k=?=', ''])}"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment\r\n\r\n${pick(r, ['SGVsbG8=', '!!!!not base64$$$$', 'SGVsbG8'])}\r\n`,
  ];
  const inner = depth > 0 ? `Content-Type: multipart/${pick(r, ['mixed', 'alternative', 'related'])}; boundary="${`b${depth - 1}_x`}"\r\n\r\n${multipart(r, depth - 1)}` : pick(r, parts);
  return `--${b}\r\n${pick(r, parts)}--${b}\r\n${inner}\r\n--${b}--\r\n`.replace(new RegExp(`b${depth}_\\d+`, 'g'), `b${depth}_x`);
}

function mimeMessage(r: Rnd, i: number): string {
  const headers = [
    `From: ${pick(r, ['Alice <alice@example.com>', '=?utf-8?B?w6k=?= <a@example.com>', 'broken <<a@', '', '"unterminated <a@example.com>'])}`,
    `To: ${pick(r, ['bob@example.org', 'undisclosed-recipients:;', '=?bogus?Q?x?= <b@example.org>'])}`,
    `Subject: fuzz ${i} ${pick(r, ['=?utf-8?Q?caf=C3=A9?=', '=?utf-8?B?!!!?=', 'plain', '\x01\x02'])}`,
    `Date: ${pick(r, ['Mon, 01 Jan 2024 00:00:00 +0000', 'yesterday', ''])}`,
    'MIME-Version: 1.0',
  ];
  const depth = pick(r, [0, 1, 3, 20, 120]);
  const body = `Content-Type: multipart/mixed; boundary="b${depth}_x"\r\n\r\n${multipart(r, depth)}`;
  let text = `${headers.join('\r\n')}\r\n${body}`;
  // mutations: truncated boundaries and bodies, corrupted bytes, duplicated or dropped parts
  for (let n = int(r, 4); n > 0; n--) {
    const at = int(r, text.length + 1);
    const op = r();
    if (op < 0.3) text = text.slice(0, at);
    else if (op < 0.5) text = text.replace(/--b\d+_x/, (m) => m.slice(0, int(r, m.length)));
    else if (op < 0.7) text = text.slice(0, at) + pick(r, ['\x00', '\xff\xfe', '=\r\n', '--', '\r\n\r\n', 'Content-Type: multipart/mixed; boundary=""\r\n']) + text.slice(at);
    else if (op < 0.85) text = text.slice(0, at) + text.slice(at + int(r, 200));
    else text = text + text.slice(0, int(r, 2000));
  }
  return text;
}

/** CRLF line ends and dot-stuffing (RFC 5321 §4.5.2), then the end-of-data line. */
function dataFor(text: string): string {
  const crlf = text.replace(/\r?\n/g, '\r\n').replace(/\r(?!\n)/g, '\r\n');
  const stuffed = crlf.replace(/(^|\r\n)\./g, '$1..');
  return `${stuffed}${stuffed.endsWith('\r\n') || stuffed === '' ? '' : '\r\n'}.`;
}

// ---- the server, with its logs kept -----------------------------------------------------------

const logs: Array<{ level: number; msg: string }> = [];
let bouncer: TestBouncer;
beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        const entry = JSON.parse(line) as { level: number; msg: string; session?: string; transcript?: string[] };
        // what led to it, while the session is still live
        if (entry.session) entry.transcript = bouncer?.live.get(entry.session)?.lines.slice(-6).map((l) => `${l.dir}: ${l.text.slice(0, 120)}`);
        logs.push(entry);
      }
      done();
    },
  });
  const started = await startBouncer(
    { host: '127.0.0.1', listeners: TEST_LISTENERS, http: { port: 0 }, store: { kind: 'memory', retention: { sessions: 2000, messages: 2000 } }, smtp: { maxConnections: 1000 } },
    { log: pino({ level: 'warn' }, sink) },
  );
  bouncer = Object.assign(started, { port: (name: string) => started.listeners.find((l) => l.name === name)!.port });
});
afterAll(async () => bouncer?.stop());

interface Failure {
  input: string;
  problem: string;
}

/** Replies after which gmail-mx and gmail-submission close the connection (close: true in the profiles). */
const CLOSING = /^(221|421) |closing connection|goodbye|Helo command rejected/m;

/** Sends lines one at a time and checks that each is answered. */
async function commandWorker(r: Rnd, count: number, failures: Failure[], stats: Map<string, number>): Promise<void> {
  let c: RawSmtp | undefined;
  let lastReply: SmtpReply | undefined;
  let lastVerb = '';
  const reconnect = async () => {
    c?.close();
    c = await RawSmtp.connect(bouncer.port(r() < 0.8 ? 'smtp' : 'submission'));
    lastReply = await c.reply(5000);
    lastVerb = '';
  };
  await reconnect();
  for (let i = 0; i < count; i++) {
    if (failures.length > 20) return;
    const line = commandLine(r);
    const verb = (line.split(' ', 1)[0] ?? '').toUpperCase();
    c!.write(`${line}\r\n`);
    let reply: SmtpReply;
    try {
      reply = await c!.reply(5000);
    } catch (err) {
      failures.push({ input: line, problem: `${(err as Error).message} (previous: ${lastVerb} → ${lastReply?.last})` });
      await reconnect();
      continue;
    }
    const key = `${reply.code}${reply.last.slice(3, 10).match(/ \d\.\d\.\d/)?.[0] ?? ''}`;
    stats.set(key, (stats.get(key) ?? 0) + 1);
    if (/^451 4\.3\.0/.test(reply.last)) failures.push({ input: line, problem: `internal error: ${reply.last}` });
    lastReply = reply;
    lastVerb = verb;
    if (reply.code === 354) {
      // DATA was accepted: a short body, which must be answered too
      c!.write('Subject: fuzz\r\n\r\nbody\r\n.\r\n');
      try {
        const end = await c!.reply(5000);
        if (/^451 4\.3\.0/.test(end.last)) failures.push({ input: line, problem: `internal error after DATA: ${end.last}` });
      } catch (err) {
        failures.push({ input: `${line} + body`, problem: (err as Error).message });
      }
    } else if (reply.code === 334) {
      c!.write('*\r\n'); // cancel the AUTH exchange (RFC 4954 §4)
      try {
        await c!.reply(5000);
      } catch (err) {
        failures.push({ input: `${line} + *`, problem: (err as Error).message });
      }
    } else if (reply.code === 220 && verb === 'STARTTLS') {
      await reconnect(); // a TLS handshake is next; not this test's business
      continue;
    }
    if (CLOSING.test(reply.lines.join('\n'))) {
      // a reply that ends the session: the server must close (a closing EHLO rejection after
      // its HELO fallback wait of 500 ms, so that is checked for one in ten only)
      const fallbackWait = /^5\d\d/.test(reply.last) && (verb === 'EHLO' || verb === 'HELO');
      if ((!fallbackWait || r() < 0.1) && !(await c!.waitClosed(2000))) failures.push({ input: line, problem: `not closed after ${reply.last}` });
      await reconnect();
    } else if (c!.closed) await reconnect();
  }
  c?.close();
}

/** A valid session delivers a message. */
async function validSession(): Promise<void> {
  const c = await RawSmtp.connect(bouncer.port('smtp'));
  const id = sessionIdOf(await c.reply());
  expect((await c.command('EHLO mail.example.com')).code).toBe(250);
  expect((await c.command('MAIL FROM:<a@example.com>')).code).toBe(250);
  expect((await c.command('RCPT TO:<b@example.org>')).code).toBe(250);
  expect((await c.command('DATA')).code).toBe(354);
  expect((await c.command(`From: a@example.com\r\nTo: b@example.org\r\nSubject: valid\r\nMessage-ID: ${uniqueMessageId()}\r\nDate: Mon, 01 Jan 2024 00:00:00 +0000\r\n\r\nhello\r\n.`)).last).toMatch(
    new RegExp(`^250 2\\.0\\.0 OK \\d{10} ${id.replace('.', '\\.')} - gsmtp$`),
  );
  c.close();
}

describe(`fuzz (seed ${SEED})`, () => {
  it(`${COMMAND_LINES.toLocaleString('en')} random and mutated command lines: each answered, nothing fails inside`, async () => {
    const failures: Failure[] = [];
    const stats = new Map<string, number>();
    const started = Date.now();
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => commandWorker(prng(SEED * 1000 + w), COMMAND_LINES / WORKERS, failures, stats)));
    const elapsed = Date.now() - started;
    expect(failures, `seed ${SEED}: ${JSON.stringify(failures.slice(0, 5))}`).toEqual([]);
    expect([...stats.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(COMMAND_LINES * 0.95);
    expect(logs.filter((l) => l.level >= 50 || /without a profile mapping/.test(l.msg))).toEqual([]);
    await validSession();
    console.info(`fuzz: ${COMMAND_LINES} command lines in ${elapsed} ms; replies ${JSON.stringify(Object.fromEntries([...stats].sort((a, b) => b[1] - a[1]).slice(0, 12)))}`);
  }, 120_000);

  it(`${MESSAGES} mutated MIME messages, and a 10 MB single-line header: each answered, the next session gets 250`, async () => {
    const r = prng(SEED + 1);
    const failures: Failure[] = [];
    const replies = new Map<string, number>();
    const bodies = Array.from({ length: MESSAGES }, (_, i) => mimeMessage(r, i));
    // the 10 MB single-line header (twice: once alone, once in a multipart message)
    bodies[7] = `Subject: big\r\nX-Long: ${'h'.repeat(10 * 1024 * 1024)}\r\n\r\nbody\r\n`;
    bodies[300] = `X-Long: ${'q'.repeat(10 * 1024 * 1024)}\r\n${bodies[300]}`;
    const queue = bodies.map((text, i) => ({ text, i }));
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        let c: RawSmtp | undefined;
        while (queue.length) {
          const { text, i } = queue.shift()!;
          try {
            if (!c || c.closed) {
              c = await RawSmtp.connect(bouncer.port('smtp'));
              await c.reply();
              if ((await c.command('EHLO mail.example.com')).code !== 250) throw new Error('EHLO refused');
            }
            if ((await c.command('MAIL FROM:<a@example.com>')).code !== 250) throw new Error('MAIL refused');
            if ((await c.command('RCPT TO:<b@example.org>')).code !== 250) throw new Error('RCPT refused');
            if ((await c.command('DATA')).code !== 354) throw new Error('DATA refused');
            const reply = await c.command(dataFor(text), 30_000);
            const key = reply.last.slice(0, 9);
            replies.set(key, (replies.get(key) ?? 0) + 1);
            if (reply.code !== 250 && !/^5\d\d 5\./.test(reply.last)) failures.push({ input: `message ${i}`, problem: reply.last });
          } catch (err) {
            failures.push({ input: `message ${i}: ${JSON.stringify(text.slice(0, 200))}`, problem: (err as Error).message });
            c?.close();
            c = undefined;
          }
        }
        c?.close();
      }),
    );
    expect(failures, `seed ${SEED}: ${JSON.stringify(failures.slice(0, 5))}`).toEqual([]);
    expect([...replies.values()].reduce((a, b) => a + b, 0)).toBe(MESSAGES);
    // the header over mailparser's limit makes the message malformed: 554 5.6.0
    expect(replies.get('554 5.6.0')).toBeGreaterThanOrEqual(2);
    expect(logs.filter((l) => l.level >= 50 || /without a profile mapping/.test(l.msg)), JSON.stringify(logs.slice(0, 3))).toEqual([]);
    await bouncer.settled();
    await validSession();
    console.info(`fuzz: ${MESSAGES} messages in ${Date.now() - started} ms; replies ${JSON.stringify(Object.fromEntries(replies))}`);
  }, 120_000);
});
