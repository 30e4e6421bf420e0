/**
 * Real command-line SMTP clients against an in-process Bouncer: swaks, curl, Python's smtplib
 * and Postfix's smtp-source. A missing tool fails its tests with the command that installs it;
 * nothing is skipped.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBouncer, type TestBouncer } from '../support/bouncer.js';

const REJECT_504 = (name: string) => `504 5.5.2 <${name}>: Helo command rejected: need fully-qualified hostname`;

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout then stderr, for tools that split their trace between the two. */
  output: string;
}

/** Runs a program with a hard time limit; never rejects (the result says what happened). */
function run(cmd: string, args: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[test] ${cmd} did not finish within ${timeoutMs} ms; killed`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, output: `${stdout}\n${stderr}` });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** The tool's path; throws (failing the tests that need it) with the install command. */
function requireTool(name: string, install: string): string {
  const which = spawnSync('which', [name], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  // smtp-source lives in /usr/sbin, which is not on every user's PATH
  for (const dir of ['/usr/sbin', '/usr/local/sbin', '/sbin', '/usr/bin', '/usr/local/bin']) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} is not installed; these tests need it. Install it with: ${install}`);
}

let bouncer: TestBouncer;
let tmp: string;
beforeAll(async () => {
  bouncer = await startTestBouncer();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'bouncer-cli-tools-'));
});
afterAll(async () => {
  await bouncer?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const unique = (what: string) => `${what}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

/** A well-formed message (gmail-mx refuses one without a valid Message-ID, RFC 5322 §3.6.4). */
function eml(subject: string): string {
  return `From: a@example.com\r\nTo: b@example.org\r\nSubject: ${subject}\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <${subject}@example.com>\r\n\r\nhello from a real client\r\n`;
}

/** Display fields (the subject) are parsed just after the 250: wait for that first. */
async function storedWithSubject(subject: string) {
  await bouncer.settled();
  return bouncer.store.listMessages({ subject, limit: 1000 }).items.filter((m) => m.subject === subject);
}

describe('swaks', () => {
  let swaks: string;
  beforeAll(() => {
    swaks = requireTool('swaks', 'apt-get install -y swaks');
  });
  const base = () => ['--server', '127.0.0.1', '--port', String(bouncer.port('smtp')), '--to', 'a@example.org', '--from', 'b@example.com'];

  it('--helo localhost: <** 504 5.5.2 … need fully-qualified hostname, non-zero exit', async () => {
    const r = await run(swaks, [...base(), '--helo', 'localhost']);
    expect(r.output).toContain(`<** ${REJECT_504('localhost')}`);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
  });

  it('--helo mail.example.com: <-  250 2.0.0 OK, exit 0, stored', async () => {
    const subject = unique('swaks');
    const r = await run(swaks, [...base(), '--helo', 'mail.example.com', '--header', `Subject: ${subject}`]);
    expect(r.output).toContain('<-  250 2.0.0 OK ');
    expect(r.code, r.output).toBe(0);
    const m = /<- {2}250 2\.0\.0 OK \d{10} (\S+) - gsmtp/.exec(r.output);
    expect(m).not.toBeNull();
    const stored = await storedWithSubject(subject);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.sessionId).toBe(m![1]);
    expect(stored[0]!.mailFrom).toBe('b@example.com');
    expect(stored[0]!.rcptTo).toEqual(['a@example.org']);
  });

  it('--xclient-addr 203.0.113.7 (no PTR in the DNS world): 550 5.7.25 at end of DATA, exit 26', async () => {
    const subject = unique('swaks-xclient');
    const r = await run(swaks, [...base(), '--helo', 'mail.example.com', '--xclient-addr', '203.0.113.7', '--header', `Subject: ${subject}`]);
    expect(r.output).toContain(' -> XCLIENT ADDR=203.0.113.7');
    expect(r.output).toContain('<-  250-mx.google.com at your service, [203.0.113.7]');
    expect(r.output).toContain('<** 550-5.7.25 [203.0.113.7] The IP address sending this message does not have a PTR record');
    expect(r.output).toMatch(/<\*\* 550 5\.7\.25 {2}https:\/\/support\.google\.com\/mail\/answer\/81126#ip-practices \S+ - gsmtp/);
    // swaks: 26 = "server did not accept mail following data"
    expect(r.code).toBe(26);
    // rejected messages are kept, flagged with the rule
    const stored = await storedWithSubject(subject);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.status).toBe('rejected');
    expect(stored[0]!.rejection).toMatchObject({ ruleId: 'message.ptr', code: 550, enhanced: '5.7.25' });
    expect(bouncer.store.getSession(stored[0]!.sessionId)!.claimedAddress).toBe('203.0.113.7');
  });
});

describe('curl', () => {
  let curl: string;
  beforeAll(() => {
    curl = requireTool('curl', 'apt-get install -y curl');
  });
  const envelope = ['--mail-from', 'a@example.com', '--mail-rcpt', 'b@example.org'];

  it('smtp://host:port --upload-file message.eml: exit 0, stored (curl names itself after the file: EHLO message.eml)', async () => {
    const subject = unique('curl-file');
    const file = path.join(tmp, 'message.eml');
    writeFileSync(file, eml(subject));
    const r = await run(curl, ['-sS', '-v', `smtp://127.0.0.1:${bouncer.port('smtp')}`, ...envelope, '--upload-file', file]);
    expect(r.code, r.output).toBe(0);
    // with no URL path curl appends the upload file's name, and the URL path is its EHLO name
    expect(r.stderr).toContain('> EHLO message.eml');
    expect(r.stderr).toMatch(/< 250 2\.0\.0 OK \d{10} \S+ - gsmtp/);
    expect(await storedWithSubject(subject)).toHaveLength(1);
  });

  it('smtp://host:port/mail.example.com (the URL path is the EHLO name): exit 0, stored', async () => {
    const subject = unique('curl-fqdn');
    const file = path.join(tmp, 'fqdn.eml');
    writeFileSync(file, eml(subject));
    const r = await run(curl, ['-sS', '-v', `smtp://127.0.0.1:${bouncer.port('smtp')}/mail.example.com`, ...envelope, '--upload-file', file]);
    expect(r.code, r.output).toBe(0);
    expect(r.stderr).toContain('> EHLO mail.example.com');
    const m = /< 250 2\.0\.0 OK \d{10} (\S+) - gsmtp/.exec(r.stderr);
    expect(m).not.toBeNull();
    const stored = await storedWithSubject(subject);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.sessionId).toBe(m![1]);
  });

  it('no URL path and the message on stdin: curl says EHLO <short host name> and gets the 504', async () => {
    const subject = unique('curl-default');
    const r = await run(curl, ['-sS', '-v', `smtp://127.0.0.1:${bouncer.port('smtp')}`, ...envelope, '-T', '-'], { input: eml(subject) });
    // curl's default EHLO name is gethostname() with any domain cut off: never fully qualified
    const m = /^> EHLO (\S+)$/m.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    const name = m![1]!;
    expect(name).toBe(os.hostname().split('.')[0]);
    expect(r.stderr).toContain(`< ${REJECT_504(name)}`);
    // curl falls back to HELO, which gets the 504 too: exit 9 (remote access denied)
    expect(r.code).toBe(9);
    expect(await storedWithSubject(subject)).toHaveLength(0);
  });
});

describe("Python's smtplib", () => {
  let python: string;
  beforeAll(() => {
    python = requireTool('python3', 'apt-get install -y python3');
  });

  it("SMTP(..., local_hostname='mail.example.com').sendmail(...): succeeds, stored", async () => {
    const subject = unique('smtplib');
    const script = [
      'import smtplib, sys',
      "s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='mail.example.com', timeout=10)",
      "refused = s.sendmail('a@example.com', ['b@example.org'], sys.argv[2])",
      'print("refused:", refused)',
      's.quit()',
    ].join('\n');
    const r = await run(python, ['-c', script, String(bouncer.port('smtp')), eml(subject)]);
    expect(r.code, r.output).toBe(0);
    expect(r.stdout).toContain('refused: {}');
    const stored = await storedWithSubject(subject);
    expect(stored).toHaveLength(1);
    expect(bouncer.store.getSession(stored[0]!.sessionId)!.heloName).toBe('mail.example.com');
  });

  // The brief's exact expectation (the exception's text carries the 504) is in known-bugs.test.ts:
  // smtplib retries with HELO after the failed EHLO, finds the connection closed and raises
  // SMTPServerDisconnected('Connection unexpectedly closed'), which has no code.
  it("local_hostname='localhost': EHLO answers 504 and sendmail raises an smtplib error", async () => {
    const script = [
      'import smtplib, sys',
      "s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='localhost', timeout=10)",
      'code, text = s.ehlo()',
      "print('EHLO:', code, text.decode())",
      'try:',
      "    s.sendmail('a@example.com', ['b@example.org'], 'Subject: never\\r\\n\\r\\nx\\r\\n')",
      "    print('SENT')",
      'except (smtplib.SMTPHeloError, smtplib.SMTPServerDisconnected) as e:',
      "    print('RAISED:', type(e).__name__, e)",
    ].join('\n');
    const r = await run(python, ['-c', script, String(bouncer.port('smtp'))]);
    expect(r.code, r.output).toBe(0);
    expect(r.stdout).toContain('EHLO: 504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname');
    expect(r.stdout).toMatch(/^RAISED: (SMTPHeloError|SMTPServerDisconnected) /m);
    expect(r.stdout).not.toContain('SENT');
  });
});

describe("Postfix's smtp-source", () => {
  let smtpSource: string;
  beforeAll(() => {
    smtpSource = requireTool('smtp-source', 'apt-get install -y postfix');
  });

  it('-m 20 -s 4 -M mail.example.com: completes and 20 messages are stored', async () => {
    const subject = unique('smtp-source');
    const r = await run(
      smtpSource,
      ['-c', '-m', '20', '-s', '4', '-S', subject, '-f', 'a@example.com', '-t', 'b@example.org', '-M', 'mail.example.com', `127.0.0.1:${bouncer.port('smtp')}`],
      { timeoutMs: 20_000 },
    );
    expect(r.code, r.output).toBe(0);
    // -c prints a running counter, one number per completed DATA
    expect(r.stdout.trim()).toMatch(/20$/);
    const stored = await storedWithSubject(subject);
    expect(stored).toHaveLength(20);
    expect(stored.every((m) => m.status === 'accepted' && m.mailFrom === 'a@example.com')).toBe(true);
    expect(new Set(stored.map((m) => m.id)).size).toBe(20);
  });
});
