/**
 * Authenticates one received message with mailauth 4.13.3 (the steps of its `authenticate()`
 * without BIMI, mailauth-steps.ts: SPF, DKIM, DMARC, ARC), resolving every DNS question in the
 * DNS world. Called once per message by the SMTP adapter at the end of DATA; the rules read
 * the result from the context.
 *
 * - SPF (RFC 7208) for the MAIL FROM domain, or the HELO name when MAIL FROM is `<>`
 *   (§2.4), against the judged client address (the XCLIENT address when one was claimed).
 * - DKIM (RFC 6376) for every signature; keys come from `<selector>._domainkey.<domain>` TXT.
 *   Keys down to 512 bits are verified so that a short key gives a pass and a warning, as
 *   Google asks for 1024 bits or more (support.google.com/a/answer/81126) but such mail
 *   still authenticates.
 * - DMARC (RFC 7489) for the From domain; ARC (RFC 8617) when the message carries ARC sets.
 *
 * mailauth sees the whole message only when it carries a signature or an ARC set; otherwise
 * only the fields it reads (auth-input.ts: same result, a fraction of the work).
 */
import { createRequire } from 'node:module';
import { mailauthSteps } from './mailauth-steps.js';
import { authenticationInput } from './auth-input.js';
import { AUTH_MEMO_MAX_INPUT_BYTES, type AuthMemo } from './auth-memo.js';
import { mailauthResolver } from '../dns/mailauth-resolver.js';
import type { DnsWorld } from '../dns/world.js';
import type { ArcAuth, AuthResultValue, DkimAuth, DmarcAuth, MessageAuth, SpfAuth } from './auth-types.js';

const require = createRequire(import.meta.url);
/** mailauth's own relaxed-alignment helper (organizational domains by the Public Suffix List, via tldts). */
const { getAlignment } = require('mailauth/lib/tools.js') as {
  getAlignment(fromDomain: string, domains: string[], opts?: { strict?: boolean }): { domain: string } | false;
};

/** The smallest RSA key mailauth is allowed to verify; smaller keys give DKIM `policy` (weak-key). */
export const MIN_VERIFIED_KEY_BITS = 512;

export interface AuthenticatorSettings {
  world: DnsWorld;
  /** config `dns.undeclared`. */
  undeclared: 'none' | 'fail';
  /** config `senders.bulk`: domains (and their subdomains) that are bulk senders. */
  bulkDomains: readonly string[];
  /**
   * Remembers the results of unsigned messages (auth-memo.ts). Only for a world that never
   * changes once built, as the server's is.
   */
  memo?: AuthMemo;
}

export interface MessageEnvelope {
  /** The judged client address. */
  ip: string;
  /** The HELO/EHLO name (address literals included, as sent). */
  helo?: string;
  /** MAIL FROM address; empty for the null reverse-path. */
  mailFrom: string;
  /** The receiving server's name, the authserv-id of the header (RFC 8601 §2.5). */
  mta: string;
}

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return (at < 0 ? address : address.slice(at + 1)).trim().toLowerCase().replace(/\.$/, '');
}

/** Relaxed alignment: same organizational domain (RFC 7489 §3.1). */
export function orgAligned(fromDomain: string, domain: string): boolean {
  if (!fromDomain || !domain) return false;
  return !!getAlignment(fromDomain, [domain]);
}

function inList(domain: string, list: readonly string[]): boolean {
  return list.some((d) => {
    const l = d.toLowerCase().replace(/\.$/, '');
    return domain === l || domain.endsWith(`.${l}`);
  });
}

const RESULTS: readonly string[] = ['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror', 'policy'];
function result(value: unknown): AuthResultValue {
  const v = String(value ?? 'none').toLowerCase();
  if (v === 'temperr') return 'temperror';
  return (RESULTS.includes(v) ? v : 'neutral') as AuthResultValue;
}

/** The qualifier of the `all` mechanism of an SPF record (RFC 7208 §5.1), if present. */
export function allQualifier(record: string | undefined): string | undefined {
  const m = /(?:^|\s)([-~?+]?)all(?:\s|$)/i.exec(record ?? '');
  return m ? m[1] || '+' : undefined;
}

/** RFC 8601: the header, with the trailing CRLF removed; mailauth folds it at 160 columns. */
function authResultsHeader(headers: string): string {
  const fields = headers.split(/\r\n(?=\S)/);
  const ar = fields.find((f) => /^Authentication-Results:/i.test(f));
  return (ar ?? '').replace(/\r\n$/, '');
}

/**
 * What mailauth accepts as a stream (it calls `pipe` and `on`): the whole message written to
 * its parser at once. Given a Buffer, mailauth writes it in chunks one setImmediate apart
 * (lib/tools.js writeToStream), so under load each message waited two full turns of the event
 * loop (every other session's work) for its 250: a p50 of ~8 ms instead of ~2 ms at 450 msg/s
 * here. A Readable would avoid that too, with stream machinery this does without.
 */
export function wholeMessageSource(message: Buffer): { pipe<T extends NodeJS.WritableStream>(dest: T): T; on(event: string, listener: () => void): void } {
  return {
    pipe(dest) {
      dest.end(message);
      return dest;
    },
    // a Buffer in memory has no read errors to report
    on() {},
  };
}

export function authenticateMessage(raw: Buffer, env: MessageEnvelope, settings: AuthenticatorSettings): Promise<MessageAuth> {
  // An unsigned message is given as its From and Return-Path fields only (auth-input.ts); with
  // the envelope they are all that decides its result (auth-memo.ts)
  const input = authenticationInput(raw);
  if (!settings.memo || input === raw || input.length > AUTH_MEMO_MAX_INPUT_BYTES) return authenticateInput(input, env, settings);
  const key = [env.ip, env.helo ?? '', env.mailFrom, env.mta, input.toString('latin1')].join('\u0000');
  return settings.memo.get(key, () => authenticateInput(input, env, settings));
}

async function authenticateInput(input: Buffer, env: MessageEnvelope, settings: AuthenticatorSettings): Promise<MessageAuth> {
  const declares = (domain: string): boolean => (domain ? (settings.world.declares?.(domain) ?? true) : false);
  // the input in one write (see wholeMessageSource)
  const res = await mailauthSteps(wholeMessageSource(input), {
    ip: env.ip,
    helo: env.helo,
    sender: env.mailFrom || undefined,
    mta: env.mta,
    resolver: mailauthResolver(settings.world),
    minBitLength: MIN_VERIFIED_KEY_BITS,
  });

  const headerFrom = (res.dkim?.headerFrom ?? []).map((a) => String(a));
  const fromDomain = headerFrom.length === 1 ? domainOf(headerFrom[0]!) : '';

  const spfRaw = res.spf as unknown as { domain?: string; rr?: string; status?: { result?: string; comment?: string } } | false;
  const spfDomain = (spfRaw && spfRaw.domain) || domainOf(env.mailFrom || `postmaster@${env.helo ?? ''}`);
  const spf: SpfAuth = {
    result: result(spfRaw ? spfRaw.status?.result : 'none'),
    domain: spfDomain,
    identity: env.mailFrom ? 'mailfrom' : 'helo',
    ip: env.ip,
    record: spfRaw ? spfRaw.rr : undefined,
    allQualifier: allQualifier(spfRaw ? spfRaw.rr : undefined),
    comment: spfRaw ? spfRaw.status?.comment : undefined,
    declared: declares(spfDomain),
  };

  // an unsigned message gets one row {result: none, comment: 'message not signed'} without a domain
  const signatures = (res.dkim?.results ?? []).filter((r) => !!(r as { signingDomain?: string }).signingDomain);
  const dkim: DkimAuth[] = signatures.map((r) => {
    const row = r as unknown as {
      signingDomain?: string;
      selector?: string;
      algo?: string;
      modulusLength?: number;
      status: { result?: string; comment?: string; aligned?: string | boolean };
    };
    const domain = (row.signingDomain ?? '').toLowerCase();
    return {
      result: result(row.status.result),
      domain,
      selector: row.selector ?? '',
      algorithm: row.algo,
      aligned: !!row.status.aligned,
      keyBits: row.modulusLength,
      comment: row.status.comment || undefined,
      declared: declares(domain),
    };
  });

  let dmarc: DmarcAuth | undefined;
  const dm = res.dmarc as unknown as
    | false
    | { status: { result?: string }; policy?: string; rr?: string; alignment?: { spf?: { result?: string | false }; dkim?: { result?: string | false } } };
  if (dm && fromDomain) {
    const policy = dm.policy?.toLowerCase();
    dmarc = {
      result: result(dm.status.result),
      domain: fromDomain,
      policy: policy === 'none' || policy === 'quarantine' || policy === 'reject' ? policy : undefined,
      record: dm.rr,
      // without a DMARC record mailauth computes no alignment; Gmail's 5.7.32 still asks for it
      spfAligned: dm.alignment ? !!dm.alignment.spf?.result : spf.result === 'pass' && orgAligned(fromDomain, spf.domain),
      dkimAligned: dm.alignment ? !!dm.alignment.dkim?.result : dkim.some((d) => d.result === 'pass' && orgAligned(fromDomain, d.domain)),
      declared: declares(fromDomain),
    };
  }

  const ar = res.arc as unknown as false | { i?: number | false; status?: { result?: string; comment?: string } };
  const arc: ArcAuth = {
    result: result(ar ? ar.status?.result : 'none'),
    instance: ar && typeof ar.i === 'number' ? ar.i : 0,
    comment: ar ? ar.status?.comment || undefined : undefined,
  };

  const senderDomains = [fromDomain, env.mailFrom ? domainOf(env.mailFrom) : ''].filter(Boolean);
  return {
    spf,
    dkim,
    dmarc,
    arc,
    headerFrom,
    undeclaredPolicy: settings.undeclared,
    bulk: senderDomains.some((d) => inList(d, settings.bulkDomains)),
    header: authResultsHeader(res.headers),
  };
}
