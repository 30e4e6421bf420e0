/**
 * `bouncer doctor`: the checks a session would meet, without sending mail. For a sending
 * IP, an EHLO name and a From address it walks EHLO form, PTR, forward confirmation, EHLO vs
 * PTR, SPF for the IP, the DKIM key (when a selector is given), and DMARC, against the DNS
 * world or a real DNS server. Every step says pass / fail / warn, the reply Gmail would give
 * (rendered from the profile, so the texts stay in profiles/*.yaml) and the fix; the verdict
 * applies Gmail's logic (PTR required, SPF or DKIM must pass).
 */
import { createRequire } from 'node:module';
import net from 'node:net';
import { mailauthResolver } from '../dns/mailauth-resolver.js';
import { forwardConfirm, type DnsWorld } from '../dns/world.js';
import { domainOf } from '../mail/authenticate.js';
import { PolicyEngine } from '../policy/engine.js';
import type { Profile } from '../policy/profile.js';
import { formatReply, renderReply } from '../policy/render.js';
import { CHECKS } from '../policy/rules/index.js';
import type { Phase, RuleHit, SessionContext } from '../policy/types.js';
import { exampleSpf, ipMechanism } from '../policy/rules/auth-explain.js';

const require = createRequire(import.meta.url);
/** mailauth's SPF check alone: its package entry point would load BIMI's dependencies too (see mail/mailauth-steps.ts). */
const { spf: mailauthSpf } = require('mailauth/lib/spf') as typeof import('mailauth/lib/spf/index.js');
/** mailauth's own DKIM key reader and DMARC record lookup, so the doctor reads records exactly as verification does. */
const { getPublicKey } = require('mailauth/lib/tools.js') as {
  getPublicKey(type: 'DKIM', name: string, minBitLength: number, resolver: unknown): Promise<{ rr: string; modulusLength?: number }>;
};
const getDmarcRecord = require('mailauth/lib/dmarc/get-dmarc-record.js') as (
  domain: string,
  resolver: unknown,
) => Promise<false | { p?: string; sp?: string; rr: string; isOrgRecord: boolean }>;

export interface DoctorInput {
  ip: string;
  helo: string;
  /** The sender address (MAIL FROM and From). */
  from: string;
  /** The DKIM selector to look up at `<selector>._domainkey.<from domain>`. */
  dkimSelector?: string;
}

export type StepStatus = 'pass' | 'fail' | 'warn';

export interface DoctorStep {
  id: 'ehlo-form' | 'ptr' | 'forward-confirmation' | 'ehlo-matches-ptr' | 'spf' | 'dkim' | 'dmarc';
  title: string;
  status: StepStatus;
  /** What was found. */
  detail: string;
  /** The reply Gmail would give because of this step (absent when it gives none). */
  reply?: { code: number; enhanced?: string; lines: string[] };
  /** What to change (absent on pass). */
  fix?: string;
}

export interface DoctorReport {
  input: DoctorInput;
  /** `dns world` or the DNS server asked (`127.0.0.1:5353`). */
  dns: string;
  profile: string;
  steps: DoctorStep[];
  verdict: { status: StepStatus; summary: string; reply?: DoctorStep['reply'] };
}

/** The session id placeholder shown in rendered replies. */
export const DOCTOR_SESSION_ID = '<session-id>';

export class DoctorInputError extends Error {}

export function validateInput(input: DoctorInput): DoctorInput {
  const problems: string[] = [];
  const ip = input.ip?.trim() ?? '';
  if (!net.isIP(ip)) problems.push(`--ip must be an IPv4 or IPv6 address, got "${input.ip ?? ''}"`);
  if (!input.helo?.trim()) problems.push('--helo is required (the name your server sends in EHLO)');
  if (!/^[^\s@]+@[^\s@]+$/.test(input.from?.trim() ?? '')) problems.push(`--from must be an address like alice@example.com, got "${input.from ?? ''}"`);
  if (input.dkimSelector !== undefined && !/^[A-Za-z0-9._-]+$/.test(input.dkimSelector)) problems.push(`--dkim-selector must be a DNS label like s1, got "${input.dkimSelector}"`);
  if (problems.length) throw new DoctorInputError(problems.join('; '));
  return { ip, helo: input.helo.trim(), from: input.from.trim(), ...(input.dkimSelector ? { dkimSelector: input.dkimSelector } : {}) };
}

export async function runDoctor(raw: DoctorInput, world: DnsWorld, profile: Profile, dnsLabel = 'the DNS world'): Promise<DoctorReport> {
  const input = validateInput(raw);
  const { ip, helo, from } = input;
  const domain = domainOf(from);
  const engine = new PolicyEngine(profile);
  const ctx: SessionContext = {
    sessionId: DOCTOR_SESSION_ID,
    listener: 'doctor',
    profile: profile.name,
    hostname: profile.hostname,
    client: { realAddress: ip, address: ip },
    tls: true,
    helo: { verb: 'EHLO', name: helo },
    envelope: { mailFrom: { address: from, args: {} }, rcptTo: [] },
    unrecognizedCommands: 0,
    limits: profile.limits,
    dns: world,
    mailboxes: new Map(),
    users: [],
    now: () => new Date(),
  };
  /** The profile's reply for a rule (by id), filled as the engine would; undefined when the profile lacks it. */
  const replyOf = (phase: Phase, ruleId: string, hit: RuleHit | null = null): DoctorStep['reply'] => {
    const rule = profile.rules[phase].find((r) => r.id === ruleId);
    if (!rule) return undefined;
    const r = renderReply(rule.reply, { ...PolicyEngine.baseVars(ctx), ...(hit?.vars ?? {}) });
    return { code: r.code, enhanced: r.enhanced, lines: r.lines };
  };
  const resolver = mailauthResolver(world);
  const steps: DoctorStep[] = [];

  // 1. EHLO name form: the profile's helo rules (helo.empty, helo.invalid, helo.non-fqdn, ...)
  const heloVerdict = await engine.evaluate('helo', ctx);
  steps.push(
    heloVerdict.kind === 'reject'
      ? { id: 'ehlo-form', title: 'EHLO name form', status: 'fail', detail: heloVerdict.decision.why, reply: stripClose(heloVerdict.reply), fix: heloVerdict.decision.fix }
      : { id: 'ehlo-form', title: 'EHLO name form', status: 'pass', detail: `"${helo}" is a fully qualified domain name.` },
  );

  // 2-3. PTR and forward confirmation (Gmail's 550 5.7.25; 451 4.7.23 when a lookup fails)
  const fc = await forwardConfirm(world, ip);
  const ptrHit = await CHECKS.get('message.ptr')!.check(ctx, {});
  const ptrTempHit = await CHECKS.get('message.ptr-tempfail')!.check(ctx, {});
  if (fc.ptrNames.length === 0) {
    steps.push(
      fc.temporaryFailure
        ? { id: 'ptr', title: 'Reverse DNS (PTR)', status: 'fail', detail: `The PTR lookup for ${ip} failed temporarily (SERVFAIL).`, reply: replyOf('message', 'message.ptr-tempfail', ptrTempHit), fix: ptrTempHit?.fix }
        : { id: 'ptr', title: 'Reverse DNS (PTR)', status: 'fail', detail: ptrHit?.why ?? `${ip} has no PTR record.`, reply: replyOf('message', 'message.ptr', ptrHit), fix: ptrHit?.fix },
    );
    steps.push({ id: 'forward-confirmation', title: 'Forward-confirmed reverse DNS', status: 'fail', detail: 'Not checked: there is no PTR name to confirm.', fix: ptrHit?.fix ?? ptrTempHit?.fix });
  } else {
    steps.push({ id: 'ptr', title: 'Reverse DNS (PTR)', status: 'pass', detail: `${ip} has the PTR ${fc.ptrNames.join(', ')}.` });
    if (fc.confirmedName) {
      steps.push({ id: 'forward-confirmation', title: 'Forward-confirmed reverse DNS', status: 'pass', detail: `${fc.confirmedName} resolves back to ${ip}.` });
    } else if (ptrTempHit) {
      steps.push({ id: 'forward-confirmation', title: 'Forward-confirmed reverse DNS', status: 'fail', detail: ptrTempHit.why, reply: replyOf('message', 'message.ptr-tempfail', ptrTempHit), fix: ptrTempHit.fix });
    } else {
      steps.push({ id: 'forward-confirmation', title: 'Forward-confirmed reverse DNS', status: 'fail', detail: ptrHit?.why ?? '', reply: replyOf('message', 'message.ptr', ptrHit), fix: ptrHit?.fix });
    }
  }

  // 4. EHLO vs PTR: not documented by Google as a rejection (the strict profile's helo.match-ptr)
  const ehloMatches = fc.ptrNames.some((n) => n === helo.toLowerCase().replace(/\.$/, ''));
  steps.push(
    ehloMatches
      ? { id: 'ehlo-matches-ptr', title: 'EHLO name matches the PTR', status: 'pass', detail: `The EHLO name ${helo} is the PTR name of ${ip}.` }
      : {
          id: 'ehlo-matches-ptr',
          title: 'EHLO name matches the PTR',
          status: 'warn',
          detail: fc.ptrNames.length ? `The EHLO name ${helo} is not the PTR name of ${ip} (${fc.ptrNames.join(', ')}).` : `${ip} has no PTR name to compare with ${helo}.`,
          fix: `Use the PTR name as EHLO name (or set the PTR of ${ip} to ${helo}); Gmail does not document a rejection for it, but receivers weigh it.`,
        },
  );

  // 5. SPF for the From domain and the IP (mailauth, as a session would)
  const spfRes = (await mailauthSpf({ sender: from, ip, helo, mta: profile.hostname, resolver: resolver as never })) as unknown as { rr?: string; status: { result: string; comment?: string } };
  const spfResult = spfRes.status.result;
  const spfStep: DoctorStep = { id: 'spf', title: `SPF for ${domain}`, status: 'pass', detail: '' };
  const record = spfRes.rr;
  if (spfResult === 'pass') {
    spfStep.detail = `The SPF record of ${domain} ("${record}") lists ${ip}.`;
  } else {
    spfStep.status = spfResult === 'fail' || spfResult === 'temperror' || spfResult === 'permerror' ? 'fail' : 'warn';
    spfStep.detail = `SPF for ${domain} with ${ip} is ${spfResult}${record ? ` (record "${record}")` : ' (no SPF record)'}${spfRes.status.comment ? `: ${spfRes.status.comment}` : ''}.`;
    spfStep.fix = record ? `Add ${ipMechanism(ip)} to the SPF record of ${domain}.` : `Publish a TXT record at ${domain}: "${exampleSpf(ip)}".`;
  }
  steps.push(spfStep);

  // 6. DKIM key published at the selector, and its size
  let dkimUsable = false;
  if (!input.dkimSelector) {
    steps.push({
      id: 'dkim',
      title: `DKIM key for ${domain}`,
      status: 'warn',
      detail: 'Not checked: no --dkim-selector given.',
      fix: `Pass --dkim-selector with the selector you sign with; the key belongs at <selector>._domainkey.${domain}.`,
    });
  } else {
    const name = `${input.dkimSelector}._domainkey.${domain}`;
    try {
      const key = await getPublicKey('DKIM', name, 512, resolver);
      const bits = key.modulusLength;
      dkimUsable = true;
      steps.push(
        bits !== undefined && bits < 1024
          ? { id: 'dkim', title: `DKIM key ${name}`, status: 'warn', detail: `The key at ${name} has ${bits} bits; Gmail asks for at least 1024.`, fix: `Publish a 2048-bit RSA key at a new selector and sign with it.` }
          : { id: 'dkim', title: `DKIM key ${name}`, status: 'pass', detail: `${name} publishes ${bits ? `a ${bits}-bit RSA key` : 'an Ed25519 key'}.` },
      );
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      const absent = code === 'ENOTFOUND' || code === 'ENODATA';
      const temporary = !absent && !code.startsWith('EINVALID') && code !== 'ESHORTKEY';
      steps.push({
        id: 'dkim',
        title: `DKIM key ${name}`,
        status: 'fail',
        detail: absent ? `No TXT record at ${name}.` : temporary ? `The lookup of ${name} failed temporarily (${code}).` : `The TXT record at ${name} is not a usable DKIM key (${(err as Error).message}).`,
        fix: `Publish your public key as TXT at ${name}: "v=DKIM1; k=rsa; p=<base64 of the public key>".`,
      });
    }
  }

  // 7. DMARC record and policy (Gmail asks bulk senders for one: 5.7.40)
  let dmarc: Awaited<ReturnType<typeof getDmarcRecord>> = false;
  let dmarcError: string | undefined;
  try {
    dmarc = await getDmarcRecord(domain, resolver);
  } catch (err) {
    dmarcError = (err as { code?: string }).code ?? (err as Error).message;
  }
  if (dmarcError) {
    steps.push({ id: 'dmarc', title: `DMARC for ${domain}`, status: 'fail', detail: `The DMARC lookup failed temporarily (${dmarcError}).`, fix: `Fix the DNS servers answering for _dmarc.${domain}.` });
  } else if (!dmarc) {
    steps.push({
      id: 'dmarc',
      title: `DMARC for ${domain}`,
      status: 'warn',
      detail: `No DMARC record at _dmarc.${domain}. Gmail requires one from bulk senders (550 5.7.40).`,
      reply: replyOf('message', 'message.bulk-dmarc-missing', { why: '', fix: '', vars: { domain } }),
      fix: `Publish a TXT record at _dmarc.${domain}: "v=DMARC1; p=none; rua=mailto:dmarc@${domain}".`,
    });
  } else {
    const policy = (dmarc.isOrgRecord && dmarc.sp ? dmarc.sp : dmarc.p)?.toLowerCase() ?? 'none';
    const where = dmarc.isOrgRecord ? 'the organizational domain’s record' : `_dmarc.${domain}`;
    steps.push(
      policy === 'none'
        ? { id: 'dmarc', title: `DMARC for ${domain}`, status: 'warn', detail: `${where} ("${dmarc.rr}") has p=none: failing mail is only reported.`, fix: 'Once SPF and DKIM pass for all your mail, move to p=quarantine, then p=reject.' }
        : { id: 'dmarc', title: `DMARC for ${domain}`, status: 'pass', detail: `${where} ("${dmarc.rr}") asks receivers to ${policy} mail that fails DMARC.` },
    );
  }

  return { input, dns: dnsLabel, profile: profile.name, steps, verdict: verdictOf(steps, spfResult, dkimUsable, replyOf, { ip, domain }) };
}

function stripClose(reply: { code: number; enhanced?: string; lines: string[] }): DoctorStep['reply'] {
  return { code: reply.code, enhanced: reply.enhanced, lines: reply.lines };
}

/**
 * Gmail's logic: a bad EHLO name or a missing PTR refuses the mail; then SPF or DKIM must
 * pass (with DKIM, a published key is taken to mean the mail is signed with it).
 */
function verdictOf(
  steps: DoctorStep[],
  spfResult: string,
  dkimUsable: boolean,
  replyOf: (phase: Phase, id: string, hit?: RuleHit | null) => DoctorStep['reply'],
  facts: { ip: string; domain: string },
): DoctorReport['verdict'] {
  const byId = (id: DoctorStep['id']) => steps.find((s) => s.id === id)!;
  for (const id of ['ehlo-form', 'ptr', 'forward-confirmation'] as const) {
    const s = byId(id);
    if (s.status === 'fail' && s.reply) return { status: 'fail', summary: `Gmail would refuse this sender: ${s.title.toLowerCase()} — ${s.detail}`, reply: s.reply };
  }
  const vars = { spfDomain: facts.domain, ip: facts.ip };
  if (spfResult !== 'pass' && !dkimUsable) {
    const reply =
      spfResult === 'temperror'
        ? replyOf('message', 'message.auth-tempfail', { why: '', fix: '', vars })
        : spfResult === 'fail'
          ? replyOf('message', 'message.spf-hardfail', { why: '', fix: '', vars })
          : replyOf('message', 'message.unauthenticated', { why: '', fix: '', vars });
    return { status: 'fail', summary: `Gmail would refuse this sender's mail: SPF is ${spfResult} and no usable DKIM key was checked, so neither SPF nor DKIM passes.`, reply };
  }
  const warned = steps.filter((s) => s.status !== 'pass').map((s) => s.title);
  if (warned.length) {
    return { status: 'warn', summary: `Gmail would accept this sender's mail (${spfResult === 'pass' ? 'SPF passes' : 'DKIM can pass'}); worth fixing: ${warned.join(', ')}.` };
  }
  return { status: 'pass', summary: 'Gmail would accept this sender’s mail: EHLO, reverse DNS, SPF, DKIM and DMARC are in order.' };
}

/** The report as terminal text: one block per step, then the verdict. */
export function formatReport(report: DoctorReport): string {
  const mark = { pass: 'PASS', fail: 'FAIL', warn: 'WARN' } as const;
  const out = [`bouncer doctor — ${report.input.from} from ${report.input.ip} (EHLO ${report.input.helo}), ${report.dns}, profile ${report.profile}`, ''];
  for (const s of report.steps) {
    out.push(`[${mark[s.status]}] ${s.title}`);
    out.push(`       ${s.detail}`);
    if (s.reply) for (const line of formatLines(s.reply)) out.push(`       Gmail: ${line}`);
    if (s.fix) out.push(`       Fix:   ${s.fix}`);
  }
  out.push('', `Verdict: ${mark[report.verdict.status]} — ${report.verdict.summary}`);
  if (report.verdict.reply) for (const line of formatLines(report.verdict.reply)) out.push(`  ${line}`);
  return `${out.join('\n')}\n`;
}

function formatLines(reply: NonNullable<DoctorStep['reply']>): string[] {
  return formatReply({ ...reply, close: false });
}
