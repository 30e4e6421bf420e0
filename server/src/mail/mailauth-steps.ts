/**
 * mailauth 4.13.3's `authenticate()` without BIMI: DKIM, then SPF, then ARC, then DMARC, each
 * from its own mailauth module, and the Authentication-Results header as mailauth writes it.
 *
 * Why not `authenticate()` itself: the package's entry point loads its BIMI module, and with
 * it undici and @postalsys/vmc (logo fetching, certificate checks), even when `disableBimi`
 * is set, as Bouncer always does (Gmail shows BIMI logos, it does not reply differently for
 * them). That is ~9 MB of RSS and
 * ~5 MB of heap for code that never runs (measured: `require` of the entry point against the
 * four modules below). The result has the same shape and the same values:
 * `mailauth-steps.test.ts` checks it against `authenticate()` on a table of messages.
 *
 * The order matters: DMARC (RFC 7489 §6.6.2) reads the SPF and DKIM results, and the ARC
 * chain (RFC 8617 §5.2) is judged before DMARC so a local policy may use it.
 */
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type { AuthenticateResult } from 'mailauth'; // types only: erased at run time

// mailauth's modules are CommonJS, loaded by path; the steps' results are handled loosely
// here and typed at the edge (MailauthResult). libmime is the copy mailauth itself resolves,
// so the header folds exactly as in authenticate().
const require = createRequire(import.meta.url);
const mailauthRequire = createRequire(require.resolve('mailauth'));
/** mailauth's results, untyped on these paths; mail/authenticate.ts narrows what it reads. */
type Untyped = any;
type Options = Record<string, unknown>;
const { dkimVerify } = require('mailauth/lib/dkim/verify') as { dkimVerify(input: unknown, opts: Options): Promise<Untyped> };
const { spf } = require('mailauth/lib/spf') as { spf(opts: Options): Promise<Untyped> };
const { arc } = require('mailauth/lib/arc') as { arc(chain: unknown, opts: Options): Promise<Untyped> };
const { dmarc } = require('mailauth/lib/dmarc') as { dmarc(opts: Options): Promise<Untyped> };
const { foldLines } = mailauthRequire('libmime') as { foldLines(text: string, width: number): string };

export interface MailauthOptions {
  ip: string;
  helo?: string;
  sender?: string;
  /** The authserv-id (RFC 8601 §2.5). */
  mta: string;
  resolver: unknown;
  minBitLength: number;
}

/** What Bouncer reads of `authenticate()`'s result (mail/authenticate.ts), in mailauth's own types. */
export type MailauthResult = Pick<AuthenticateResult, 'dkim' | 'spf' | 'dmarc' | 'arc' | 'headers'>;

export async function mailauthSteps(input: unknown, opts: MailauthOptions): Promise<MailauthResult> {
  const dkimResult = await dkimVerify(input, { resolver: opts.resolver, sender: opts.sender, minBitLength: opts.minBitLength });

  // as authenticate() does: without a HELO name the client address stands in, written as an
  // address literal (RFC 5321 §4.1.3)
  let helo = opts.helo || opts.ip;
  if (helo && isIP(helo)) helo = `[${helo}]`;
  const spfResult = await spf({ ip: opts.ip, helo, sender: opts.sender, mta: opts.mta, resolver: opts.resolver, minBitLength: opts.minBitLength });

  const arcResult = await arc(dkimResult.arc, { resolver: opts.resolver, minBitLength: opts.minBitLength });

  const lines: string[] = [];
  for (const row of dkimResult?.results ?? []) lines.push(foldLines(row.info, 160));
  const headers: string[] = [];
  if (spfResult) {
    lines.push(foldLines(spfResult.info, 160));
    headers.push(spfResult.header);
  }
  if (arcResult?.info) lines.push(foldLines(arcResult.info, 160));

  let dmarcResult: Untyped = false;
  if (dkimResult?.headerFrom) {
    const passed: Untyped[] = (dkimResult.results ?? []).filter((r: Untyped) => r.status.result === 'pass');
    dmarcResult = await dmarc({
      headerFrom: dkimResult.headerFrom,
      spfDomains: spfResult?.status.result === 'pass' && spfResult.domain ? [spfResult.domain] : [],
      dkimDomains: passed.map((r) => ({
        id: r.id,
        domain: r.signingDomain,
        aligned: r.status.aligned,
        underSized: r.status.underSized,
      })),
      arcResult,
      resolver: opts.resolver,
    });
    if (dmarcResult.info) lines.push(foldLines(dmarcResult.info, 160));
  }

  headers.push(`Authentication-Results: ${opts.mta};\r\n ${lines.join(';\r\n ')}`);
  if (arcResult) arcResult.authResults = `${opts.mta};\r\n ${lines.join(';\r\n ')}`;

  return { dkim: dkimResult, spf: spfResult, dmarc: dmarcResult || false, arc: arcResult || false, headers: `${headers.join('\r\n')}\r\n` };
}
