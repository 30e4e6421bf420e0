/**
 * Gmail's submission server: STARTTLS before MAIL/AUTH (530 5.7.0), AUTH only after TLS,
 * MAIL only after AUTH, Gmail's 535/534 for bad credentials and 2-step accounts, 100
 * recipients per message, implicit TLS on smtps, and credentials never in the transcript.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBouncer, type TestBouncer } from '../support/bouncer.js';
import { acceptedPattern, b64, expectOpen, messageBody, open, plainToken, sendMessage, startTls, storedSession, type OpenSession } from './helpers.js';

const PLAIN_EHLO = [
  '250-smtp.gmail.com at your service, [127.0.0.1]',
  '250-SIZE 35882577',
  '250-8BITMIME',
  '250-STARTTLS',
  '250-ENHANCEDSTATUSCODES',
  '250-PIPELINING',
  '250-SMTPUTF8',
  '250 XCLIENT NAME ADDR PORT PROTO HELO LOGIN',
];
const TLS_EHLO = [
  '250-smtp.gmail.com at your service, [127.0.0.1]',
  '250-SIZE 35882577',
  '250-8BITMIME',
  '250-AUTH LOGIN PLAIN',
  '250-ENHANCEDSTATUSCODES',
  '250-PIPELINING',
  '250-SMTPUTF8',
  '250 XCLIENT NAME ADDR PORT PROTO HELO LOGIN',
];

const badCreds = (id: string) => [
  '535-5.7.8 Username and Password not accepted. Learn more at',
  `535 5.7.8  https://support.google.com/mail/?p=BadCredentials ${id} - gsmtp`,
];
const appPasswordRequired = (id: string) => [
  '534-5.7.9 Application-specific password required. Learn more at',
  `534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor ${id} - gsmtp`,
];
const authRequired = (id: string) => ['530-5.7.0 Authentication Required. Learn more at', `530 5.7.0 https://support.google.com/mail/?p=WantAuthError ${id} - gsmtp`];

let withUsers: TestBouncer;
let anyone: TestBouncer;
beforeAll(async () => {
  withUsers = await startTestBouncer({
    auth: {
      users: [
        { username: 'alice@example.com', password: 'right' },
        { username: 'bob@example.com', password: 'normal', appPassword: 'abcdabcdabcdabcd' },
      ],
    },
  });
  anyone = await startTestBouncer();
});
afterAll(async () => {
  await Promise.all([withUsers?.stop(), anyone?.stop()]);
});

async function tlsSession(b: TestBouncer): Promise<OpenSession> {
  const s = await open(b, 'submission');
  expect((await startTls(s)).lines).toEqual(TLS_EHLO);
  return s;
}

async function authLogin(s: OpenSession, user: string, pass: string) {
  expect((await s.c.command('AUTH LOGIN')).lines).toEqual(['334 VXNlcm5hbWU6']);
  expect((await s.c.command(b64(user))).lines).toEqual(['334 UGFzc3dvcmQ6']);
  return s.c.command(b64(pass));
}

describe('before STARTTLS', () => {
  it('greets as smtp.gmail.com; EHLO offers STARTTLS and no AUTH', async () => {
    const s = await open(anyone, 'submission');
    expect(s.greeting.lines).toEqual([`220 smtp.gmail.com ESMTP ${s.id} - gsmtp`]);
    expect((await s.c.command('EHLO mail.example.com')).lines).toEqual(PLAIN_EHLO);
    s.c.close();
  });

  it.each(['MAIL FROM:<alice@example.com>', `AUTH PLAIN ${plainToken('alice@example.com', 'right')}`, 'AUTH LOGIN'])(
    '%s → 530 5.7.0 Must issue a STARTTLS command first., stays open',
    async (line) => {
      const s = await open(withUsers, 'submission');
      expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
      expect((await s.c.command(line)).lines).toEqual([`530 5.7.0 Must issue a STARTTLS command first. ${s.id} - gsmtp`]);
      await expectOpen(s);
      s.c.close();
      const stored = await storedSession(withUsers, s.id);
      expect(stored.rejection).toEqual({ phase: 'command', ruleId: 'command.starttls-required', code: 530, enhanced: '5.7.0' });
    },
  );

  it('STARTTLS with a parameter → 501 5.7.11', async () => {
    const s = await open(anyone, 'submission');
    expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
    expect((await s.c.command('STARTTLS now')).lines).toEqual([`501 5.7.11 Syntax error (no parameters allowed) ${s.id} - gsmtp`]);
    await expectOpen(s);
    s.c.close();
  });
});

describe('after STARTTLS', () => {
  it('EHLO offers AUTH LOGIN PLAIN and no STARTTLS; a second STARTTLS → 454 5.5.1', async () => {
    const s = await tlsSession(anyone);
    expect((await s.c.command('STARTTLS')).lines).toEqual([`454 5.5.1 STARTTLS may not be repeated. ${s.id} - gsmtp`]);
    await expectOpen(s);
    s.c.close();
  });

  it('the TLS handshake forgets the EHLO: MAIL right after it → 503 EHLO/HELO first.', async () => {
    const s = await open(anyone, 'submission');
    expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
    expect((await s.c.command('STARTTLS')).lines).toEqual(['220 2.0.0 Ready to start TLS']);
    await s.c.upgrade();
    expect((await s.c.command('MAIL FROM:<alice@example.com>')).lines).toEqual([`503 5.5.1 EHLO/HELO first. ${s.id} - gsmtp`]);
    s.c.close();
  });

  it('MAIL without AUTH → 530 5.7.0 Authentication Required, stays open', async () => {
    const s = await tlsSession(withUsers);
    expect((await s.c.command('MAIL FROM:<alice@example.com>')).lines).toEqual(authRequired(s.id));
    await expectOpen(s);
    s.c.close();
    const stored = await storedSession(withUsers, s.id);
    expect(stored.rejection).toEqual({ phase: 'command', ruleId: 'command.auth-required', code: 530, enhanced: '5.7.0' });
  });

  describe('with users configured', () => {
    it.each([
      ['alice, wrong password', 'alice@example.com', 'wrong'],
      ['an unknown user', 'mallory@example.com', 'right'],
      ["bob's app password for alice", 'alice@example.com', 'abcdabcdabcdabcd'],
    ])('AUTH PLAIN with %s → 535 5.7.8, stays open', async (_label, user, pass) => {
      const s = await tlsSession(withUsers);
      expect((await s.c.command(`AUTH PLAIN ${plainToken(user, pass)}`)).lines).toEqual(badCreds(s.id));
      await expectOpen(s);
      // still not signed in
      expect((await s.c.command('MAIL FROM:<alice@example.com>')).lines).toEqual(authRequired(s.id));
      s.c.close();
      const stored = await storedSession(withUsers, s.id);
      expect(stored.decisions[0]).toMatchObject({ phase: 'auth', ruleId: 'auth.bad-credentials', reply: { code: 535, enhanced: '5.7.8' } });
      expect(stored.user).toBeUndefined();
    });

    it('AUTH LOGIN with a wrong password → 535 5.7.8', async () => {
      const s = await tlsSession(withUsers);
      expect((await authLogin(s, 'alice@example.com', 'wrong')).lines).toEqual(badCreds(s.id));
      await expectOpen(s);
      s.c.close();
    });

    it("AUTH PLAIN without an initial response: 334, then the token; bob's normal password → 534 5.7.9", async () => {
      const s = await tlsSession(withUsers);
      expect((await s.c.command('AUTH PLAIN')).lines).toEqual(['334 ']);
      expect((await s.c.command(plainToken('bob@example.com', 'normal'))).lines).toEqual(appPasswordRequired(s.id));
      await expectOpen(s);
      s.c.close();
      const stored = await storedSession(withUsers, s.id);
      expect(stored.rejection).toEqual({ phase: 'auth', ruleId: 'auth.app-password', code: 534, enhanced: '5.7.9' });
    });

    it("AUTH LOGIN with bob's normal password → 534 5.7.9", async () => {
      const s = await tlsSession(withUsers);
      expect((await authLogin(s, 'bob@example.com', 'normal')).lines).toEqual(appPasswordRequired(s.id));
      s.c.close();
    });

    it.each([
      ['PLAIN', 'bob@example.com', 'abcdabcdabcdabcd'],
      ['LOGIN', 'bob@example.com', 'abcdabcdabcdabcd'],
      ['PLAIN', 'alice@example.com', 'right'],
      ['PLAIN', 'ALICE@example.com', 'right'],
      ['LOGIN', 'alice@example.com', 'right'],
    ])('AUTH %s as %s with the right password → 235 2.7.0 Accepted, then a message goes through', async (mech, user, pass) => {
      const s = await tlsSession(withUsers);
      const reply = mech === 'PLAIN' ? await s.c.command(`AUTH PLAIN ${plainToken(user, pass)}`) : await authLogin(s, user, pass);
      expect(reply.lines).toEqual(['235 2.7.0 Accepted']);
      // no AUTH offered once signed in; another AUTH is refused
      expect((await s.c.command('EHLO mail.example.com')).lines).toEqual(TLS_EHLO.filter((l) => !l.includes('AUTH')));
      expect((await s.c.command(`AUTH PLAIN ${plainToken(user, pass)}`)).lines).toEqual([`503 5.7.0 No identity changes permitted. ${s.id} - gsmtp`]);
      expect((await sendMessage(s, { from: 'alice@example.com' })).last).toMatch(acceptedPattern(s.id));
      s.c.close();
      const stored = await storedSession(withUsers, s.id);
      expect(stored.outcome).toBe('accepted');
      expect(stored.user).toBe(user);
      expect(stored.tls).toBe(true);
    });
  });

  describe('protocol errors in AUTH', () => {
    it('an unknown mechanism → 504 5.7.4 Unrecognized authentication type.', async () => {
      const s = await tlsSession(anyone);
      expect((await s.c.command('AUTH CRAM-MD5')).lines).toEqual([`504 5.7.4 Unrecognized authentication type. ${s.id} - gsmtp`]);
      expect((await s.c.command('AUTH XOAUTH2 dG9rZW4=')).lines).toEqual([`504 5.7.4 Unrecognized authentication type. ${s.id} - gsmtp`]);
      await expectOpen(s);
      s.c.close();
    });

    it.each([
      ['AUTH PLAIN with an undecodable token', ['AUTH PLAIN !!!!']],
      ['AUTH PLAIN with two arguments', ['AUTH PLAIN a b']],
      ['AUTH LOGIN with an empty user name', ['AUTH LOGIN', '']],
    ])('%s → 501 5.5.2 Cannot Decode response', async (_label, lines) => {
      const s = await tlsSession(anyone);
      for (const line of lines.slice(0, -1)) expect((await s.c.command(line)).code).toBe(334);
      expect((await s.c.command(lines.at(-1)!)).lines).toEqual([`501 5.5.2 Cannot Decode response ${s.id} - gsmtp`]);
      await expectOpen(s);
      s.c.close();
    });

    it('a client that aborts with * → 501 5.5.2', async () => {
      const s = await tlsSession(anyone);
      expect((await s.c.command('AUTH LOGIN')).code).toBe(334);
      expect((await s.c.command('*')).lines).toEqual([`501 5.5.2 Cannot Decode response ${s.id} - gsmtp`]);
      await expectOpen(s);
      s.c.close();
    });
  });

  it('with no users configured any credentials are accepted', async () => {
    for (const [user, pass] of [
      ['anyone@example.com', 'anything'],
      ['x', 'y'],
    ] as const) {
      const s = await tlsSession(anyone);
      expect((await s.c.command(`AUTH PLAIN ${plainToken(user, pass)}`)).lines).toEqual(['235 2.7.0 Accepted']);
      s.c.close();
      const s2 = await tlsSession(anyone);
      expect((await authLogin(s2, user, pass)).lines).toEqual(['235 2.7.0 Accepted']);
      s2.c.close();
    }
  });

  it('the 101st recipient → 452 4.5.3 too many recipients; the first 100 are delivered', async () => {
    const s = await tlsSession(anyone);
    expect((await s.c.command(`AUTH PLAIN ${plainToken('alice@example.com', 'x')}`)).code).toBe(235);
    expect((await s.c.command('MAIL FROM:<alice@example.com>')).lines).toEqual([`250 2.1.0 OK ${s.id} - gsmtp`]);
    s.c.write(Array.from({ length: 100 }, (_, i) => `RCPT TO:<r${i}@example.org>\r\n`).join(''));
    for (let i = 0; i < 100; i++) expect((await s.c.reply()).lines).toEqual([`250 2.1.5 OK ${s.id} - gsmtp`]);
    expect((await s.c.command('RCPT TO:<r100@example.org>')).lines).toEqual([
      "452-4.5.3 Your message has too many recipients. For more information regarding Google's",
      `452 4.5.3  sending limits, go to https://support.google.com/mail/?p=TooManyRecipientsError ${s.id} - gsmtp`,
    ]);
    expect((await s.c.command('DATA')).lines).toEqual([`354 Go ahead ${s.id} - gsmtp`]);
    expect((await s.c.command(messageBody())).last).toMatch(acceptedPattern(s.id));
    const [msg] = anyone.store.listMessages({ sessionId: s.id }).items;
    expect(msg!.rcptTo).toHaveLength(100);
    s.c.close();
    const stored = await storedSession(anyone, s.id);
    expect(stored.decisions.map((d) => d.ruleId)).toEqual(['rcpt.too-many-recipients']);
  });
});

describe('implicit TLS (smtps)', () => {
  it('greets over TLS as smtp.gmail.com and EHLO offers AUTH, no STARTTLS', async () => {
    const s = await open(anyone, 'smtps', { tls: true });
    expect(s.greeting.lines).toEqual([`220 smtp.gmail.com ESMTP ${s.id} - gsmtp`]);
    expect((await s.c.command('EHLO mail.example.com')).lines).toEqual(TLS_EHLO);
    expect((await s.c.command('STARTTLS')).lines).toEqual([`502 5.5.1 Unrecognized command. ${s.id} - gsmtp`]);
    expect((await s.c.command(`AUTH PLAIN ${plainToken('alice@example.com', 'x')}`)).lines).toEqual(['235 2.7.0 Accepted']);
    expect((await sendMessage(s)).last).toMatch(acceptedPattern(s.id));
    expect((await s.c.command('QUIT')).lines).toEqual([`221 2.0.0 closing connection ${s.id} - gsmtp`]);
    expect(await s.c.waitClosed()).toBe(true);
    const stored = await storedSession(anyone, s.id);
    expect(stored.tls).toBe(true);
    expect(stored.lines[0]).toMatchObject({ dir: '*', text: 'TLS from the first byte (implicit TLS listener)' });
  });

  it('wrong credentials are refused there too', async () => {
    const s = await open(withUsers, 'smtps', { tls: true });
    expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
    expect((await s.c.command(`AUTH PLAIN ${plainToken('alice@example.com', 'wrong')}`)).lines).toEqual(badCreds(s.id));
    s.c.close();
  });
});

describe('the transcript never holds credentials', () => {
  it('AUTH PLAIN <token> is recorded as AUTH PLAIN ****, LOGIN steps as ****; TLS start is a * line', async () => {
    const s = await open(withUsers, 'submission');
    await startTls(s);
    const plain = plainToken('alice@example.com', 'wrong');
    expect((await s.c.command(`AUTH PLAIN ${plain}`)).code).toBe(535);
    expect((await s.c.command('AUTH PLAIN')).code).toBe(334);
    const plain2 = plainToken('alice@example.com', 'wrong-again');
    expect((await s.c.command(plain2)).code).toBe(535);
    expect((await authLogin(s, 'alice@example.com', 'right')).code).toBe(235);

    const live = withUsers.live.get(s.id)!;
    expect(live).toBeDefined();
    const check = (lines: { dir: string; text: string }[]) => {
      const all = lines.map((l) => l.text).join('\n');
      for (const secret of [plain, plain2, b64('alice@example.com'), b64('right'), 'right', 'wrong']) {
        expect(all).not.toContain(secret);
      }
      const client = lines.filter((l) => l.dir === 'C').map((l) => l.text);
      expect(client).toEqual([
        'EHLO mail.example.com',
        'STARTTLS',
        'EHLO mail.example.com',
        'AUTH PLAIN ****',
        'AUTH PLAIN',
        '****',
        'AUTH LOGIN',
        '****',
        '****',
      ]);
      const tls = lines.filter((l) => l.dir === '*' && l.text.startsWith('TLS started'));
      expect(tls).toHaveLength(1);
      expect(tls[0]!.text).toMatch(/^TLS started \(TLSv1\.[23], \S+\)$/);
    };
    check(live.lines);
    s.c.close();
    const stored = await storedSession(withUsers, s.id);
    check(stored.lines);
    expect(stored.user).toBe('alice@example.com');
  });
});
