/**
 * `bouncer doctor --resolver` and `POST /api/v1/doctor {resolver}` against a real DNS server:
 * dnsmasq on a loopback port with a zone of test records (server/test/support/dnsmasq.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doctorMain } from '../src/doctor/cli.js';
import type { DoctorReport } from '../src/doctor/doctor.js';
import { startTestBouncer, type TestBouncer } from './support/bouncer.js';
import { dkimKey, type DkimKey } from './support/dkim.js';
import { startDnsmasq, type Dnsmasq } from './support/dnsmasq.js';

let key: DkimKey;
let server: Dnsmasq;
let bouncer: TestBouncer;
beforeAll(async () => {
  key = dkimKey(2048);
  server = await startDnsmasq({
    hosts: { 'mail.example.com': '203.0.113.7' },
    ptr: { '203.0.113.8': 'nowhere.example.net' },
    txt: {
      'example.com': ['v=spf1 ip4:203.0.113.7 -all'],
      // a 2048-bit key is longer than one 255-octet character-string
      's1._domainkey.example.com': [key.txt],
      '_dmarc.example.com': ['v=DMARC1; p=reject; rua=mailto:dmarc@example.com'],
    },
  });
  bouncer = await startTestBouncer();
});
afterAll(async () => {
  await bouncer?.stop();
  await server?.stop();
});

/** Runs the doctor CLI in-process and captures what it prints. */
async function doctorCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (f: (s: string) => void) => ({ write: (s: string) => (f(s), true) }) as unknown as NodeJS.WritableStream;
  const code = await doctorMain(args, {}, sink((s) => (stdout += s)), sink((s) => (stderr += s)));
  return { code, stdout, stderr };
}

describe('doctor against dnsmasq', () => {
  it('a well-configured sender: every step passes (PTR, A, SPF, a chunked DKIM TXT, DMARC from real DNS), exit 0', async () => {
    const r = await doctorCli(['--ip', '203.0.113.7', '--helo', 'mail.example.com', '--from', 'alice@example.com', '--dkim-selector', 's1', '--resolver', server.address, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code, r.stdout).toBe(0);
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(report.dns).toBe(`DNS server ${server.address}`);
    expect(report.steps.map((s) => [s.id, s.status])).toEqual([
      ['ehlo-form', 'pass'],
      ['ptr', 'pass'],
      ['forward-confirmation', 'pass'],
      ['ehlo-matches-ptr', 'pass'],
      ['spf', 'pass'],
      ['dkim', 'pass'],
      ['dmarc', 'pass'],
    ]);
    expect(report.steps.find((s) => s.id === 'dkim')!.detail).toBe('s1._domainkey.example.com publishes a 2048-bit RSA key.');
    expect(report.verdict.status).toBe('pass');
  });

  it('a PTR that does not resolve back and an IP SPF does not list: exit 1 with the 5.7.25 reply (text output)', async () => {
    const r = await doctorCli(['--ip', '203.0.113.8', '--helo', 'mail.example.com', '--from', 'alice@example.com', '--resolver', server.address]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`DNS server ${server.address}`);
    expect(r.stdout).toContain('[PASS] Reverse DNS (PTR)\n       203.0.113.8 has the PTR nowhere.example.net.');
    expect(r.stdout).toContain('[FAIL] Forward-confirmed reverse DNS\n       203.0.113.8 has the PTR nowhere.example.net, but nowhere.example.net does not resolve back to 203.0.113.8.');
    expect(r.stdout).toContain('[FAIL] SPF for example.com\n       SPF for example.com with 203.0.113.8 is fail (record "v=spf1 ip4:203.0.113.7 -all")');
    expect(r.stdout).toContain('       Fix:   Add ip4:203.0.113.8 to the SPF record of example.com.');
    expect(r.stdout).toMatch(/\nVerdict: FAIL — Gmail would refuse this sender: forward-confirmed reverse dns — .*\n {2}550-5\.7\.25 \[203\.0\.113\.8\] The IP address sending this message does not have a PTR record\n/);
  });

  it('names the real DNS server has nothing for: NXDOMAIN is "none", not an error', async () => {
    const r = await doctorCli(['--ip', '198.51.100.1', '--helo', 'mx.unknown.example', '--from', 'a@unknown.example', '--resolver', server.address, '--json']);
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(report.steps.find((s) => s.id === 'ptr')).toMatchObject({ status: 'fail', detail: '198.51.100.1 has no PTR record.' });
    expect(report.steps.find((s) => s.id === 'spf')!.detail).toBe('SPF for unknown.example with 198.51.100.1 is none (no SPF record): mx.google.com: unknown.example does not designate permitted sender hosts.');
    expect(report.steps.find((s) => s.id === 'dmarc')!.status).toBe('warn');
  });

  it('POST /api/v1/doctor with the same resolver gives the same report as the CLI', async () => {
    const args = { ip: '203.0.113.8', helo: 'mail.example.com', from: 'alice@example.com', dkimSelector: 's1' };
    const cli = JSON.parse((await doctorCli(['--ip', args.ip, '--helo', args.helo, '--from', args.from, '--dkim-selector', 's1', '--resolver', server.address, '--json'])).stdout) as DoctorReport;
    const res = await fetch(`${bouncer.http.url}/api/v1/doctor`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...args, resolver: server.address }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(cli);
    // SPF fails for .8, but the published DKIM key can authenticate the mail: only the PTR refuses it
    expect(cli.verdict).toMatchObject({ status: 'fail', reply: { code: 550, enhanced: '5.7.25' } });
  });

  it('a DNS server that does not answer: lookups are temporary failures', async () => {
    const stopped = await startDnsmasq({});
    const address = stopped.address;
    await stopped.stop();
    const r = await doctorCli(['--ip', '203.0.113.7', '--helo', 'mail.example.com', '--from', 'alice@example.com', '--resolver', address, '--json']);
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(report.steps.find((s) => s.id === 'ptr')).toMatchObject({ status: 'fail', reply: { code: 451, enhanced: '4.7.23' } });
    expect(r.code).toBe(1);
  }, 30_000);
});

describe('doctor usage errors', () => {
  it.each([
    [['--ip', '203.0.113.7'], 'bouncer doctor: missing --helo, --from'],
    [['--ip', 'x', '--helo', 'h.example', '--from', 'a@example.com'], 'bouncer doctor: --ip must be an IPv4 or IPv6 address, got "x"'],
    [['--ip', '203.0.113.7', '--helo', 'h.example', '--from', 'a@example.com', '--resolver', 'dns.example:53'], 'bouncer doctor: --resolver wants an IP address with an optional port'],
    [['--nope'], "bouncer doctor: Unknown option '--nope'"],
  ])('%j → exit 2', async (args, message) => {
    const r = await doctorCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
