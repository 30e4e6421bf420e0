import { describe, expect, it } from 'vitest';
import { fill, formatReply, renderReply, type ReplyVars } from './render.js';
import type { Reply } from './types.js';

const reply = (code: number, lines: string[], enhanced?: string): Reply => ({ code, lines, close: false, ...(enhanced ? { enhanced } : {}) });

describe('formatReply', () => {
  it.each<[string, Reply, string[]]>([
    ['one line with an enhanced code', reply(250, ['OK ab1sm12345678xyz.1 - gsmtp'], '2.0.0'), ['250 2.0.0 OK ab1sm12345678xyz.1 - gsmtp']],
    ['one line without an enhanced code', reply(220, ['mx.google.com ESMTP ab1sm12345678xyz.1 - gsmtp']), ['220 mx.google.com ESMTP ab1sm12345678xyz.1 - gsmtp']],
    ['two lines: continuation "-", last " "', reply(501, ['HELO/EHLO argument invalid, closing connection.', ' https://support.google.com/mail/?p=helo x - gsmtp'], '5.5.4'), [
      '501-5.5.4 HELO/EHLO argument invalid, closing connection.',
      '501 5.5.4  https://support.google.com/mail/?p=helo x - gsmtp',
    ]],
    ['three lines with an enhanced code', reply(555, ['Syntax error, cannot decode response. For more information, go to', ' https://support.google.com/a/answer/3221692 and review RFC 5321', 'specifications. x - gsmtp'], '5.5.2'), [
      '555-5.5.2 Syntax error, cannot decode response. For more information, go to',
      '555-5.5.2  https://support.google.com/a/answer/3221692 and review RFC 5321',
      '555 5.5.2 specifications. x - gsmtp',
    ]],
    ['multi-line without an enhanced code (the EHLO reply)', reply(250, ['mx.google.com at your service, [127.0.0.1]', 'SIZE 157286400', '8BITMIME', 'STARTTLS']), [
      '250-mx.google.com at your service, [127.0.0.1]',
      '250-SIZE 157286400',
      '250-8BITMIME',
      '250 STARTTLS',
    ]],
    ['a text line starting with a space keeps two spaces', reply(501, [' https://support.google.com/mail/?p=helo'], '5.5.4'), ['501 5.5.4  https://support.google.com/mail/?p=helo']],
    ['a leading space without an enhanced code', reply(550, [' indented']), ['550  indented']],
    ['an empty text line', reply(354, ['']), ['354 ']],
    ['a 334 challenge without an enhanced code', reply(334, ['VXNlcm5hbWU6']), ['334 VXNlcm5hbWU6']],
  ])('%s', (_, input, wire) => {
    expect(formatReply(input)).toEqual(wire);
  });

  it('ignores close', () => {
    expect(formatReply({ code: 221, enhanced: '2.0.0', lines: ['closing connection x - gsmtp'], close: true })).toEqual(['221 2.0.0 closing connection x - gsmtp']);
  });
});

describe('fill', () => {
  const vars: ReplyVars = { sessionId: 'ab1sm12345678xyz.1', size: 42, zero: 0, empty: '', missing: undefined };
  it.each<[string, string]>([
    ['OK {sessionId} - gsmtp', 'OK ab1sm12345678xyz.1 - gsmtp'],
    ['{size} bytes', '42 bytes'],
    ['{zero}', '0'],
    ['[{empty}]', '[]'],
    ['{missing}', '{missing}'],
    ['{unknown} {sessionId}', '{unknown} ab1sm12345678xyz.1'],
    ['{session_id} {session-id} {1}', '{session_id} {session-id} {1}'],
    ['no placeholders', 'no placeholders'],
    ['{sessionId}{sessionId}', 'ab1sm12345678xyz.1ab1sm12345678xyz.1'],
  ])('%j → %j', (text, out) => {
    expect(fill(text, vars)).toBe(out);
  });

  it('does not fill placeholders inside filled values', () => {
    expect(fill('{a}', { a: '{b}', b: 'x' })).toBe('{b}');
  });
});

describe('renderReply', () => {
  it('fills every line and keeps code, enhanced code and close', () => {
    expect(
      renderReply(
        { code: 501, enhanced: '5.5.4', text: ['HELO/EHLO argument "{arg}" invalid, closing connection.', ' https://support.google.com/mail/?p=helo {sessionId} - gsmtp'], close: true },
        { arg: 'bad_host!', sessionId: 'ab1sm12345678xyz.1' },
      ),
    ).toStrictEqual({
      code: 501,
      enhanced: '5.5.4',
      lines: ['HELO/EHLO argument "bad_host!" invalid, closing connection.', ' https://support.google.com/mail/?p=helo ab1sm12345678xyz.1 - gsmtp'],
      close: true,
    });
  });

  it('close defaults to false and enhanced stays absent', () => {
    expect(renderReply({ code: 220, text: ['{hostname} ESMTP'] }, { hostname: 'mx.google.com' })).toStrictEqual({
      code: 220,
      enhanced: undefined,
      lines: ['mx.google.com ESMTP'],
      close: false,
    });
  });

  it('renders then formats a Gmail reply for the wire', () => {
    const rendered = renderReply({ code: 504, enhanced: '5.5.2', text: ['<{name}>: Helo command rejected: need fully-qualified hostname'], close: true }, { name: 'localhost' });
    expect(formatReply(rendered)).toEqual(['504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname']);
  });
});
