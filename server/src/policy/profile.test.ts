import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILTIN_PROFILE_DIR } from '../util/paths.js';
import { loadProfiles, ProfileError } from './profile.js';
import { CHECKS } from './rules/index.js';

const known = new Set(CHECKS.keys());

describe('built-in profiles', () => {
  const profiles = loadProfiles([BUILTIN_PROFILE_DIR], known);

  it('loads gmail-mx, gmail-submission, strict and permissive', () => {
    expect([...profiles.keys()].sort()).toEqual(['gmail-mx', 'gmail-submission', 'permissive', 'strict']);
  });

  it('submission inherits the MX replies and appends its own command rules in order', () => {
    const sub = profiles.get('gmail-submission')!;
    expect(sub.hostname).toBe('smtp.gmail.com');
    expect(sub.limits.maxMessageSize).toBe(35882577);
    expect(sub.replies['helo-ok'].text).toEqual(['{hostname} at your service']);
    expect(sub.rules.command.map((r) => r.id)).toEqual([
      'command.unimplemented',
      'command.too-many-unrecognized',
      'command.unrecognized',
      'command.helo-first',
      'command.mail-first',
      'command.rcpt-first',
      'command.starttls-required',
      'command.auth-required',
    ]);
    expect(sub.rules.message.find((r) => r.id === 'message.ptr')?.enabled).toBe(false);
  });

  it('strict switches the optional identity rules on; gmail-mx keeps them off', () => {
    const on = (name: string, id: string) => profiles.get(name)!.rules.helo.find((r) => r.id === id)?.enabled;
    expect(on('strict', 'helo.require-ehlo')).toBe(true);
    expect(on('strict', 'helo.match-ptr')).toBe(true);
    expect(on('gmail-mx', 'helo.require-ehlo')).toBe(false);
    expect(on('gmail-mx', 'helo.match-ptr')).toBe(false);
  });

  it('sender authentication and the MX rates are on in gmail-mx and off in gmail-submission; the daily limit only on submission', () => {
    const enabled = (name: string) => new Set(Object.values(profiles.get(name)!.rules).flat().filter((r) => r.enabled).map((r) => r.id));
    const mx = enabled('gmail-mx');
    const sub = enabled('gmail-submission');
    const senderAuth = ['message.auth-tempfail', 'message.dmarc-reject', 'message.spf-hardfail', 'message.unauthenticated', 'message.auth-undeclared', 'message.bulk-spf', 'message.bulk-dkim', 'message.bulk-dmarc-missing', 'message.bulk-alignment', 'message.bulk-unsubscribe', 'message.dmarc-quarantine', 'message.dkim-weak-key'];
    const mxRates = ['rcpt.receiving-rate', 'message.duplicate-message-id', 'message.sender-rate', 'message.ip-rate'];
    for (const id of [...senderAuth, ...mxRates, 'message.no-message-id']) {
      expect(mx.has(id), id).toBe(true);
      expect(sub.has(id), id).toBe(false);
    }
    for (const id of ['message.from-invalid', 'message.duplicate-headers', 'message.dangerous-attachment', 'message.header-limits']) expect(sub.has(id), id).toBe(true);
    expect(sub.has('mail.daily-limit')).toBe(true);
    expect(mx.has('mail.daily-limit')).toBe(false);
  });

  it('warning rules are the four that never refuse, each with the reply Gmail would give', () => {
    const warnings = profiles.get('gmail-mx')!.rules.message.filter((r) => r.warning !== undefined);
    expect(warnings.map((r) => [r.id, r.reply.code])).toEqual([
      ['message.auth-undeclared', 550],
      ['message.bulk-unsubscribe', 250],
      ['message.dmarc-quarantine', 250],
      ['message.dkim-weak-key', 250],
    ]);
  });

  it('every Gmail-profile rule description says where its reply comes from', () => {
    for (const name of ['gmail-mx', 'gmail-submission']) {
      for (const rules of Object.values(profiles.get(name)!.rules)) {
        for (const rule of rules) expect(rule.description, rule.id).toMatch(/G24|G26|PIL|6596|LIM|SG|#\d+|not documented by Google|Reference/);
      }
    }
  });
});

describe('profile validation lists every problem', () => {
  it('reports CHUNKING and a bad enhanced code together, with file and path', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'profiles-'));
    writeFileSync(
      path.join(dir, 'bad.yaml'),
      `name: bad
extends: gmail-mx
description: broken
ehlo: { extensions: [SIZE, CHUNKING] }
rules:
  helo:
    - id: helo.nope
      description: x
      reply: { code: 550, enhanced: "5.x", text: [no] }
`,
    );
    let error: unknown;
    try {
      loadProfiles([BUILTIN_PROFILE_DIR, dir], known);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ProfileError);
    const text = (error as ProfileError).problems.join('\n');
    expect(text).toContain('ehlo.extensions.1: CHUNKING (BDAT) is not implemented');
    expect(text).toContain('rules.helo.5.reply.enhanced');
  });
  it('refuses rate windows the history cannot count (limit over the per-key cap, longer than 24 hours)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'profiles-'));
    writeFileSync(
      path.join(dir, 'fast.yaml'),
      `name: fast
extends: gmail-mx
description: a receiving rate over the cap
rules:
  rcpt:
    - id: rcpt.receiving-rate
      description: too many to count
      params: { windows: [{ limit: 60, seconds: 60 }, { limit: 2000000, seconds: 172800 }] }
      reply: { code: 450, enhanced: "4.2.1", text: [slow down] }
`,
    );
    let error: unknown;
    try {
      loadProfiles([BUILTIN_PROFILE_DIR, dir], known);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ProfileError);
    const problems = (error as ProfileError).problems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/fast\.yaml: rules\.rcpt\.\d+\.params\.windows\.1\.limit: an integer from 0 to 1000000$/);
    expect(problems[1]).toMatch(/fast\.yaml: rules\.rcpt\.\d+\.params\.windows\.1\.seconds: more than 0 and at most 86400 \(24 hours\)$/);
  });
});
