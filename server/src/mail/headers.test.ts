/**
 * The SMTP path reads headers with parseHeaders() instead of mailparser; rules must see the
 * same headers either way. Checked on hand-written messages and on seeded mutations of them.
 */
import { describe, expect, it } from 'vitest';
import { HEAD_TOO_LARGE, headerEnd, parseForRules, parseHeaders } from './headers.js';
import { parseMessage } from './parse.js';
import { prng } from '../../test/support/prng.js';

const CORPUS: Array<[string, string]> = [
  ['simple', 'From: a@example.com\r\nTo: b@example.org\r\nSubject: hi\r\n\r\nbody\r\n'],
  ['folded', 'Subject: a long\r\n  folded subject\r\n\tand a tab\r\nX-Y: z\r\n\r\nbody'],
  ['bare LF', 'Subject: lf\nFrom: a@b.c\n\nbody\n'],
  ['no body', 'Subject: only headers\r\nFrom: x@y.z\r\n'],
  ['no separator, no colon', 'just some text without headers\r\n'],
  ['empty first line', '\r\nbody without headers\r\n'],
  ['mbox From line', 'From sender@example.com Mon Jan  1 00:00:00 2024\r\nSubject: mbox\r\n\r\nx'],
  ['POST line', 'POST /x HTTP/1.1\r\nHost: y\r\n\r\n'],
  ['folded first line', ' leading space\r\nSubject: s\r\n\r\n'],
  ['colon only in continuation', 'NoColonHere\r\n x: y\r\nSubject: s\r\n\r\n'],
  ['duplicate headers', 'Received: a\r\nReceived: b\r\nDKIM-Signature: v=1; a=rsa-sha256;\r\n d=example.com; s=sel;\r\n\r\nbody'],
  ['8-bit values', 'Subject: Grüße 👋\r\nFrom: jürgen@bücher.example\r\n\r\nSchöne Grüße'],
  ['encoded words', 'Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n\r\n'],
  ['empty value', 'Subject:\r\nX-Empty:   \r\n\r\n'],
  ['multipart', 'Content-Type: multipart/mixed; boundary=b\r\nSubject: mp\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n'],
  ['empty', ''],
  ['CR only line ends', 'Subject: cr\rFrom: a\r\r\nbody'],
  ['trailing blank lines', 'Subject: t\r\n\r\n\r\n\r\n'],
];

const PIECES = ['\r\n', '\n', '\r', ' ', '\t', ':', 'Subject: x', '\r\n ', '\r\n\r\n', '\x00', '\xff', 'From ', '--b'];

function mutate(text: string, rnd: () => number): string {
  let s = text;
  const n = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rnd() * (s.length + 1));
    const op = rnd();
    if (op < 0.4) s = s.slice(0, at) + PIECES[Math.floor(rnd() * PIECES.length)] + s.slice(at);
    else if (op < 0.7) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 5));
    else s = s.slice(0, at);
  }
  return s;
}

describe('parseHeaders matches mailparser', () => {
  it.each(CORPUS)('%s', async (_label, text) => {
    const raw = Buffer.from(text, 'utf8');
    expect(parseHeaders(raw).headers).toEqual((await parseMessage(raw)).headers);
  });

  it('on 400 seeded mutations of the corpus', async () => {
    const rnd = prng(6);
    const differences: string[] = [];
    for (let i = 0; i < 400; i++) {
      const [, base] = CORPUS[i % CORPUS.length]!;
      const text = mutate(base, rnd);
      const raw = Buffer.from(text, 'latin1');
      const expected = (await parseMessage(raw)).headers;
      const actual = parseHeaders(raw).headers;
      if (JSON.stringify(actual) !== JSON.stringify(expected)) differences.push(JSON.stringify(text));
    }
    expect(differences).toEqual([]);
  });
});

describe('parseHeaders', () => {
  it('finds the end of the header block at the first empty line', () => {
    expect(headerEnd(Buffer.from('A: b\r\n\r\nbody'))).toBe(6);
    expect(headerEnd(Buffer.from('A: b\n\nbody'))).toBe(5);
    expect(headerEnd(Buffer.from('A: b\r\n'))).toBe(6);
    expect(headerEnd(Buffer.from('\r\nbody'))).toBe(0);
  });

  it('a header block over 1 MiB is the same parse error mailparser reports', async () => {
    const raw = Buffer.from(`Subject: ${'x'.repeat(1024 * 1024 + 10)}\r\n\r\nbody`);
    expect(parseHeaders(raw)).toEqual({ headers: [], parseError: HEAD_TOO_LARGE });
    expect((await parseMessage(raw)).parseError).toBe(HEAD_TOO_LARGE);
  });

  it('parseForRules has parseMessage’s shape, display fields empty', () => {
    expect(parseForRules(Buffer.from('Subject: s\r\n\r\nb'))).toEqual({
      from: [],
      to: [],
      cc: [],
      headers: [{ name: 'subject', value: 's' }],
      attachments: [],
      attachmentBodies: [],
    });
  });
});
