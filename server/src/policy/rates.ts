/**
 * Rate-limit state: what was accepted, when. Rules stay pure: they ask {@link RateQueries}
 * how many events of a kind and key fall in a window; the SMTP adapter records events when
 * a message is accepted (after the store committed it and the 250 is due). Refused attempts
 * are not counted: Gmail's limits are about mail received (support.google.com/a/answer/1366776)
 * and a sender who is refused and retries must not lock itself out in Bouncer.
 *
 * Time comes from an injected clock, so tests move time instead of sleeping.
 */

import { domainOf } from '../mail/authenticate.js';
import { EventTimes } from './event-times.js';
import { rateKey } from './rate-key.js';
import type { MessageFacts, SessionContext } from './types.js';

/**
 * - `recipient`: one event per accepted recipient address (receiving rate, 450 4.2.1);
 * - `sender-domain`: the SPF domain (MAIL FROM domain, HELO name for `<>`) (421 4.7.28);
 * - `client-ip`: the judged client address (421 4.7.28);
 * - `message-id`: the Message-ID header (421 4.7.28 duplicate Message-ID);
 * - `user`: the authenticated submission user (550 5.4.5 daily limit).
 */
export const RATE_KINDS = ['recipient', 'sender-domain', 'client-ip', 'message-id', 'user'] as const;
export type RateKind = (typeof RATE_KINDS)[number];

export interface RateQueries {
  /** Events of this kind and key in the last `windowMs` milliseconds (the current one excluded). */
  count(kind: RateKind, key: string, windowMs: number): number;
}

export interface RateEvent {
  kind: RateKind;
  key: string;
}

/** One limit as profiles write it: at most `limit` events per `seconds`. */
export interface RateWindow {
  limit: number;
  seconds: number;
}

/**
 * The windows of a rule's params: `{windows: [{limit, seconds}, ...]}` or a single
 * `{limit, seconds}`. Invalid entries are dropped (the profile test checks the built-in ones).
 */
export function rateWindows(params: Record<string, unknown>, fallback: RateWindow[]): RateWindow[] {
  const valid = (w: unknown): w is RateWindow =>
    !!w && typeof w === 'object' && Number.isInteger((w as RateWindow).limit) && (w as RateWindow).limit >= 0 && Number((w as RateWindow).seconds) > 0;
  if (Array.isArray(params.windows)) return params.windows.filter(valid);
  if (valid(params)) return [{ limit: params.limit, seconds: params.seconds }];
  return fallback;
}

/** The first window whose count has reached its limit, with that count. */
export function exceeded(rates: RateQueries | undefined, kind: RateKind, key: string, windows: RateWindow[]): { window: RateWindow; count: number } | undefined {
  if (!rates || !key) return undefined;
  for (const window of windows) {
    const count = rates.count(kind, key, window.seconds * 1000);
    if (count >= window.limit) return { window, count };
  }
  return undefined;
}

/** `60 s` → "1 minute", `86400 s` → "24 hours". */
export function describeWindow(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? '1 hour' : `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? '1 minute' : `${seconds / 60} minutes`;
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}

/**
 * The most timestamps the limiter holds, all kinds and keys together (8 MB of numbers); beyond
 * it the least recently used keys are forgotten. It is also the largest limit a profile may
 * give a window (`rateWindowProblems`). Without a bound a sandbox taking mail from one address
 * for a day kept one timestamp per message (43 million at 500 msg/s).
 */
export const MAX_RATE_EVENTS = 1_000_000;
/** The longest window a profile may use, and how long events are kept: 24 hours. */
export const MAX_WINDOW_SECONDS = 86_400;

export interface RateLimiterOptions {
  /** Events older than this are forgotten; the longest window a profile may use (default 24 h). */
  retentionMs?: number;
  /** Keys kept, all kinds together; beyond it those not recorded for longest are forgotten ({@link RateLimiter.place}; default 100,000). */
  maxKeys?: number;
  /** Timestamps kept, all keys together (default {@link MAX_RATE_EVENTS}). */
  maxEvents?: number;
  /**
   * Timestamps kept per key, the newest. Counts saturate here, which changes no decision while
   * it is at least every window's limit (a rule asks `count >= limit`): `startBouncer` passes
   * the largest limit of the loaded profiles ({@link largestWindowLimit}). Default: `maxEvents`.
   */
  maxEventsPerKey?: number;
}

export class RateLimiter implements RateQueries {
  /**
   * {@link rateKey} of `kind NUL key` → its timestamps; Map order is roughly least recently
   * used first ({@link place}). A key seen once (most Message-IDs) holds its one timestamp as a
   * number: an object with its timestamps costs ~220 bytes more per key (measured with 200,000
   * keys held: 449 → 232 bytes per Message-ID key, when keys were strings).
   */
  private readonly keys = new Map<number, number | EventTimes>();
  private readonly retentionMs: number;
  private readonly maxKeys: number;
  private readonly maxEvents: number;
  private readonly maxPerKey: number;
  private total = 0;
  /** Placements in the order so far ({@link place}). */
  private placed = 0;
  /** Where {@link forgetOldestKey} is in the order. */
  private oldest: MapIterator<[number, number | EventTimes]> | undefined;

  constructor(
    private readonly now: () => number,
    opts: RateLimiterOptions = {},
  ) {
    this.retentionMs = opts.retentionMs ?? MAX_WINDOW_SECONDS * 1000;
    this.maxKeys = opts.maxKeys ?? 100_000;
    this.maxEvents = opts.maxEvents ?? MAX_RATE_EVENTS;
    this.maxPerKey = Math.min(opts.maxEventsPerKey ?? this.maxEvents, this.maxEvents);
  }

  record(events: RateEvent[]): void {
    const at = this.now();
    const cutoff = at - this.retentionMs;
    for (const { kind, key } of events) {
      const k = normalise(key);
      if (!k) continue;
      const id = rateKey(kind, k);
      const held = this.keys.get(id);
      if (held === undefined) {
        this.place(id, at);
        this.total++;
      } else if (typeof held === 'number') {
        this.keys.delete(id);
        if (held <= cutoff || this.maxPerKey === 1) this.place(id, at);
        else {
          const times = EventTimes.of(this.maxPerKey, held);
          times.push(at);
          this.place(id, times);
          this.total++;
        }
      } else {
        this.total -= held.dropUntil(cutoff);
        if (held.push(at)) this.total++;
        if (this.placed - held.placed > this.maxKeys / 2) {
          this.keys.delete(id);
          this.place(id, held);
        }
      }
      // ends: one key alone fits (maxPerKey <= maxEvents); with few keys held the one just
      // recorded may be first in the order and go too, as the least recently used did before
      while (this.keys.size > this.maxKeys || this.total > this.maxEvents) this.forgetOldestKey();
    }
  }

  count(kind: RateKind, key: string, windowMs: number): number {
    const held = this.keys.get(rateKey(kind, normalise(key)));
    const since = this.now() - windowMs;
    if (held === undefined) return 0;
    if (typeof held === 'number') return held > since ? 1 : 0;
    return held.countAfter(since);
  }

  /** Timestamps held, all kinds and keys. */
  size(): number {
    return this.total;
  }

  /** Forgets everything (tests, and `DELETE`-style resets). */
  clear(): void {
    this.keys.clear();
    this.oldest = undefined;
    this.total = 0;
  }

  /**
   * Puts a key last in the order. A key already held moves only once it is in the older half
   * (more than maxKeys / 2 placements behind), so a key forgotten first was not recorded for
   * at least maxKeys / 2 placements. Moving a busy key on every event, as this did, left a
   * deleted entry behind in the Map's hash chain each time until the next rehash: lookups of
   * that key walked tens of thousands of them (record() grew from 3 to 88 µs per message over
   * 100,000 messages of one sender; docs/benchmarks.md, session 6).
   */
  private place(id: number, value: number | EventTimes): void {
    this.keys.set(id, value);
    this.placed++;
    if (typeof value !== 'number') value.placed = this.placed;
  }

  /**
   * Forgets the first key of the order. One iterator walks the order across calls: a new
   * iterator per call starts at the Map's first slot and steps over every entry deleted since
   * the last rehash, which once a sandbox held `maxKeys` keys (each new Message-ID forgetting
   * one) cost tens of microseconds per message and grew with the keys held.
   */
  private forgetOldestKey(): void {
    let next = this.oldest?.next();
    if (!next || next.done) {
      this.oldest = this.keys.entries();
      next = this.oldest.next();
    }
    const [id, held] = next.value!;
    this.keys.delete(id);
    this.total -= typeof held === 'number' ? 1 : held.length;
  }
}

/** The largest window limit of any rule in these profiles (the per-key history it needs). */
export function largestWindowLimit(profiles: Iterable<{ rules: Record<string, { params: Record<string, unknown> }[]> }>): number {
  let largest = 3600; // the largest of the rules' own defaults, for a rule without windows
  for (const profile of profiles)
    for (const rules of Object.values(profile.rules))
      for (const rule of rules) for (const w of rateWindows(rule.params, [])) largest = Math.max(largest, w.limit);
  return largest;
}

/**
 * What is wrong with a rule's rate windows, for the profile loader: a limit the history cannot
 * count to, or a window longer than it remembers, would silently never fire.
 */
export function rateWindowProblems(params: Record<string, unknown>): string[] {
  if (!Array.isArray(params.windows)) return [];
  return params.windows.flatMap((w: unknown, i) => {
    const where = `params.windows.${i}`;
    if (!w || typeof w !== 'object') return [`${where}: a window is {limit, seconds}`];
    const { limit, seconds } = w as Record<string, unknown>;
    const problems: string[] = [];
    if (!Number.isInteger(limit) || (limit as number) < 0 || (limit as number) > MAX_RATE_EVENTS)
      problems.push(`${where}.limit: an integer from 0 to ${MAX_RATE_EVENTS}`);
    if (typeof seconds !== 'number' || !(seconds > 0) || seconds > MAX_WINDOW_SECONDS)
      problems.push(`${where}.seconds: more than 0 and at most ${MAX_WINDOW_SECONDS} (24 hours)`);
    return problems;
  });
}

function normalise(key: string): string {
  return key.trim().toLowerCase();
}

/** The Message-ID header value as sent (first occurrence), trimmed. */
export function messageIdOf(facts: Pick<MessageFacts, 'headers'>): string {
  return facts.headers.find((h) => h.name === 'message-id')?.value.trim() ?? '';
}

/** The SPF domain: the MAIL FROM domain, or the HELO name for the null sender (RFC 7208 §2.4). */
export function spfDomainOf(ctx: SessionContext): string {
  const from = ctx.envelope.mailFrom?.address ?? '';
  return from ? domainOf(from) : (ctx.helo?.name ?? '').toLowerCase();
}

