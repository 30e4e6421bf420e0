/**
 * The authentication of one message, as the policy rules read it and the API returns it.
 * Computed once per message at the end of DATA by mail/authenticate.ts (mailauth 4.13.3
 * against the DNS world); results use RFC 8601 §2.7 vocabulary.
 */

/** RFC 8601 §2.7.1 (DKIM), §2.7.2 (SPF, RFC 7208 §2.6), RFC 7489 §11.2 (DMARC), RFC 8617 (ARC). */
export type AuthResultValue = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror' | 'policy';

export interface SpfAuth {
  result: AuthResultValue;
  /** The domain SPF was checked for: the MAIL FROM domain, or the HELO name for a null sender (RFC 7208 §2.3, §2.4). */
  domain: string;
  /** `mailfrom`, or `helo` when MAIL FROM was empty. */
  identity: 'mailfrom' | 'helo';
  /** The client address judged (the XCLIENT address when claimed). */
  ip: string;
  /** The SPF record found, if any. */
  record?: string;
  /** The qualifier of the record's `all` mechanism (`-`, `~`, `?`, `+`), if it has one. */
  allQualifier?: string;
  comment?: string;
  /** False when the DNS world says nothing about the domain (config `dns.undeclared`). */
  declared: boolean;
}

export interface DkimAuth {
  result: AuthResultValue;
  /** The signing domain (`d=`). */
  domain: string;
  selector: string;
  algorithm?: string;
  /** Relaxed alignment with the From domain (RFC 7489 §3.1.1). */
  aligned: boolean;
  /** The public key's size in bits, when a key was found. */
  keyBits?: number;
  /** mailauth's reason for a result other than pass (`bad signature`, `no key`, `body hash did not verify`). */
  comment?: string;
  declared: boolean;
}

export interface DmarcAuth {
  result: AuthResultValue;
  /** The RFC5322.From domain the policy is looked up for. */
  domain: string;
  /** The policy that applies (`sp` for a subdomain when the organizational record has one). */
  policy?: 'none' | 'quarantine' | 'reject';
  record?: string;
  spfAligned: boolean;
  dkimAligned: boolean;
  declared: boolean;
}

export interface ArcAuth {
  result: AuthResultValue;
  /** The highest ARC instance (`i=`), 0 when the message has no ARC set. */
  instance: number;
  comment?: string;
}

export interface MessageAuth {
  spf: SpfAuth;
  /** One entry per DKIM-Signature, in header order. */
  dkim: DkimAuth[];
  /** Absent when the message has no single From address to check (RFC 7489 §6.6.1). */
  dmarc?: DmarcAuth;
  arc: ArcAuth;
  /** Addresses of the From header. */
  headerFrom: string[];
  /** config `dns.undeclared`: `none` judges undeclared domains `none` and warns; `fail` lets them fail. */
  undeclaredPolicy: 'none' | 'fail';
  /** The sender is a bulk sender (its From or MAIL FROM domain is listed in config `senders.bulk`). */
  bulk: boolean;
  /** The RFC 8601 `Authentication-Results:` header field added to the stored copy (folded, CRLF, no final CRLF). */
  header: string;
}

export function spfPassed(auth: MessageAuth): boolean {
  return auth.spf.result === 'pass';
}

export function dkimPassed(auth: MessageAuth): boolean {
  return auth.dkim.some((d) => d.result === 'pass');
}

/** Gmail's baseline for all senders: SPF or DKIM passes (support.google.com/a/answer/81126). */
export function authenticated(auth: MessageAuth): boolean {
  return spfPassed(auth) || dkimPassed(auth);
}

/**
 * The sender's domains are absent from the DNS world and `dns.undeclared` is `none`: Bouncer
 * cannot know what they publish, so it does not reject for authentication; it warns instead.
 */
export function undeclaredExcused(auth: MessageAuth): boolean {
  return auth.undeclaredPolicy === 'none' && !auth.spf.declared && auth.dkim.every((d) => !d.declared) && !(auth.dmarc?.declared ?? false);
}

/** A lookup answered SERVFAIL while checking SPF, DKIM or DMARC. */
export function temporaryFailure(auth: MessageAuth): boolean {
  return auth.spf.result === 'temperror' || auth.dkim.some((d) => d.result === 'temperror') || auth.dmarc?.result === 'temperror';
}
