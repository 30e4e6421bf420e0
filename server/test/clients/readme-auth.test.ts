/**
 * The README's two authentication configs, taken from README.md itself, with nodemailer
 * sending from loopback: the first gets Gmail's 550 5.7.26, the second (with a real key in
 * place of the README's elided one) is accepted with dkim=pass and spf=pass.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { BouncerConfigInput } from '../../src/config/schema.js';
import { startTestBouncer, type TestBouncer } from '../support/bouncer.js';
import { dkimKey } from '../support/dkim.js';

const README = readFileSync(path.join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');

/** The first ```yaml block after `marker`. */
function yamlAfter(marker: string): BouncerConfigInput {
  const at = README.indexOf(marker);
  expect(at, `README has "${marker}"`).toBeGreaterThan(0);
  const block = /```yaml\n([\s\S]*?)```/.exec(README.slice(at))!;
  return parse(block[1]!) as BouncerConfigInput;
}

const started: TestBouncer[] = [];
afterAll(async () => Promise.all(started.map((b) => b.stop())));

interface SmtpError extends Error {
  response?: string;
}

async function sendFrom(b: TestBouncer, dkim?: { domainName: string; keySelector: string; privateKey: string }) {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: b.port('smtp'), secure: false, name: 'mail.myapp.example', ...(dkim ? { dkim } : {}) });
  return t.sendMail({ from: 'App <app@myapp.example>', to: 'someone@gmail.com', subject: 'Welcome', text: 'Hello from the README' });
}

describe('README: Sender authentication', () => {
  it('the config that "makes Gmail’s 550 5.7.26 happen" does', async () => {
    const b = await startTestBouncer(yamlAfter("This config makes Gmail's `550 5.7.26` happen"));
    started.push(b);
    const err = (await sendFrom(b).catch((e: unknown) => e)) as SmtpError;
    expect(err.response?.split('\n')).toEqual([
      '550-5.7.26 The (E)MAIL FROM domain [myapp.example] has an SPF record with a hard fail',
      '550-5.7.26 policy (-all) but it fails to pass SPF checks with the ip: [127.0.0.1]. To best',
      expect.stringMatching(/^550 5\.7\.26 protect our users from spam and phishing, the message has been blocked\. \S+ - gsmtp$/),
    ]);
  });

  it('the config that "passes" does, with a real key where the README elides it', async () => {
    const key = dkimKey(2048);
    const config = yamlAfter('And this one passes');
    const records = (config.dns as { records: Record<string, { TXT: string[] }> }).records;
    expect(records['s1._domainkey.myapp.example']!.TXT[0]).toMatch(/^v=DKIM1; k=rsa; p=MIIB/);
    records['s1._domainkey.myapp.example'] = { TXT: [key.txt] };
    const b = await startTestBouncer(config);
    started.push(b);
    const info = await sendFrom(b, { domainName: 'myapp.example', keySelector: 's1', privateKey: key.privateKey });
    expect(info.response).toMatch(/^250 2\.0\.0 OK \d{10} \S+ - gsmtp$/);
    const [message] = b.store.listMessages({}).items;
    expect(message!.auth).toMatchObject({ spf: { result: 'pass' }, dkim: [{ result: 'pass' }], dmarc: { result: 'pass', policy: 'reject' } });
  });
});
