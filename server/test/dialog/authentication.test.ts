/**
 * Sender authentication at the end of DATA on gmail-mx, end to end: real SMTP on port 0,
 * real DKIM signatures (nodemailer, a key generated here), mailauth 4.13.3 checking them
 * against the DNS world in the config, client addresses claimed with XCLIENT.
 */
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BouncerConfigInput } from '../../src/config/schema.js';
import type { WorldRecords } from '../../src/dns/world.js';
import type { MessageRecord, SessionRecord } from '../../src/store/types.js';
import { startTestBouncer, type TestBouncer } from '../support/bouncer.js';
import { dkimKey, plainMessage, signedMessage, type DkimKey } from '../support/dkim.js';
import { acceptedPattern, expectOpen, open, storedSession, type OpenSession } from './helpers.js';

/** Gmail's 5.7.26 for an unauthenticated sender (jtojnar/nixfiles#13), exactly. */
function unauthenticated550(domain: string, ip: string, id: string): string[] {
  return [
    '550-5.7.26 Your email has been blocked because the sender is unauthenticated.',
    '550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM.',
    '550-5.7.26 ',
    '550-5.7.26  Authentication results:',
    '550-5.7.26  DKIM = did not pass',
    `550-5.7.26  SPF [${domain}] with ip: [${ip}] = did not pass`,
    '550-5.7.26 ',
    '550-5.7.26  For instructions on setting up authentication, go to',
    `550 5.7.26  https://support.google.com/mail/answer/81126#authentication ${id} - gsmtp`,
  ];
}

function hardfail550(domain: string, ip: string, id: string): string[] {
  return [
    `550-5.7.26 The (E)MAIL FROM domain [${domain}] has an SPF record with a hard fail`,
    `550-5.7.26 policy (-all) but it fails to pass SPF checks with the ip: [${ip}]. To best`,
    `550 5.7.26 protect our users from spam and phishing, the message has been blocked. ${id} - gsmtp`,
  ];
}

function tempfail421(domain: string, ip: string, id: string): string[] {
  return [
    '421-4.7.26 Your email has been rate limited because the sender is unauthenticated.',
    '421-4.7.26 Gmail requires all senders to authenticate with either SPF or DKIM.',
    '421-4.7.26 ',
    '421-4.7.26  Authentication results:',
    '421-4.7.26  DKIM = did not pass',
    `421-4.7.26  SPF [${domain}] with ip: [${ip}] = did not pass`,
    '421-4.7.26 ',
    '421-4.7.26  For instructions on setting up authentication, go to',
    `421 4.7.26  https://support.google.com/mail/answer/81126#authentication ${id} - gsmtp`,
  ];
}

function dmarc550(domain: string, id: string): string[] {
  return [
    `550-5.7.26 Unauthenticated email from ${domain} is not accepted due to domain's`,
    `550-5.7.26 DMARC policy. Please contact the administrator of ${domain} domain if`,
    '550-5.7.26 this was a legitimate mail. To learn about the DMARC initiative, go to',
    `550 5.7.26  https://support.google.com/mail/?p=DmarcRejection ${id} - gsmtp`,
  ];
}

/** A claimed address with forward-confirmed reverse DNS, so that message.ptr passes. */
function host(ip: string, name: string): WorldRecords {
  return { [ip]: { PTR: [name] }, [name]: { A: [ip] } };
}

let key: DkimKey;
let b: TestBouncer;
const started: TestBouncer[] = [];
async function bouncerWith(overrides: BouncerConfigInput): Promise<TestBouncer> {
  const x = await startTestBouncer(overrides);
  started.push(x);
  return x;
}

const WORLD = (): WorldRecords => ({
  ...host('203.0.113.7', 'mail.example.com'),
  ...host('203.0.113.8', 'rogue.example.net'),
  ...host('203.0.113.9', 'relay.example.net'),
  ...host('203.0.113.10', 'other.example.net'),
  // example.com: SPF for one address with -all, the DKIM key, DMARC p=none
  'example.com': { TXT: ['v=spf1 ip4:203.0.113.7 ip4:127.0.0.1 -all'] },
  's1._domainkey.example.com': { TXT: [key.txt] },
  '_dmarc.example.com': { TXT: ['v=DMARC1; p=none'] },
  'soft.example': { TXT: ['v=spf1 ip4:203.0.113.7 ~all'] },
  'nospf.example': { TXT: ['google-site-verification=abc'] },
  'broken.example': { TXT: 'SERVFAIL' },
  'strict.example': { TXT: ['v=spf1 ip4:203.0.113.9 -all'] },
  '_dmarc.strict.example': { TXT: ['v=DMARC1; p=reject'] },
  'careful.example': { TXT: ['v=spf1 ip4:203.0.113.9 -all'] },
  '_dmarc.careful.example': { TXT: ['v=DMARC1; p=quarantine'] },
  'relaxed.example': { TXT: ['v=spf1 ip4:203.0.113.9 -all'] },
  '_dmarc.relaxed.example': { TXT: ['v=DMARC1; p=none'] },
  'bounces.esp.example': { TXT: ['v=spf1 ip4:203.0.113.10 -all'] },
});

beforeAll(async () => {
  key = dkimKey(2048);
  b = await bouncerWith({ dns: { records: WORLD() } });
});
afterAll(async () => {
  await Promise.all(started.map((x) => x.stop()));
});

/** XCLIENT ADDR, then EHLO: the session is now judged as that address. */
async function claimed(bouncer: TestBouncer, ip: string, helo = 'mail.example.com'): Promise<OpenSession> {
  const s = await open(bouncer);
  expect((await s.c.command(`XCLIENT ADDR=${ip}`)).lines).toEqual([`220 mx.google.com ESMTP ${s.id} - gsmtp`]);
  expect((await s.c.command(`EHLO ${helo}`)).code).toBe(250);
  return s;
}

/** MAIL, RCPT, DATA, then the raw message bytes and the end-of-data dot, written on the socket. */
async function sendRaw(s: OpenSession, mailFrom: string, raw: Buffer): Promise<string[]> {
  expect((await s.c.command(`MAIL FROM:<${mailFrom}>`)).lines).toEqual([`250 2.1.0 OK ${s.id} - gsmtp`]);
  expect((await s.c.command('RCPT TO:<bob@gmail.com>')).lines).toEqual([`250 2.1.5 OK ${s.id} - gsmtp`]);
  expect((await s.c.command('DATA')).lines).toEqual([`354 Go ahead ${s.id} - gsmtp`]);
  // RFC 5321 §4.5.2: dot-stuff lines that start with a dot
  const text = raw.toString('utf8').replace(/\r\n\./g, '\r\n..');
  return (await s.c.command(`${text.endsWith('\r\n') ? text : `${text}\r\n`}.`)).lines;
}

const mail = (from: string, subject = 'hello') => ({ from, to: 'bob@gmail.com', subject, text: `a message about ${subject}` });
const onlyMessage = (bouncer: TestBouncer, sessionId: string): MessageRecord => {
  const { items } = bouncer.store.listMessages({ sessionId });
  expect(items).toHaveLength(1);
  return bouncer.store.getMessage(items[0]!.id)!;
};

async function expectRejected(bouncer: TestBouncer, id: string, ruleId: string, code: number, enhanced: string): Promise<SessionRecord> {
  const stored = await storedSession(bouncer, id);
  expect(stored.rejection).toEqual({ phase: 'message', ruleId, code, enhanced });
  const decision = stored.decisions.find((d) => d.ruleId === ruleId)!;
  expect(decision).toMatchObject({ phase: 'message', verdict: 'reject', reply: { code, enhanced } });
  expect(onlyMessage(bouncer, id).status).toBe('rejected');
  return stored;
}

describe('DKIM signed by nodemailer with a key generated in the test', () => {
  it('nodemailer from loopback (SPF lists 127.0.0.1, the key is in the world) → 250; stored results say dkim=pass', async () => {
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: b.port('smtp'),
      secure: false,
      name: 'mail.example.com',
      dkim: { domainName: 'example.com', keySelector: 's1', privateKey: key.privateKey },
    });
    const info = await t.sendMail({ ...mail('Alice <alice@example.com>', 'signed by nodemailer'), envelope: { from: 'alice@example.com', to: ['bob@gmail.com'] } });
    const m = /^250 2\.0\.0 OK \d{10} (\S+) - gsmtp$/.exec(info.response);
    expect(m, info.response).not.toBeNull();
    const sessionId = m![1]!;
    const message = onlyMessage(b, sessionId);
    expect(message.status).toBe('accepted');
    expect(message.auth).toMatchObject({
      spf: { result: 'pass', domain: 'example.com', identity: 'mailfrom', ip: '127.0.0.1', declared: true },
      dkim: [{ result: 'pass', domain: 'example.com', selector: 's1', aligned: true, keyBits: 2048, declared: true }],
      dmarc: { result: 'pass', domain: 'example.com', policy: 'none', spfAligned: true, dkimAligned: true },
      arc: { result: 'none', instance: 0 },
    });
    // RFC 8601: the stored copy starts with the receiver's Authentication-Results
    const raw = b.store.getRaw(message.id)!.toString('utf8');
    expect(raw.startsWith(`${message.auth!.header}\r\n`)).toBe(true);
    expect(raw).toMatch(/^Authentication-Results: mx\.google\.com;\r\n dkim=pass header\.i=@example\.com header\.s=s1 header\.a=rsa-sha256 header\.b=\S+;\r\n spf=pass /);
    expect(raw).toContain('dmarc=pass (p=NONE arc=none) header.from=example.com');
    // and the API returns the same structured results
    const api = (await (await fetch(`${b.http.url}/api/v1/messages/${message.id}`)).json()) as MessageRecord;
    expect(api.auth).toEqual(message.auth);
    const session = await storedSession(b, sessionId);
    expect(session.warnings).toEqual([]);
  });

  it('signed, sent raw from a claimed address SPF does not list (~all): DKIM alone authenticates → 250', async () => {
    const raw = await signedMessage(mail('alice@soft.example'), { domain: 'example.com', selector: 's1', key });
    const s = await claimed(b, '203.0.113.9', 'relay.example.net');
    expect((await sendRaw(s, 'alice@soft.example', raw)).at(-1)).toMatch(acceptedPattern(s.id));
    s.c.close();
    expect(onlyMessage(b, s.id).auth).toMatchObject({ spf: { result: 'softfail' }, dkim: [{ result: 'pass', aligned: false }] });
  });

  it('one header changed after signing (a raw socket send) → the multi-line 550 5.7.26', async () => {
    const raw = await signedMessage(mail('alice@soft.example', 'original subject'), { domain: 'example.com', selector: 's1', key });
    const tampered = Buffer.from(raw.toString('utf8').replace('Subject: original subject', 'Subject: tampered subject'));
    expect(tampered.equals(raw)).toBe(false);
    const s = await claimed(b, '203.0.113.9', 'relay.example.net');
    expect(await sendRaw(s, 'alice@soft.example', tampered)).toEqual(unauthenticated550('soft.example', '203.0.113.9', s.id));
    await expectOpen(s);
    s.c.close();
    const stored = await expectRejected(b, s.id, 'message.unauthenticated', 550, '5.7.26');
    const decision = stored.decisions.find((d) => d.ruleId === 'message.unauthenticated')!;
    expect(decision.why).toBe(
      'Neither SPF nor DKIM passes: SPF for soft.example with ip 203.0.113.9 is softfail (record "v=spf1 ip4:203.0.113.7 ~all"); DKIM d=example.com s=s1 is fail (bad signature).',
    );
    expect(decision.fix).toBe(
      'Either add ip4:203.0.113.9 to the SPF record of soft.example ("v=spf1 ip4:203.0.113.7 ~all"), or sign with DKIM and publish the public key as TXT at s1._domainkey.example.com ("v=DKIM1; k=rsa; p=<base64 key>").',
    );
    const message = onlyMessage(b, s.id);
    expect(message.rejection).toMatchObject({ ruleId: 'message.unauthenticated', code: 550, enhanced: '5.7.26' });
    expect(message.auth!.dkim[0]).toMatchObject({ result: 'fail', comment: 'bad signature' });
    // a rejected message is stored as received: no Authentication-Results added
    expect(b.store.getRaw(message.id)!.equals(tampered)).toBe(true);
  });

  it('the same tampered message from an address the -all record does not list → the 5.7.26 hard-fail text', async () => {
    const raw = await signedMessage(mail('alice@example.com', 'original'), { domain: 'example.com', selector: 's1', key });
    const tampered = Buffer.from(raw.toString('utf8').replace('Subject: original', 'Subject: changed!'));
    const s = await claimed(b, '203.0.113.8', 'rogue.example.net');
    expect(await sendRaw(s, 'alice@example.com', tampered)).toEqual(hardfail550('example.com', '203.0.113.8', s.id));
    s.c.close();
    await expectRejected(b, s.id, 'message.spf-hardfail', 550, '5.7.26');
  });
});

describe('SPF results through XCLIENT addresses (unsigned messages)', () => {
  const cases: Array<[string, string, string, string, (id: string) => string[] | RegExp, string?]> = [
    ['pass: listed in example.com’s record', '203.0.113.7', 'alice@example.com', 'pass', () => /^250 2\.0\.0 OK \d{10} /],
    ['fail: -all', '203.0.113.8', 'alice@example.com', 'fail', (id) => hardfail550('example.com', '203.0.113.8', id), 'message.spf-hardfail'],
    ['softfail: ~all', '203.0.113.9', 'alice@soft.example', 'softfail', (id) => unauthenticated550('soft.example', '203.0.113.9', id), 'message.unauthenticated'],
    ['none: the domain publishes TXT but no SPF', '203.0.113.9', 'alice@nospf.example', 'none', (id) => unauthenticated550('nospf.example', '203.0.113.9', id), 'message.unauthenticated'],
    ['temperror: the TXT lookup answers SERVFAIL', '203.0.113.9', 'alice@broken.example', 'temperror', (id) => tempfail421('broken.example', '203.0.113.9', id), 'message.auth-tempfail'],
  ];

  it.each(cases)('%s', async (_label, ip, from, result, expected, ruleId) => {
    const s = await claimed(b, ip);
    const lines = await sendRaw(s, from, await plainMessage(mail(from)));
    const want = expected(s.id);
    if (want instanceof RegExp) expect(lines.at(-1)).toMatch(acceptedPattern(s.id));
    else expect(lines).toEqual(want);
    if (ruleId === 'message.auth-tempfail') {
      // 421: the server closes the connection (RFC 5321 §3.8)
      expect(await s.c.waitClosed()).toBe(true);
    } else s.c.close();
    expect(onlyMessage(b, s.id).auth!.spf).toMatchObject({ result, ip, domain: from.split('@')[1] });
    if (ruleId) await expectRejected(b, s.id, ruleId, want instanceof RegExp ? 250 : Number(want[0]!.slice(0, 3)), want instanceof RegExp ? '' : want[0]!.slice(4, want[0]!.indexOf(' ')));
  });

  it('the null sender is judged by its HELO name', async () => {
    const s = await claimed(b, '203.0.113.8', 'rogue.example.net');
    const lines = await sendRaw(s, '', await plainMessage(mail('mailer-daemon@rogue.example.net')));
    // rogue.example.net is a PTR host only: undeclared, so none and a warning
    expect(lines.at(-1)).toMatch(acceptedPattern(s.id));
    s.c.close();
    expect(onlyMessage(b, s.id).auth!.spf).toMatchObject({ result: 'none', identity: 'helo', domain: 'rogue.example.net', declared: false });
  });
});

describe('DMARC policies', () => {
  it('p=reject, SPF passes for an unaligned bounce domain, no DKIM → 550 5.7.26 DMARC text', async () => {
    const s = await claimed(b, '203.0.113.10', 'other.example.net');
    expect(await sendRaw(s, 'b@bounces.esp.example', await plainMessage(mail('news@strict.example')))).toEqual(dmarc550('strict.example', s.id));
    s.c.close();
    const stored = await expectRejected(b, s.id, 'message.dmarc-reject', 550, '5.7.26');
    expect(stored.decisions.find((d) => d.ruleId === 'message.dmarc-reject')!.why).toContain('DMARC fails for strict.example (policy reject, record "v=DMARC1; p=reject")');
  });

  it('p=reject and nothing passes: the DMARC text wins over the SPF hard-fail', async () => {
    const s = await claimed(b, '203.0.113.8', 'rogue.example.net');
    expect(await sendRaw(s, 'x@strict.example', await plainMessage(mail('news@strict.example')))).toEqual(dmarc550('strict.example', s.id));
    s.c.close();
  });

  it('p=quarantine failing → 250, and a warning that Gmail would deliver it to spam (API and summary count)', async () => {
    const s = await claimed(b, '203.0.113.10', 'other.example.net');
    expect((await sendRaw(s, 'b@bounces.esp.example', await plainMessage(mail('news@careful.example')))).at(-1)).toMatch(acceptedPattern(s.id));
    s.c.close();
    const stored = await storedSession(b, s.id);
    const message = onlyMessage(b, s.id);
    expect(stored.outcome).toBe('accepted');
    expect(stored.warnings).toEqual([
      {
        at: expect.any(Number),
        phase: 'message',
        ruleId: 'message.dmarc-quarantine',
        text: 'Gmail would accept this message and deliver it to the spam folder: DMARC fails for careful.example, whose policy is quarantine.',
        why: 'DMARC fails for careful.example (policy quarantine, record "v=DMARC1; p=quarantine"): no SPF or DKIM pass is aligned with the From domain.',
        fix: 'Sign with DKIM for careful.example (key at s1._domainkey.careful.example), or send with a MAIL FROM address in careful.example whose SPF record has ip4:203.0.113.10.',
        reply: { code: 250, enhanced: '2.0.0', lines: [expect.stringMatching(/^OK \d{10} /)] },
        messageId: message.id,
      },
    ]);
    const api = (await (await fetch(`${b.http.url}/api/v1/sessions/${s.id}`)).json()) as SessionRecord;
    expect(api.warnings).toEqual(stored.warnings);
    const list = (await (await fetch(`${b.http.url}/api/v1/sessions?q=${s.id}`)).json()) as { items: Array<{ id: string; warningCount: number }> };
    expect(list.items.find((i) => i.id === s.id)!.warningCount).toBe(1);
  });

  it('p=none failing → 250, no warning', async () => {
    const s = await claimed(b, '203.0.113.10', 'other.example.net');
    expect((await sendRaw(s, 'b@bounces.esp.example', await plainMessage(mail('news@relaxed.example')))).at(-1)).toMatch(acceptedPattern(s.id));
    s.c.close();
    expect((await storedSession(b, s.id)).warnings).toEqual([]);
    expect(onlyMessage(b, s.id).auth!.dmarc).toMatchObject({ result: 'fail', policy: 'none' });
  });
});

describe('domains the DNS world does not declare', () => {
  it('default (dns.undeclared: none): 250, results none, a warning naming what Gmail would do and the records to declare', async () => {
    const s = await claimed(b, '203.0.113.7');
    expect((await sendRaw(s, 'app@undeclared.example', await plainMessage(mail('app@undeclared.example')))).at(-1)).toMatch(acceptedPattern(s.id));
    s.c.close();
    const message = onlyMessage(b, s.id);
    expect(message.auth).toMatchObject({ spf: { result: 'none', declared: false }, dkim: [], dmarc: { result: 'none', declared: false }, undeclaredPolicy: 'none' });
    const [warning] = (await storedSession(b, s.id)).warnings;
    expect(warning).toMatchObject({
      ruleId: 'message.auth-undeclared',
      text: "Gmail would refuse this message with 550 5.7.26 (sender unauthenticated): undeclared.example is not declared in Bouncer's DNS world, so SPF and DKIM are none.",
      fix: 'Declare the sender\'s records in the config, e.g. dns.records: {"undeclared.example": {TXT: ["v=spf1 ip4:203.0.113.7 ~all"]}} and a DKIM key TXT at s1._domainkey.undeclared.example; or set dns.undeclared: fail to get Gmail\'s 550 5.7.26.',
      messageId: message.id,
    });
    expect(warning!.reply!.lines).toEqual(unauthenticated550('undeclared.example', '203.0.113.7', s.id).map((l) => l.slice(11)));
  });

  it('dns.undeclared: fail → the 550 5.7.26 Gmail would give', async () => {
    const strict = await bouncerWith({ dns: { records: WORLD(), undeclared: 'fail' } });
    const s = await claimed(strict, '203.0.113.7');
    expect(await sendRaw(s, 'app@undeclared.example', await plainMessage(mail('app@undeclared.example')))).toEqual(unauthenticated550('undeclared.example', '203.0.113.7', s.id));
    s.c.close();
    await expectRejected(strict, s.id, 'message.unauthenticated', 550, '5.7.26');
    expect((await storedSession(strict, s.id)).warnings).toEqual([]);
  });
});

describe('bulk senders (config senders.bulk)', () => {
  let bulk: TestBouncer;
  beforeAll(async () => {
    bulk = await bouncerWith({
      dns: {
        records: {
          ...WORLD(),
          'news.example': { TXT: ['v=spf1 ip4:203.0.113.7 -all'] },
          's1._domainkey.news.example': { TXT: [key.txt] },
          '_dmarc.news.example': { TXT: ['v=DMARC1; p=none'] },
          'nodmarc.example': { TXT: ['v=spf1 ip4:203.0.113.7 -all'] },
          's1._domainkey.nodmarc.example': { TXT: [key.txt] },
        },
      },
      senders: { bulk: ['news.example', 'nodmarc.example', 'example.com'] },
    });
  });

  const oneClick = { 'List-Unsubscribe': '<https://news.example/u?id=1>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };

  it('SPF and DKIM pass, DMARC published, aligned, one-click unsubscribe → 250, no warning', async () => {
    const raw = await signedMessage({ ...mail('news@news.example'), headers: oneClick }, { domain: 'news.example', selector: 's1', key });
    const s = await claimed(bulk, '203.0.113.7');
    expect((await sendRaw(s, 'news@news.example', raw)).at(-1)).toMatch(acceptedPattern(s.id));
    s.c.close();
    expect((await storedSession(bulk, s.id)).warnings).toEqual([]);
    expect(onlyMessage(bulk, s.id).auth!.bulk).toBe(true);
  });

  it('without one-click unsubscribe → 250 and a warning, not a rejection', async () => {
    const raw = await signedMessage(mail('news@news.example'), { domain: 'news.example', selector: 's1', key });
    const s = await claimed(bulk, '203.0.113.7');
    expect((await sendRaw(s, 'news@news.example', raw)).at(-1)).toMatch(acceptedPattern(s.id));
    s.c.close();
    expect((await storedSession(bulk, s.id)).warnings.map((w) => w.ruleId)).toEqual(['message.bulk-unsubscribe']);
  });

  it('DKIM passes but SPF does not → 550 5.7.27', async () => {
    const raw = await signedMessage({ ...mail('news@news.example'), headers: oneClick }, { domain: 'news.example', selector: 's1', key });
    const s = await claimed(bulk, '203.0.113.9', 'relay.example.net');
    expect(await sendRaw(s, 'news@news.example', raw)).toEqual([
      "550-5.7.27 Your email has been blocked because SPF authentication didn't pass for this",
      '550-5.7.27 message. Gmail requires all bulk email senders to authenticate with SPF. For',
      '550-5.7.27 more information, go to',
      `550 5.7.27  https://support.google.com/mail/answer/81126#authentication ${s.id} - gsmtp`,
    ]);
    s.c.close();
    await expectRejected(bulk, s.id, 'message.bulk-spf', 550, '5.7.27');
  });

  it('SPF passes but the message is unsigned → 550 5.7.30', async () => {
    const s = await claimed(bulk, '203.0.113.7');
    expect(await sendRaw(s, 'news@news.example', await plainMessage({ ...mail('news@news.example'), headers: oneClick }))).toEqual([
      "550-5.7.30 Your email has been blocked because DKIM authentication didn't pass for this",
      '550-5.7.30 message. Gmail requires all bulk email senders to authenticate with DKIM. For',
      '550-5.7.30 more information, go to',
      `550 5.7.30  https://support.google.com/mail/answer/81126#authentication ${s.id} - gsmtp`,
    ]);
    s.c.close();
  });

  it('no DMARC record → 550 5.7.40', async () => {
    const raw = await signedMessage({ ...mail('news@nodmarc.example'), headers: oneClick }, { domain: 'nodmarc.example', selector: 's1', key });
    const s = await claimed(bulk, '203.0.113.7');
    expect(await sendRaw(s, 'news@nodmarc.example', raw)).toEqual([
      "550-5.7.40 Your email has been blocked because the sender's domain has no DMARC policy.",
      '550-5.7.40 Gmail requires all bulk email senders to publish a DMARC record. For more',
      '550-5.7.40 information, go to',
      `550 5.7.40  https://support.google.com/mail/answer/81126#authentication ${s.id} - gsmtp`,
    ]);
    s.c.close();
  });

  it('From aligned with neither SPF nor DKIM → 550 5.7.32', async () => {
    // SPF passes for news.example, DKIM passes for news.example, From is example.com (DMARC p=none)
    const raw = await signedMessage({ ...mail('alice@example.com'), headers: oneClick }, { domain: 'news.example', selector: 's1', key });
    const s = await claimed(bulk, '203.0.113.7');
    expect(await sendRaw(s, 'news@news.example', raw)).toEqual([
      '550-5.7.32 Your email has been blocked because the From: header (RFC5322) in this message',
      "550-5.7.32 isn't aligned with either the authenticated SPF or DKIM organizational domain.",
      '550-5.7.32 For more information, go to',
      `550 5.7.32  https://support.google.com/mail/answer/81126#authentication ${s.id} - gsmtp`,
    ]);
    s.c.close();
  });
});

describe('a DKIM key under 1024 bits', () => {
  it('verifies, the message is accepted, and the session carries a weak-key warning', async () => {
    const weak = dkimKey(512);
    const w = await bouncerWith({ dns: { records: { ...WORLD(), 'old._domainkey.example.com': { TXT: [weak.txt] } } } });
    const raw = await signedMessage(mail('alice@example.com'), { domain: 'example.com', selector: 'old', key: weak });
    const s = await claimed(w, '203.0.113.7');
    expect((await sendRaw(s, 'alice@example.com', raw)).at(-1)).toMatch(acceptedPattern(s.id));
    s.c.close();
    const [warning] = (await storedSession(w, s.id)).warnings;
    expect(warning).toMatchObject({ ruleId: 'message.dkim-weak-key', text: 'Gmail asks for DKIM keys of at least 1024 bits; old._domainkey.example.com has 512.' });
  });
});

describe('the submission profile', () => {
  it('does not judge sender authentication (smtp.gmail.com signs what it relays)', async () => {
    const s = await open(b, 'smtps', { tls: true });
    expect((await s.c.command('XCLIENT ADDR=203.0.113.8')).code).toBe(220);
    expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
    expect((await s.c.command(`AUTH PLAIN ${Buffer.from('\0u@example.com\0p').toString('base64')}`)).code).toBe(235);
    expect((await sendRaw(s, 'alice@strict.example', await plainMessage(mail('alice@strict.example')))).at(-1)).toMatch(acceptedPattern(s.id));
    s.c.close();
    expect((await storedSession(b, s.id)).warnings).toEqual([]);
  });
});
