import { describe, expect, it } from 'vitest';
import { compilePattern, compileSafeRegex, foldAsciiCase, parseRegexLiteral, PatternError, regexToLiteral } from './safe-regex.js';

describe('compileSafeRegex', () => {
  it.each([
    ['^confirm', 'i', 'Confirm your account', true],
    ['^confirm', 'i', 'Please confirm', false],
    ['^confirm', '', 'Confirm', false],
    ['[a-c]+x', 'i', 'ABCX', true],
    ['[^a]', 'i', 'A', false],
    ['\\d{3}-\\d{4}', '', 'call 555-1234', true],
    ['(?<word>hello) world', 'i', 'HELLO WORLD', true],
    ['a.b', 's', 'a\nb', true],
    ['^b$', 'm', 'a\nb', true],
    ['\\x41', 'i', 'a', false], // escapes are copied, not folded
    ['\\bword\\b', 'i', 'a WORD here', true],
  ])('/%s/%s on %j → %s', (source, flags, input, expected) => {
    expect(compileSafeRegex(source, flags).test(input)).toBe(expected);
  });

  it('matches a catastrophic-backtracking pattern in linear time instead of stalling', () => {
    // (a+)+$ on "aaa…ab" takes exponential time with a backtracking engine
    const input = `${'a'.repeat(100_000)}b`;
    expect(compileSafeRegex('(a+)+$').test(input)).toBe(false);
    expect(compileSafeRegex('(a|aa)*c', 'i').test(input)).toBe(false);
  });

  it.each([
    ['(a)\\1', '', 'linear time'],
    ['(?=a)a', '', 'linear time'],
    ['(?<!a)b', '', 'linear time'],
    ['a{2,5000}', '', 'linear time'],
    ['(', '', 'not a valid regular expression'],
    ['a', 'g', 'flag "g" is not supported'],
    ['a', 'u', 'flag "u" is not supported'],
    ['a', 'ii', 'flag "i" is repeated'],
    ['', '', 'empty'],
    ['a'.repeat(501), '', 'longer than 500'],
  ])('refuses /%s/%s: %s', (source, flags, reason) => {
    expect(() => compileSafeRegex(source, flags)).toThrow(PatternError);
    expect(() => compileSafeRegex(source, flags)).toThrow(reason);
  });

  it('never returns a stateful regex', () => {
    const r = compileSafeRegex('x', 'i');
    expect(r.global || r.sticky).toBe(false);
    expect([r.test('x'), r.test('x')]).toEqual([true, true]);
  });
});

describe('foldAsciiCase', () => {
  it.each([
    ['ab', '[aA][bB]'],
    ['[a-c]', '[a-cA-C]'],
    ['[X-c]', '[X-cA-Cx-z]'],
    ['[^q]', '[^qQ]'],
    ['\\d\\w', '\\d\\w'],
    ['(?<name>x)', '(?<name>[xX])'],
    ['a{2}', '[aA]{2}'],
    ['[\\]a]', '[\\]aA]'],
  ])('%s → %s', (input, output) => {
    expect(foldAsciiCase(input)).toBe(output);
  });
});

describe('regex literals', () => {
  it('parses /source/flags and nothing else', () => {
    expect(parseRegexLiteral('/^a\\/b$/i')).toEqual({ source: '^a\\/b$', flags: 'i' });
    expect(parseRegexLiteral('plain')).toBeUndefined();
    expect(parseRegexLiteral('//')).toBeUndefined();
  });

  it('writes a RegExp as /source/flags without stateful flags', () => {
    expect(regexToLiteral(/^Confirm/gi)).toBe('/^Confirm/i');
  });
});

describe('compilePattern (scenario patterns)', () => {
  it.each([
    ['*@example.com', 'Bob@Example.com', true],
    ['*@example.com', 'bob@example.com.evil', false],
    ['bob+?@example.com', 'bob+1@example.com', true],
    ['a.b@x', 'axb@x', false],
    ['/^bob\\+/', 'bob+tag@example.com', true],
    ['/^BOB/', 'bob@example.com', false],
    ['/^BOB/i', 'bob@example.com', true],
  ])('%s on %s → %s', (pattern, input, expected) => {
    expect(compilePattern(pattern).test(input)).toBe(expected);
  });
});
