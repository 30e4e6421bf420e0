/**
 * smtp-server writes its own replies for protocol events (greeting, EHLO, 354, parser errors,
 * SASL steps, ...). Bouncer replaces each with the profile's reply of the same meaning. This
 * table says which smtp-server reply means what; the contract test checks every text here
 * still appears in the pinned smtp-server source, so an upgrade that rewords one fails loudly.
 */
import type { BuiltinReplyId } from '../policy/profile.js';

export interface BuiltinMatch {
  code: number;
  /** Matched against the first line of smtp-server's text. */
  text: RegExp;
  /** Only when the command being answered is one of these (undefined: any). */
  verbs?: string[];
  id: BuiltinReplyId;
}

export const BUILTIN_MATCHES: BuiltinMatch[] = [
  // greeting, and the new greeting after XCLIENT (http://www.postfix.org/XCLIENT_README.html)
  { code: 220, text: /ESMTP/, id: 'greeting' },
  { code: 220, text: /^Ready to start TLS$/, id: 'starttls-ok' },
  { code: 250, text: /Nice to meet you/, verbs: ['EHLO'], id: 'ehlo-ok' },
  { code: 250, text: /Nice to meet you/, verbs: ['HELO'], id: 'helo-ok' },
  { code: 250, text: /^Accepted$/, verbs: ['MAIL'], id: 'mail-ok' },
  { code: 250, text: /^Accepted$/, verbs: ['RCPT'], id: 'rcpt-ok' },
  { code: 250, text: /^Flushed$/, id: 'rset' },
  { code: 250, text: /^OK$/, verbs: ['NOOP'], id: 'noop' },
  { code: 221, text: /^Bye$/, id: 'quit' },
  { code: 214, text: /rfc5321/, id: 'help' },
  { code: 252, text: /^Try to send something/, id: 'vrfy' },
  { code: 501, text: /^Error: Syntax: VRFY address$/, id: 'param-error' },
  { code: 354, text: /^End data with/, id: 'data-go' },
  { code: 503, text: /^Error: nested MAIL command$/, id: 'nested-mail' },
  { code: 503, text: /^Error: (need MAIL command|need RCPT command|send HELO\/EHLO first|Mail transaction in progress)$/, id: 'bad-sequence' },
  { code: 503, text: /^Error: TLS already active$/, id: 'starttls-repeat' },
  { code: 501, text: /^Error: syntax: STARTTLS$/, id: 'starttls-args' },
  { code: 503, text: /^Error: No identity changes permitted$/, id: 'auth-identity' },
  { code: 504, text: /^Error: Unrecognized authentication type$/, id: 'auth-mech' },
  { code: 501, text: /^Error: (syntax: AUTH \S+( token)?|invalid userdata|missing username)$/, id: 'auth-undecodable' },
  { code: 501, text: /^Authentication aborted$/, id: 'auth-aborted' },
  { code: 334, text: /^/, id: 'auth-challenge' },
  { code: 235, text: /^Authentication successful$/, id: 'auth-ok' },
  { code: 501, text: /^Error: (syntax: EHLO hostname|Syntax: HELO hostname|Bad hostname syntax)$/, id: 'helo-syntax' },
  { code: 501, text: /^Error: Bad (sender|recipient) address syntax$/, id: 'syntax-error' },
  { code: 501, text: /^(Error: (duplicate \S+ parameter|\S+ parameter requires a value|Bad message size syntax|NOTIFY)|Invalid (BODY|SMTPUTF8|REQUIRETLS|RET))/, id: 'param-error' },
  { code: 530, text: /^REQUIRETLS not permitted/, id: 'param-error' },
  { code: 550, text: /^Error: Not allowed$/, id: 'xclient-denied' },
  { code: 501, text: /^Error: Bad command parameter syntax/, id: 'xclient-syntax' },
  { code: 421, text: /You talk too soon$/, id: 'early-talker' },
  { code: 421, text: /^Server shutting down$/, id: 'shutting-down' },
  { code: 421, text: /^HTTP requests not allowed$/, id: 'http-refused' },
  { code: 421, text: /^Timeout - closing connection$/, id: 'idle-timeout' },
  { code: 421, text: /^Error: Command line too long$/, id: 'line-too-long' },
  { code: 421, text: /Too many connected clients/, id: 'server-busy' },
  { code: 451, text: /^Error: internal server error$/, id: 'internal-error' },
  // anything the parser reports (`Error: <reason>`) ends the session: the stream is unusable
  { code: 421, text: /^Error: /, id: 'temp-failure' },
];

export function matchBuiltin(code: number, text: string, verb: string | undefined): BuiltinReplyId | undefined {
  for (const m of BUILTIN_MATCHES) {
    if (m.code !== code || !m.text.test(text)) continue;
    if (m.verbs && !(verb && m.verbs.includes(verb))) continue;
    return m.id;
  }
  return undefined;
}
