/**
 * mail/auth-memo.ts: a remembered result is the result a fresh evaluation gives, for every
 * input that decides it, and nothing else is remembered. Real mailauth, a real DNS world.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dkimKey, plainMessage, signedMessage } from '../../test/support/dkim.js';
import { StaticDnsWorld } from '../dns/world.js';
import { AUTH_MEMO_MAX_INPUT_BYTES, AuthMemo } from './auth-memo.js';
import type { MessageAuth } from './auth-types.js';
import { authenticateMessage, type AuthenticatorSettings, type MessageEnvelope } from './authenticate.js';

const key = dkimKey(1024);
const world = new StaticDnsWorld({
  'example.com': { TXT: ['v=spf1 ip4:203.0.113.7 -all'] },
  '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] },
  's1._domainkey.example.com': { TXT: [key.txt] },
  'other.example': { TXT: ['v=spf1 ~all'] },
  '_dmarc.other.example': { TXT: ['v=DMARC1; p=none'] },
  'mail.example.com': { TXT: ['v=spf1 ip4:203.0.113.7 -all'] },
});
const fresh: AuthenticatorSettings = { world, undeclared: 'none', bulkDomains: ['other.example'] };
const env = (o: Partial<MessageEnvelope> = {}): MessageEnvelope => ({ ip: '203.0.113.7', helo: 'mail.example.com', mailFrom: 'alice@example.com', mta: 'mx.google.com', ...o });

const messages = new Map<string, Buffer>();
beforeAll(async () => {
  const mail = { from: 'Alice <alice@example.com>', to: 'bob@gmail.com', subject: 'hello', text: 'a body\r\n' };
  messages.set('From example.com', await plainMessage(mail));
  messages.set('From example.com, another body and subject', await plainMessage({ ...mail, subject: 'other', text: 'another body\r\n' }));
  messages.set('From other.example', await plainMessage({ ...mail, from: 'x@other.example' }));
  messages.set('two From addresses', await plainMessage({ ...mail, from: 'a@example.com, b@other.example' }));
  messages.set('a Return-Path field', Buffer.concat([Buffer.from('Return-Path: <bounce@other.example>\r\n'), await plainMessage(mail)]));
  messages.set('signed', await signedMessage(mail, { domain: 'example.com', selector: 's1', key }));
});

const envelopes: Array<[string, Partial<MessageEnvelope>]> = [
  ['as declared', {}],
  ['another client address (SPF fails)', { ip: '198.51.100.9' }],
  ['another MAIL FROM domain', { mailFrom: 'x@other.example' }],
  ['an undeclared MAIL FROM domain', { mailFrom: 'x@nowhere.example' }],
  ['the null sender (SPF for the HELO name)', { mailFrom: '' }],
  ['another HELO name', { mailFrom: '', helo: 'other.example' }],
  ['no HELO name', { helo: undefined }],
  ['another authserv-id', { mta: 'mx.example.net' }],
];

describe('the authentication memo', () => {
  it('gives, for every message and envelope, what a fresh evaluation gives', async () => {
    const memo = new AuthMemo();
    const remembered: AuthenticatorSettings = { ...fresh, memo };
    const results = new Set<MessageAuth>();
    for (const [name, raw] of messages) {
      for (const [label, e] of envelopes) {
        const expected = await authenticateMessage(raw, env(e), fresh);
        const first = await authenticateMessage(raw, env(e), remembered);
        const again = await authenticateMessage(raw, env(e), remembered);
        expect(first, `${name}, ${label}`).toEqual(expected);
        expect(again, `${name}, ${label}`).toEqual(expected);
        results.add(first);
      }
    }
    // every unsigned combination was computed once and found once; the signed one never kept
    const unsigned = (messages.size - 1) * envelopes.length;
    expect(memo.size).toBe(unsigned - envelopes.length); // two messages differ only in their body
    expect(memo.hits).toBe(unsigned + envelopes.length);
    // the table's inputs gave different results where they should
    expect(new Set([...results].map((r) => r.spf.result))).toEqual(new Set(['pass', 'fail', 'softfail', 'none']));
  });

  it('hands out one frozen object per remembered result', async () => {
    const memo = new AuthMemo();
    const raw = messages.get('From example.com')!;
    const a = await authenticateMessage(raw, env(), { ...fresh, memo });
    const b = await authenticateMessage(raw, env(), { ...fresh, memo });
    expect(b).toBe(a);
    expect(Object.isFrozen(a) && Object.isFrozen(a.spf) && Object.isFrozen(a.dkim) && Object.isFrozen(a.headerFrom)).toBe(true);
    expect(() => {
      (a.spf as { result: string }).result = 'fail';
    }).toThrow(TypeError);
  });

  it('does not remember a message whose From and Return-Path fields are longer than the limit', async () => {
    const memo = new AuthMemo();
    const name = 'A'.repeat(AUTH_MEMO_MAX_INPUT_BYTES);
    const raw = await plainMessage({ from: `"${name}" <alice@example.com>`, to: 'bob@gmail.com', subject: 'long', text: 'x\r\n' });
    const expected = await authenticateMessage(raw, env(), fresh);
    expect(await authenticateMessage(raw, env(), { ...fresh, memo })).toEqual(expected);
    expect(memo.size).toBe(0);
    // a From of the usual size is
    const short = await plainMessage({ from: 'Alice <alice@example.com>', to: 'bob@gmail.com', subject: 'short', text: 'x\r\n' });
    await authenticateMessage(short, env(), { ...fresh, memo });
    expect(memo.size).toBe(1);
  });

});
