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

export interface RateLimiterOptions {
  /** Events older than this are forgotten; the longest window a profile may use (default 24 h). */
  retentionMs?: number;
  /** Keys kept per kind; the least recently used beyond it are forgotten (memory bound). */
  maxKeysPerKind?: number;
}

export class RateLimiter implements RateQueries {
  private readonly events = new Map<RateKind, Map<string, number[]>>();
  private readonly retentionMs: number;
  private readonly maxKeys: number;

  constructor(
    private readonly now: () => number,
    opts: RateLimiterOptions = {},
  ) {
    this.retentionMs = opts.retentionMs ?? 86_400_000;
    this.maxKeys = opts.maxKeysPerKind ?? 100_000;
    for (const kind of RATE_KINDS) this.events.set(kind, new Map());
  }

  record(events: RateEvent[]): void {
    const at = this.now();
    for (const { kind, key } of events) {
      const k = normalise(key);
      if (!k) continue;
      const map = this.events.get(kind)!;
      const list = map.get(k) ?? [];
      map.delete(k); // re-insert: Map order is least recently used first
      list.push(at);
      this.expire(list, at);
      map.set(k, list);
      if (map.size > this.maxKeys) map.delete(map.keys().next().value!);
    }
  }

  count(kind: RateKind, key: string, windowMs: number): number {
    const list = this.events.get(kind)?.get(normalise(key));
    if (!list) return 0;
    const since = this.now() - windowMs;
    // timestamps are in order: count from the first one inside the window
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]! > since) hi = mid;
      else lo = mid + 1;
    }
    return list.length - lo;
  }

  /** Forgets everything (tests, and `DELETE`-style resets). */
  clear(): void {
    for (const map of this.events.values()) map.clear();
  }

  private expire(list: number[], at: number): void {
    const cutoff = at - this.retentionMs;
    let drop = 0;
    while (drop < list.length && list[drop]! <= cutoff) drop++;
    if (drop) list.splice(0, drop);
  }
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

