/**
 * Regular expressions that come from API clients (`subject=/^Confirm/i`, a scenario's
 * `rcpt: "/^bob\\+/"`) run on the server, on every stored message a waiter looks at. A
 * backtracking pattern such as `(a+)+$` could then stall the event loop (ReDoS). So client
 * patterns are compiled with V8's linear-time engine (the `l` flag, behind
 * `--enable-experimental-regexp-engine`; see https://v8.dev/blog/non-backtracking-regexp):
 * matching costs O(pattern × input) whatever the pattern. That engine refuses what it cannot
 * run in linear time (backreferences, lookarounds, large counted repetitions) and, in the V8 of
 * Node 20, the `i` and `u` flags; `i` is provided here by rewriting ASCII letters into
 * two-case classes (`a` → `[aA]`), which keeps the guarantee.
 */
import v8 from 'node:v8';

export const MAX_PATTERN_LENGTH = 500;
/** Flags a client may give; `g` and `y` make `test()` stateful and are not accepted. */
export const PATTERN_FLAGS = ['i', 'm', 's'] as const;

export class PatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatternError';
  }
}

let linearEngine: boolean | undefined;

/** True when this V8 compiles `l`-flag regexps (enabling the flag on first use). */
export function hasLinearEngine(): boolean {
  if (linearEngine === undefined) {
    linearEngine = tryLinear();
    if (!linearEngine) {
      v8.setFlagsFromString('--enable-experimental-regexp-engine');
      linearEngine = tryLinear();
    }
  }
  return linearEngine;
}

function tryLinear(): boolean {
  try {
    new RegExp('a', 'l');
    return true;
  } catch {
    return false;
  }
}

/** The `/source/flags` form a client sends for a regex; undefined for any other string. */
export function parseRegexLiteral(text: string): { source: string; flags: string } | undefined {
  const m = /^\/([\s\S]+)\/([a-z]*)$/.exec(text);
  return m ? { source: m[1]!, flags: m[2]! } : undefined;
}

/** The string form of a regex as sent over the API: `/source/flags`. */
export function regexToLiteral(re: RegExp): string {
  return `/${re.source}/${re.flags.replace(/[gyld]/g, '')}`;
}

/**
 * Compiles a client's pattern for linear-time matching, or throws a PatternError saying what
 * is not allowed. The result has no `g`/`y` flag, so `test()` is stateless.
 */
export function compileSafeRegex(source: string, flags = ''): RegExp {
  if (source.length === 0) throw new PatternError('the pattern is empty');
  if (source.length > MAX_PATTERN_LENGTH) throw new PatternError(`the pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  const seen = new Set<string>();
  for (const f of flags) {
    if (!(PATTERN_FLAGS as readonly string[]).includes(f)) {
      throw new PatternError(`flag "${f}" is not supported (allowed: ${PATTERN_FLAGS.join(', ')})`);
    }
    if (seen.has(f)) throw new PatternError(`flag "${f}" is repeated`);
    seen.add(f);
  }
  if (!hasLinearEngine()) throw new PatternError('regular expressions need a Node.js whose V8 has the linear-time engine');
  const caseless = seen.has('i');
  const body = caseless ? foldAsciiCase(source) : source;
  const rest = [...seen].filter((f) => f !== 'i').join('');
  try {
    return new RegExp(body, `${rest}l`);
  } catch (err) {
    const reason = String((err as Error).message).includes('linear time')
      ? 'it cannot be matched in linear time (backreferences, lookarounds and large {n,m} repetitions are not allowed)'
      : 'it is not a valid regular expression';
    throw new PatternError(`/${source}/${flags}: ${reason}`);
  }
}

const isLower = (c: string) => c >= 'a' && c <= 'z';
const isUpper = (c: string) => c >= 'A' && c <= 'Z';
const swap = (c: string) => (isLower(c) ? c.toUpperCase() : isUpper(c) ? c.toLowerCase() : c);

/** Length of the escape starting at `source[i]` (a backslash), so it is copied whole. */
function escapeLength(source: string, i: number): number {
  const c = source[i + 1];
  if (c === undefined) return 1;
  if (c === 'x') return 4;
  if (c === 'u') return source[i + 2] === '{' ? source.indexOf('}', i) - i + 1 || 2 : 6;
  if (c === 'c') return 3;
  if ((c === 'k' || c === 'p' || c === 'P') && (source[i + 2] === '<' || source[i + 2] === '{')) {
    const close = source.indexOf(source[i + 2] === '<' ? '>' : '}', i);
    return close > i ? close - i + 1 : 2;
  }
  return 2;
}

/**
 * Rewrites a pattern so that it matches ASCII letters in either case without the `i` flag:
 * `ab` → `[aA][bB]`, `[a-c]` → `[a-cA-C]`. Escapes, group names and quantifiers are copied as
 * written. (Only ASCII is folded; `i` on non-ASCII letters is not emulated.)
 */
export function foldAsciiCase(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') {
      const n = escapeLength(source, i);
      out += source.slice(i, i + n);
      i += n;
    } else if (c === '[') {
      const { text, end } = foldClass(source, i);
      out += text;
      i = end;
    } else if (c === '(' && source[i + 1] === '?' && source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') {
      const close = source.indexOf('>', i);
      const end = close < 0 ? source.length : close + 1;
      out += source.slice(i, end);
      i = end;
    } else if (isLower(c) || isUpper(c)) {
      out += `[${c}${swap(c)}]`;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Folds one character class starting at `source[start]` (`[`); returns it and where it ends. */
function foldClass(source: string, start: number): { text: string; end: number } {
  let i = start + 1;
  let head = '[';
  if (source[i] === '^') {
    head += '^';
    i++;
  }
  let body = '';
  let extra = '';
  // a `]` right after `[` or `[^` is a literal in some dialects but an empty class in JS: stop there
  while (i < source.length && source[i] !== ']') {
    const c = source[i]!;
    if (c === '\\') {
      const n = escapeLength(source, i);
      body += source.slice(i, i + n);
      i += n;
      continue;
    }
    if (source[i + 1] === '-' && source[i + 2] !== undefined && source[i + 2] !== ']' && source[i + 2] !== '\\') {
      const from = c;
      const to = source[i + 2]!;
      body += `${from}-${to}`;
      extra += foldRange(from, to);
      i += 3;
      continue;
    }
    body += c;
    if (isLower(c) || isUpper(c)) extra += swap(c);
    i++;
  }
  const end = i < source.length ? i + 1 : i;
  return { text: `${head}${body}${extra}${i < source.length ? ']' : ''}`, end };
}

/** The other-case counterpart of the letters inside the range `from-to`, as class items. */
function foldRange(from: string, to: string): string {
  const parts: string[] = [];
  for (const [lo, hi] of [
    ['a', 'z'],
    ['A', 'Z'],
  ] as const) {
    const a = from > lo ? from : lo;
    const b = to < hi ? to : hi;
    if (a <= b) parts.push(`${swap(a)}-${swap(b)}`);
  }
  return parts.join('');
}

/**
 * A pattern as scenarios and filters take it: `/regex/flags`, or a glob where `*` is any run of
 * characters and `?` one character, matched whole and case-insensitively.
 */
export function compilePattern(text: string): RegExp {
  const literal = parseRegexLiteral(text);
  if (literal) return compileSafeRegex(literal.source, literal.flags);
  if (text.length === 0) throw new PatternError('the pattern is empty');
  if (text.length > MAX_PATTERN_LENGTH) throw new PatternError(`the pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  const body = [...text].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+(){}[\]]/g, '\\$&'))).join('');
  return compileSafeRegex(`^${body}$`, 'is');
}
