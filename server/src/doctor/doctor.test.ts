import { beforeAll, describe, expect, it } from 'vitest';
import { dkimKey, type DkimKey } from '../../test/support/dkim.js';
import { StaticDnsWorld, type WorldRecords } from '../dns/world.js';
import { loadProfiles } from '../policy/profile.js';
import { CHECKS } from '../policy/rules/index.js';
import { BUILTIN_PROFILE_DIR } from '../util/paths.js';
import { DoctorInputError, formatReport, runDoctor, type DoctorInput, type DoctorReport } from './doctor.js';

const gmailMx = loadProfiles([BUILTIN_PROFILE_DIR], new Set(CHECKS.keys())).get('gmail-mx')!;
let key: DkimKey;
let weak: DkimKey;
beforeAll(() => {
  key = dkimKey(2048);
  weak = dkimKey(512);
});

/** A well-configured sender: FCrDNS, SPF -all listing the IP, a 2048-bit key at s1, DMARC p=reject. */
const good = (): WorldRecords => ({
  '203.0.113.7': { PTR: ['mail.example.com'] },
  'mail.example.com': { A: ['203.0.113.7'] },
  'example.com': { TXT: ['v=spf1 ip4:203.0.113.7 -all'] },
  's1._domainkey.example.com': { TXT: [key.txt] },
  '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] },
});
const INPUT: DoctorInput = { ip: '203.0.113.7', helo: 'mail.example.com', from: 'alice@example.com', dkimSelector: 's1' };
const doctor = (records: WorldRecords, input: Partial<DoctorInput> = {}) => runDoctor({ ...INPUT, ...input }, new StaticDnsWorld(records), gmailMx);
const step = (r: DoctorReport, id: string) => r.steps.find((s) => s.id === id)!;
const statuses = (r: DoctorReport) => Object.fromEntries(r.steps.map((s) => [s.id, s.status]));

const PTR_550 = [
  '[203.0.113.7] The IP address sending this message does not have a PTR record',
  'setup, or the corresponding forward DNS entry does not point to the sending',
  'IP. As a policy, Gmail does not accept messages from IPs with missing PTR',
  'records. For more information, go to',
  ' https://support.google.com/mail/answer/81126#ip-practices <session-id> - gsmtp',
];

describe('runDoctor against a DNS world', () => {
  it('a well-configured sender: every step passes, verdict pass', async () => {
    const r = await doctor(good());
    expect(statuses(r)).toEqual({ 'ehlo-form': 'pass', ptr: 'pass', 'forward-confirmation': 'pass', 'ehlo-matches-ptr': 'pass', spf: 'pass', dkim: 'pass', dmarc: 'pass' });
    expect(r.steps.map((s) => s.id)).toEqual(['ehlo-form', 'ptr', 'forward-confirmation', 'ehlo-matches-ptr', 'spf', 'dkim', 'dmarc']);
    expect(step(r, 'dkim').detail).toBe('s1._domainkey.example.com publishes a 2048-bit RSA key.');
    expect(step(r, 'spf').detail).toBe('The SPF record of example.com ("v=spf1 ip4:203.0.113.7 -all") lists 203.0.113.7.');
    expect(step(r, 'dmarc').detail).toBe('_dmarc.example.com ("v=DMARC1; p=reject") asks receivers to reject mail that fails DMARC.');
    expect(r.verdict).toEqual({ status: 'pass', summary: 'Gmail would accept this sender’s mail: EHLO, reverse DNS, SPF, DKIM and DMARC are in order.' });
    expect(r).toMatchObject({ input: INPUT, dns: 'the DNS world', profile: 'gmail-mx' });
    for (const s of r.steps) expect(s.fix).toBeUndefined();
  });

  it('EHLO localhost: the 504 Gmail-profile reply and fix, verdict fail with that reply', async () => {
    const r = await doctor(good(), { helo: 'localhost' });
    expect(step(r, 'ehlo-form')).toMatchObject({ status: 'fail', reply: { code: 504, enhanced: '5.5.2', lines: ['<localhost>: Helo command rejected: need fully-qualified hostname'] } });
    expect(step(r, 'ehlo-form').fix).toMatch(/^Use a fully-qualified domain name/);
    expect(step(r, 'ehlo-matches-ptr').status).toBe('warn');
    expect(r.verdict.status).toBe('fail');
    expect(r.verdict.reply).toEqual(step(r, 'ehlo-form').reply);
  });

  it('no PTR: 550 5.7.25 at both reverse-DNS steps, verdict fail', async () => {
    const records = good();
    delete records['203.0.113.7'];
    const r = await doctor(records);
    expect(step(r, 'ptr')).toMatchObject({ status: 'fail', detail: '203.0.113.7 has no PTR record.', reply: { code: 550, enhanced: '5.7.25', lines: PTR_550 } });
    expect(step(r, 'forward-confirmation').status).toBe('fail');
    expect(r.verdict).toMatchObject({ status: 'fail', reply: { code: 550, enhanced: '5.7.25' } });
  });

  it('a PTR whose name does not resolve back: forward confirmation fails', async () => {
    const r = await doctor({ ...good(), 'mail.example.com': { A: ['192.0.2.1'] } });
    expect(statuses(r)).toMatchObject({ ptr: 'pass', 'forward-confirmation': 'fail' });
    expect(step(r, 'forward-confirmation').detail).toBe('203.0.113.7 has the PTR mail.example.com, but mail.example.com does not resolve back to 203.0.113.7.');
  });

  it('a PTR lookup SERVFAIL: the 451 4.7.23 temporary reply', async () => {
    const r = await doctor({ ...good(), '203.0.113.7': { PTR: 'SERVFAIL' } });
    expect(step(r, 'ptr').reply).toMatchObject({ code: 451, enhanced: '4.7.23' });
  });

  it('EHLO name other than the PTR name: a warning, not a failure', async () => {
    const r = await doctor(good(), { helo: 'smtp.example.com' });
    expect(step(r, 'ehlo-matches-ptr')).toMatchObject({ status: 'warn', detail: 'The EHLO name smtp.example.com is not the PTR name of 203.0.113.7 (mail.example.com).' });
    expect(r.verdict.status).toBe('warn');
  });

  it('SPF -all without the IP and no DKIM selector: verdict fail with the hard-fail 5.7.26', async () => {
    const r = await doctor({ ...good(), 'example.com': { TXT: ['v=spf1 ip4:192.0.2.1 -all'] } }, { dkimSelector: undefined });
    expect(step(r, 'spf')).toMatchObject({ status: 'fail', fix: 'Add ip4:203.0.113.7 to the SPF record of example.com.' });
    expect(step(r, 'dkim')).toMatchObject({ status: 'warn', detail: 'Not checked: no --dkim-selector given.' });
    expect(r.verdict.status).toBe('fail');
    expect(r.verdict.reply).toEqual({
      code: 550,
      enhanced: '5.7.26',
      lines: [
        'The (E)MAIL FROM domain [example.com] has an SPF record with a hard fail',
        'policy (-all) but it fails to pass SPF checks with the ip: [203.0.113.7]. To best',
        'protect our users from spam and phishing, the message has been blocked. <session-id> - gsmtp',
      ],
    });
  });

  it('no SPF record and no DKIM key: the unauthenticated 5.7.26, with an example record in the fix', async () => {
    const records = good();
    delete records['example.com'];
    delete records['s1._domainkey.example.com'];
    const r = await doctor(records);
    expect(step(r, 'spf')).toMatchObject({ status: 'warn', fix: 'Publish a TXT record at example.com: "v=spf1 ip4:203.0.113.7 ~all".' });
    expect(step(r, 'dkim')).toMatchObject({ status: 'fail', detail: 'No TXT record at s1._domainkey.example.com.' });
    expect(r.verdict.reply!.lines[5]).toBe(' SPF [example.com] with ip: [203.0.113.7] = did not pass');
    expect(r.verdict.reply).toMatchObject({ code: 550, enhanced: '5.7.26' });
  });

  it('SPF softfail but a usable DKIM key: Gmail can accept (warn)', async () => {
    const r = await doctor({ ...good(), 'example.com': { TXT: ['v=spf1 ip4:192.0.2.1 ~all'] } });
    expect(statuses(r)).toMatchObject({ spf: 'warn', dkim: 'pass' });
    expect(r.verdict).toEqual({ status: 'warn', summary: "Gmail would accept this sender's mail (DKIM can pass); worth fixing: SPF for example.com." });
  });

  it('SPF temperror and no usable key: the 421 4.7.26 reply', async () => {
    const r = await doctor({ ...good(), 'example.com': { TXT: 'SERVFAIL' }, 's1._domainkey.example.com': { TXT: 'SERVFAIL' } });
    expect(statuses(r)).toMatchObject({ spf: 'fail', dkim: 'fail' });
    expect(step(r, 'dkim').detail).toBe('The lookup of s1._domainkey.example.com failed temporarily (ESERVFAIL).');
    expect(r.verdict.reply).toMatchObject({ code: 421, enhanced: '4.7.26' });
  });

  it('a 512-bit DKIM key: warn', async () => {
    const r = await doctor({ ...good(), 's1._domainkey.example.com': { TXT: [weak.txt] } });
    expect(step(r, 'dkim')).toMatchObject({ status: 'warn', detail: 'The key at s1._domainkey.example.com has 512 bits; Gmail asks for at least 1024.' });
  });

  it('a TXT at the selector that is not a key: fail', async () => {
    const r = await doctor({ ...good(), 's1._domainkey.example.com': { TXT: ['v=DKIM1; k=rsa; p='] } });
    expect(step(r, 'dkim').status).toBe('fail');
    expect(step(r, 'dkim').detail).toMatch(/^The TXT record at s1\._domainkey\.example\.com is not a usable DKIM key/);
  });

  it('no DMARC record: warn with the 5.7.40 bulk reply; p=none: warn', async () => {
    const without = good();
    delete without['_dmarc.example.com'];
    const r = await doctor(without);
    expect(step(r, 'dmarc')).toMatchObject({ status: 'warn', reply: { code: 550, enhanced: '5.7.40' }, fix: 'Publish a TXT record at _dmarc.example.com: "v=DMARC1; p=none; rua=mailto:dmarc@example.com".' });
    const none = await doctor({ ...good(), '_dmarc.example.com': { TXT: ['v=DMARC1; p=none'] } });
    expect(step(none, 'dmarc').status).toBe('warn');
  });

  it('a subdomain sender uses the organizational record (sp=)', async () => {
    const r = await doctor({ ...good(), 'news.example.com': { TXT: ['v=spf1 ip4:203.0.113.7 -all'] }, '_dmarc.example.com': { TXT: ['v=DMARC1; p=none; sp=quarantine'] } }, { from: 'n@news.example.com', dkimSelector: undefined });
    expect(step(r, 'dmarc')).toMatchObject({ status: 'pass', detail: 'the organizational domain’s record ("v=DMARC1; p=none; sp=quarantine") asks receivers to quarantine mail that fails DMARC.' });
  });

  it.each([
    [{ ip: 'not-an-ip' }, '--ip must be an IPv4 or IPv6 address, got "not-an-ip"'],
    [{ helo: ' ' }, '--helo is required'],
    [{ from: 'nobody' }, '--from must be an address like alice@example.com, got "nobody"'],
    [{ dkimSelector: 'a b' }, '--dkim-selector must be a DNS label like s1, got "a b"'],
  ])('invalid input %j → DoctorInputError', async (bad, message) => {
    await expect(doctor(good(), bad)).rejects.toThrow(DoctorInputError);
    await expect(doctor(good(), bad)).rejects.toThrow(message);
  });

  it('formatReport: one block per step with the Gmail reply lines and the fix, then the verdict', async () => {
    const records = good();
    delete records['203.0.113.7'];
    const text = formatReport(await doctor(records, { helo: 'mail.example.com' }));
    expect(text).toContain('[FAIL] Reverse DNS (PTR)\n       203.0.113.7 has no PTR record.\n       Gmail: 550-5.7.25 [203.0.113.7] The IP address sending this message does not have a PTR record\n');
    expect(text).toContain('       Gmail: 550 5.7.25  https://support.google.com/mail/answer/81126#ip-practices <session-id> - gsmtp\n       Fix:   Ask the owner of 203.0.113.7');
    expect(text).toContain('[PASS] SPF for example.com');
    expect(text).toMatch(/\nVerdict: FAIL — Gmail would refuse this sender: reverse dns \(ptr\) — 203\.0\.113\.7 has no PTR record\.\n {2}550-5\.7\.25 /);
  });
});
