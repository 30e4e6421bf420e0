/**
 * mail/mailauth-steps.ts gives what mailauth 4.13.3's own authenticate() gives (BIMI off), on
 * a table of messages and envelopes: unsigned, signed (pass, body changed, weak key, key
 * missing), ARC-sealed, the null sender, a HELO address literal, no HELO at all. Real
 * mailauth, real RSA signatures, a real DNS world; and it must not load mailauth's BIMI code.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { authenticate } from 'mailauth';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../../test/support/cli-server.js';
import { dkimKey, plainMessage, signedMessage, type DkimKey } from '../../test/support/dkim.js';
import { mailauthResolver } from '../dns/mailauth-resolver.js';
import { StaticDnsWorld } from '../dns/world.js';
import { mailauthSteps, type MailauthOptions } from './mailauth-steps.js';

let key: DkimKey;
let weak: DkimKey;
let forwarder: DkimKey;
let world: StaticDnsWorld;
const messages = new Map<string, Buffer>();

beforeAll(async () => {
  key = dkimKey(2048);
  weak = dkimKey(512);
  forwarder = dkimKey(2048);
  world = new StaticDnsWorld({
    'example.com': { TXT: ['v=spf1 ip4:203.0.113.7 -all'] },
    '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] },
    's1._domainkey.example.com': { TXT: [key.txt] },
    'weak._domainkey.example.com': { TXT: [weak.txt] },
    'other.example': { TXT: ['v=spf1 -all'] },
    '_dmarc.other.example': { TXT: ['v=DMARC1; p=quarantine'] },
    'arc._domainkey.forwarder.example': { TXT: [forwarder.txt] },
  });
  const mail = { from: 'Alice <alice@example.com>', to: 'bob@gmail.com', subject: 'hello', text: 'a body\r\n'.repeat(20) };
  const signed = await signedMessage(mail, { domain: 'example.com', selector: 's1', key });
  messages.set('unsigned', await plainMessage(mail));
  messages.set('unsigned, From of another domain', await plainMessage({ ...mail, from: 'x@other.example' }));
  messages.set('no From field', Buffer.from('Subject: none\r\nTo: b@gmail.com\r\n\r\nx\r\n'));
  messages.set('two From addresses', Buffer.from('From: a@example.com, b@other.example\r\n\r\nx\r\n'));
  messages.set('signed', signed);
  messages.set('signed, body changed after signing', Buffer.concat([signed, Buffer.from('tampered\r\n')]));
  messages.set('signed with a 512-bit key', await signedMessage(mail, { domain: 'example.com', selector: 'weak', key: weak }));
  messages.set('signed, selector not in DNS', await signedMessage(mail, { domain: 'example.com', selector: 'gone', key }));
  const sealed = await authenticate(signed, {
    ip: '203.0.113.7', helo: 'mail.example.com', sender: 'alice@example.com', mta: 'mx.forwarder.example',
    resolver: mailauthResolver(world) as never, disableBimi: true,
    seal: { signingDomain: 'forwarder.example', selector: 'arc', privateKey: forwarder.privateKey },
  });
  messages.set('ARC-sealed by a forwarder', Buffer.concat([Buffer.from(sealed.headers), signed]));
});

const envelopes: Array<[string, Omit<MailauthOptions, 'resolver' | 'minBitLength'>]> = [
  ['the permitted address', { ip: '203.0.113.7', helo: 'mail.example.com', sender: 'alice@example.com', mta: 'mx.google.com' }],
  ['another address', { ip: '198.51.100.9', helo: 'relay.example.net', sender: 'alice@example.com', mta: 'mx.google.com' }],
  ['the null sender (SPF of the HELO name)', { ip: '203.0.113.7', helo: 'example.com', sender: undefined, mta: 'mx.google.com' }],
  ['an address literal as HELO', { ip: '203.0.113.7', helo: '203.0.113.7', sender: 'alice@example.com', mta: 'mx.google.com' }],
  ['no HELO name', { ip: '203.0.113.7', helo: undefined, sender: undefined, mta: 'mx.google.com' }],
];

/** Everything Bouncer reads, as plain data (the DKIM results carry no functions or buffers that matter). */
const plain = (r: { dkim: unknown; spf: unknown; dmarc: unknown; arc: unknown; headers: string }) =>
  JSON.parse(JSON.stringify({ dkim: r.dkim, spf: r.spf, dmarc: r.dmarc, arc: r.arc, headers: r.headers })) as unknown;

describe('mailauthSteps gives the result of mailauth.authenticate() without BIMI', () => {
  const names = ['unsigned', 'unsigned, From of another domain', 'no From field', 'two From addresses', 'signed', 'signed, body changed after signing', 'signed with a 512-bit key', 'signed, selector not in DNS', 'ARC-sealed by a forwarder'];
  it.each(names.flatMap((m) => envelopes.map(([e, env]) => [m, e, env] as const)))('%s, %s', async (name, _e, env) => {
    const raw = messages.get(name)!;
    const opts = { ...env, resolver: mailauthResolver(world), minBitLength: 512 };
    const theirs = await authenticate(raw, { ...opts, resolver: opts.resolver as never, disableBimi: true });
    const ours = await mailauthSteps(raw, opts);
    expect(plain(ours)).toEqual(plain(theirs));
  });

  it('the table covers what matters: pass, fail, ARC pass, and a DMARC result', async () => {
    const opts = { ...envelopes[0]![1], resolver: mailauthResolver(world), minBitLength: 512 };
    const signed = await mailauthSteps(messages.get('signed')!, opts);
    expect([signed.dkim.results[0]?.status.result, signed.spf && signed.spf.status.result, signed.dmarc && signed.dmarc.status.result]).toEqual(['pass', 'pass', 'pass']);
    const tampered = await mailauthSteps(messages.get('signed, body changed after signing')!, opts);
    expect(tampered.dkim.results[0]?.status.result).toBe('neutral');
    const sealed = await mailauthSteps(messages.get('ARC-sealed by a forwarder')!, opts);
    expect(sealed.arc && sealed.arc.status.result).toBe('pass');
  });
});

describe('what it loads', () => {
  // the compiled server as `bouncer` runs it: the module cache after importing its entry module
  it("the server does not load mailauth's BIMI module or its dependencies", async () => {
    await ensureBuilt();
    const script = `
      import { createRequire } from 'node:module';
      await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/server/src/main.js')).href)});
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify({
        steps: loaded.filter((p) => /mailauth[\\/]lib[\\/](spf|arc|dmarc|dkim)[\\/]/.test(p)).length,
        bimi: loaded.filter((p) => /mailauth[\\/]lib[\\/]bimi|[\\/]undici[\\/]|@postalsys[\\/]vmc/.test(p)),
      }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    const { steps, bimi } = JSON.parse(out) as { steps: number; bimi: string[] };
    expect(steps).toBeGreaterThan(4);
    expect(bimi).toEqual([]);
  }, 120_000);
});
