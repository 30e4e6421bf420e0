/**
 * One suite, both implementations: the in-memory store must behave exactly like SQLite.
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from './memory.js';
import { openStore } from './open.js';
import { SqliteStore } from './sqlite.js';
import type { Attachment, MessageFilter, MessageRecord, NewMessage, SessionFilter, SessionRecord, Store } from './types.js';

function session(id: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id,
    listener: 'mx',
    profile: 'gmail-mx',
    startedAt: 1_000,
    endedAt: 2_000,
    clientAddress: '192.0.2.10',
    clientPort: 40000,
    heloVerb: 'EHLO',
    heloName: 'client.example.net',
    tls: false,
    outcome: 'accepted',
    lines: [
      { t: 0, dir: 'S', text: '220 mx.google.com ESMTP ready' },
      { t: 3, dir: 'C', text: 'EHLO client.example.net' },
      { t: 5, dir: '*', text: 'connection closed' },
    ],
    decisions: [
      {
        at: 4,
        phase: 'helo',
        ruleId: 'helo.syntax',
        verdict: 'accept',
        why: 'HELO name is fine',
        fix: 'nothing to change',
      },
    ],
    warnings: [
      {
        at: 5,
        phase: 'message',
        ruleId: 'message.dmarc-quarantine',
        text: 'Gmail would deliver this message to the spam folder.',
        why: 'DMARC fails for example.com, whose policy is quarantine.',
        fix: 'Sign with DKIM for example.com.',
        reply: { code: 250, enhanced: '2.0.0', lines: ['OK 1 id - gsmtp'] },
        messageId: 'm-1',
      },
    ],
    messageIds: [],
    ...overrides,
  };
}

function attachment(index: number, text: string): Attachment {
  const content = Buffer.from(text);
  return { index, filename: `file-${index}.txt`, contentType: 'text/plain', size: content.length, content };
}

function message(id: string, sessionId: string, overrides: Partial<MessageRecord> = {}, attachments: Attachment[] = []): NewMessage {
  const record: MessageRecord = {
    id,
    sessionId,
    receivedAt: 1_500,
    status: 'accepted',
    mailFrom: 'sender@example.org',
    rcptTo: ['rcpt@example.com'],
    size: 120,
    truncated: false,
    subject: `Subject of ${id}`,
    from: [{ name: 'Sender', address: 'sender@example.org' }],
    to: [{ name: 'Rcpt', address: 'rcpt@example.com' }],
    cc: [],
    date: 'Mon, 1 Jan 2024 00:00:00 +0000',
    messageIdHeader: `<${id}@example.org>`,
    text: `Body of ${id}`,
    html: `<p>Body of ${id}</p>`,
    headers: [
      { name: 'subject', value: `Subject of ${id}` },
      { name: 'from', value: 'Sender <sender@example.org>' },
    ],
    attachments: attachments.map(({ content: _content, ...meta }) => meta),
    ...overrides,
  };
  return { record, raw: Buffer.from(`Subject: ${record.subject ?? ''}\r\n\r\n${record.text ?? ''}\r\n`), attachments };
}

/** Saves a message together with a session snapshot that lists it. */
function deliver(store: Store, s: SessionRecord, m: NewMessage): SessionRecord {
  const snapshot = { ...s, messageIds: [...s.messageIds, m.record.id], subject: m.record.subject };
  store.saveMessage(m, snapshot);
  return snapshot;
}

const ids = (page: { items: Array<{ id: string }> }): string[] => page.items.map((i) => i.id);

interface Implementation {
  name: string;
  open: () => Store;
}

const implementations: Implementation[] = [
  { name: 'SqliteStore', open: () => new SqliteStore(':memory:') },
  { name: 'MemoryStore', open: () => new MemoryStore() },
];

describe.each(implementations)('$name', ({ open }) => {
  let store: Store;

  beforeEach(() => {
    store = open();
  });

  afterEach(() => {
    store.close();
  });

  describe('sessions', () => {
    it('round-trips a full session record', () => {
      const s = session('s1', {
        claimedAddress: '198.51.100.7',
        claimedName: 'claimed.example',
        user: 'alice',
        rejection: { phase: 'rcpt', ruleId: 'rcpt.unknown-user', code: 550, enhanced: '5.1.1' },
        outcome: 'rejected',
      });
      store.saveSession(s);
      expect(store.getSession('s1')).toEqual(s);
      expect(store.getSession('nope')).toBeUndefined();
    });

    it('saveSession upserts: the last snapshot wins, without duplicates or losing messages', () => {
      const s = session('s1', { outcome: 'open', endedAt: undefined });
      store.saveSession(s);
      const snapshot = deliver(store, s, message('m1', 's1'));
      const closed = { ...snapshot, outcome: 'accepted' as const, endedAt: 9_999, lines: [...s.lines, { t: 9, dir: 'C' as const, text: 'QUIT' }] };
      store.saveSession(closed);

      expect(store.getSession('s1')).toEqual(closed);
      expect(store.listSessions({}).total).toBe(1);
      expect(store.getMessage('m1')).toBeDefined();
      expect(store.counts()).toEqual({ sessions: 1, messages: 1, accepted: 1, rejected: 0 });
    });

    it('lists summaries newest first, without transcript or decisions', () => {
      store.saveSession(session('old', { startedAt: 100 }));
      store.saveSession(session('new', { startedAt: 300 }));
      store.saveSession(session('mid', { startedAt: 200 }));

      const page = store.listSessions({});
      expect(ids(page)).toEqual(['new', 'mid', 'old']);
      expect(page.total).toBe(3);
      for (const item of page.items) {
        expect(item).not.toHaveProperty('lines');
        expect(item).not.toHaveProperty('decisions');
        expect(item).not.toHaveProperty('warnings');
      }
      const { lines: _lines, decisions: _decisions, warnings: _warnings, ...summary } = session('mid', { startedAt: 200 });
      expect(page.items[1]).toEqual({ ...summary, warningCount: 1 });
    });

    it('breaks timestamp ties by insertion order (later first), also after an upsert', () => {
      store.saveSession(session('a', { startedAt: 500 }));
      store.saveSession(session('b', { startedAt: 500 }));
      store.saveSession(session('c', { startedAt: 500 }));
      store.saveSession(session('a', { startedAt: 500, outcome: 'rejected' }));
      expect(ids(store.listSessions({}))).toEqual(['c', 'b', 'a']);
    });

    it('filters by outcome and listener', () => {
      store.saveSession(session('s1', { startedAt: 1, outcome: 'accepted', listener: 'mx' }));
      store.saveSession(session('s2', { startedAt: 2, outcome: 'rejected', listener: 'mx' }));
      store.saveSession(session('s3', { startedAt: 3, outcome: 'rejected', listener: 'submission' }));
      store.saveSession(session('s4', { startedAt: 4, outcome: 'no-mail', listener: 'submission' }));

      expect(ids(store.listSessions({ outcome: 'rejected' }))).toEqual(['s3', 's2']);
      expect(ids(store.listSessions({ listener: 'submission' }))).toEqual(['s4', 's3']);
      expect(ids(store.listSessions({ outcome: 'rejected', listener: 'mx' }))).toEqual(['s2']);
      expect(store.listSessions({ outcome: 'open' })).toEqual({ items: [], total: 0 });
    });

    const sessionSearches: Array<[string, SessionFilter['q'], string[]]> = [
      ['client address', '203.0.113', ['target']],
      ['claimed address', '198.51.100.99', ['target']],
      ['HELO name, case-insensitive', 'WEIRD-HELO.Example', ['target']],
      ['subject', 'quarterly report', ['target']],
      ['rejection rule id', 'mail.spf-fail', ['target']],
      ['session id', 'TARG', ['target']],
      ['a string shared by both', 'example', ['target', 'other']],
      ['transcript text is not searched', 'secret-in-transcript', []],
      ['blank means no filter', '   ', ['target', 'other']],
    ];

    it.each(sessionSearches)('q matches the %s', (_what, q, expected) => {
      store.saveSession(
        session('target', {
          startedAt: 2,
          clientAddress: '203.0.113.5',
          claimedAddress: '198.51.100.99',
          heloName: 'weird-helo.example',
          subject: 'Quarterly Report',
          rejection: { phase: 'mail', ruleId: 'mail.spf-fail', code: 550 },
          lines: [{ t: 0, dir: 'C', text: 'secret-in-transcript' }],
        }),
      );
      store.saveSession(session('other', { startedAt: 1, heloName: 'plain.example' }));
      expect(ids(store.listSessions({ q }))).toEqual(expected);
    });
  });

  describe('pagination', () => {
    beforeEach(() => {
      for (let i = 0; i < 1_100; i++) store.saveSession(session(`s${i}`, { startedAt: i }));
    });

    it('defaults to 50 items, total counts everything', () => {
      const page = store.listSessions({});
      expect(page.items).toHaveLength(50);
      expect(page.total).toBe(1_100);
      expect(page.items[0]?.id).toBe('s1099');
    });

    it('caps the limit at 1000', () => {
      expect(store.listSessions({ limit: 5_000 }).items).toHaveLength(1_000);
    });

    it('pages with limit/offset; total ignores both', () => {
      const page = store.listSessions({ limit: 3, offset: 10 });
      expect(ids(page)).toEqual(['s1089', 's1088', 's1087']);
      expect(page.total).toBe(1_100);
      expect(store.listSessions({ limit: 10, offset: 1_095 }).items).toHaveLength(5);
      expect(store.listSessions({ offset: 2_000 })).toEqual({ items: [], total: 1_100 });
      expect(store.listSessions({ limit: 0 })).toEqual({ items: [], total: 1_100 });
    });

    it('applies the filter to total as well', () => {
      store.saveSession(session('x1', { startedAt: 5_000, listener: 'other' }));
      store.saveSession(session('x2', { startedAt: 5_001, listener: 'other' }));
      store.saveSession(session('x3', { startedAt: 5_002, listener: 'other' }));
      expect(store.listSessions({ listener: 'other', limit: 1, offset: 1 })).toMatchObject({ total: 3, items: [{ id: 'x2' }] });
    });

    it('treats nonsense bounds as defaults or clamps them', () => {
      expect(store.listSessions({ limit: Number.NaN }).items).toHaveLength(50);
      expect(store.listSessions({ limit: -5 }).items).toHaveLength(0);
      expect(ids(store.listSessions({ limit: 2.7, offset: -3 }))).toEqual(['s1099', 's1098']);
    });

    it('pages messages the same way', () => {
      let s = session('one', { startedAt: 0 });
      for (let i = 0; i < 60; i++) s = deliver(store, s, message(`m${i}`, 'one', { receivedAt: i }));
      const page = store.listMessages({ limit: 5, offset: 5 });
      expect(ids(page)).toEqual(['m54', 'm53', 'm52', 'm51', 'm50']);
      expect(page.total).toBe(60);
      expect(store.listMessages({}).items).toHaveLength(50);
    });
  });

  describe('messages', () => {
    it('stores message, raw source, attachments and the session snapshot together', () => {
      const s = session('s1', { outcome: 'open' });
      store.saveSession(s);
      // with authentication results: they round-trip like every other field
      const auth: MessageRecord['auth'] = {
        spf: { result: 'pass', domain: 'example.org', identity: 'mailfrom', ip: '192.0.2.10', record: 'v=spf1 ip4:192.0.2.10 -all', allQualifier: '-', declared: true },
        dkim: [{ result: 'fail', domain: 'example.org', selector: 's1', algorithm: 'rsa-sha256', aligned: true, keyBits: 2048, comment: 'bad signature', declared: true }],
        dmarc: { result: 'pass', domain: 'example.org', policy: 'reject', record: 'v=DMARC1; p=reject', spfAligned: true, dkimAligned: false, declared: true },
        arc: { result: 'none', instance: 0 },
        headerFrom: ['sender@example.org'],
        undeclaredPolicy: 'none',
        bulk: false,
        header: 'Authentication-Results: mx.google.com;\r\n spf=pass',
      };
      const m = message('m1', 's1', { auth }, [attachment(0, 'first'), attachment(1, 'second')]);
      const snapshot = deliver(store, s, m);

      expect(store.getMessage('m1')).toEqual(m.record);
      expect(store.getMessage('m1')!.auth).toEqual(auth);
      expect(store.listMessages({}).items[0]!.auth).toEqual(auth);
      expect(store.getRaw('m1')).toEqual(m.raw);
      expect(Buffer.isBuffer(store.getRaw('m1'))).toBe(true);
      expect(store.getAttachment('m1', 1)).toEqual(attachment(1, 'second'));
      expect(Buffer.isBuffer(store.getAttachment('m1', 0)?.content)).toBe(true);
      expect(store.getSession('s1')).toEqual(snapshot);
      expect(store.getSession('s1')?.messageIds).toEqual(['m1']);
    });

    it('saves the session along with the first message even when it was never saved alone', () => {
      deliver(store, session('fresh'), message('m1', 'fresh'));
      expect(store.getSession('fresh')?.messageIds).toEqual(['m1']);
    });

    it('keeps optional fields absent and empty values intact', () => {
      const m = message('bare', 's1', { subject: undefined, text: '', html: undefined, date: undefined, parseError: 'bad MIME' });
      deliver(store, session('s1'), m);
      const got = store.getMessage('bare');
      expect(got).toEqual(m.record);
      expect(got?.text).toBe('');
      expect(got?.html).toBeUndefined();
      expect(got?.subject).toBeUndefined();
    });

    it('keeps the rejection of a rejected message', () => {
      const rejection = { phase: 'message', ruleId: 'message.dmarc', code: 550, enhanced: '5.7.26', text: ['Unauthenticated email', 'is not accepted'] };
      deliver(store, session('s1'), message('r1', 's1', { status: 'rejected', rejection }));
      expect(store.getMessage('r1')?.rejection).toEqual(rejection);
    });

    it('returns undefined for unknown ids and attachment indexes', () => {
      deliver(store, session('s1'), message('m1', 's1', {}, [attachment(0, 'only')]));
      expect(store.getMessage('nope')).toBeUndefined();
      expect(store.getRaw('nope')).toBeUndefined();
      expect(store.getAttachment('nope', 0)).toBeUndefined();
      expect(store.getAttachment('m1', 1)).toBeUndefined();
      expect(store.getAttachment('m1', -1)).toBeUndefined();
    });

    it('refuses a message whose session id differs from the snapshot', () => {
      expect(() => store.saveMessage(message('m1', 'other'), session('s1'))).toThrow(/session/);
      expect(store.counts()).toEqual({ sessions: 0, messages: 0, accepted: 0, rejected: 0 });
    });

    it('refuses a duplicate message id and leaves everything as it was', () => {
      const first = deliver(store, session('s1', { subject: 'before' }), message('m1', 's1', {}, [attachment(0, 'a')]));
      const dup = message('m1', 's1', { subject: 'dup' }, [attachment(0, 'b')]);
      expect(() => store.saveMessage(dup, { ...first, subject: 'after', outcome: 'rejected' })).toThrow();

      expect(store.getSession('s1')).toEqual(first);
      expect(store.getMessage('m1')?.subject).toBe('Subject of m1');
      expect(store.getAttachment('m1', 0)?.content.toString()).toBe('a');
      expect(store.counts().messages).toBe(1);
    });

    it('lists summaries newest first, without bodies or headers', () => {
      let s = session('s1');
      s = deliver(store, s, message('m-old', 's1', { receivedAt: 10 }, [attachment(0, 'x')]));
      s = deliver(store, s, message('m-new', 's1', { receivedAt: 30 }));
      deliver(store, s, message('m-mid', 's1', { receivedAt: 20 }));

      const page = store.listMessages({});
      expect(ids(page)).toEqual(['m-new', 'm-mid', 'm-old']);
      for (const item of page.items) {
        expect(item).not.toHaveProperty('text');
        expect(item).not.toHaveProperty('html');
        expect(item).not.toHaveProperty('headers');
      }
      const { text: _t, html: _h, headers: _hd, ...summary } = message('m-old', 's1', { receivedAt: 10 }, [attachment(0, 'x')]).record;
      expect(page.items[2]).toEqual(summary);
    });

    it('breaks timestamp ties by insertion order (later first)', () => {
      let s = session('s1');
      for (const id of ['a', 'b', 'c']) s = deliver(store, s, message(id, 's1', { receivedAt: 7 }));
      expect(ids(store.listMessages({}))).toEqual(['c', 'b', 'a']);
    });

    describe('filters', () => {
      beforeEach(() => {
        let a = session('sa', { startedAt: 1 });
        a = deliver(store, a, message('m1', 'sa', {
          receivedAt: 1,
          mailFrom: 'Bounce+123@Lists.Example.org',
          from: [{ name: 'Newsletter', address: 'news@lists.example.org' }],
          rcptTo: ['alice@example.com'],
          to: [{ name: 'Alice', address: 'alice@example.com' }],
          cc: [{ name: 'Carol', address: 'carol@cc.example' }],
          subject: 'Weekly Digest',
          text: 'Déjà vu: the UNSUBSCRIBE link is below',
        }));
        deliver(store, a, message('m2', 'sa', {
          receivedAt: 2,
          status: 'rejected',
          mailFrom: '',
          from: [{ name: 'Mailer Daemon', address: 'mailer-daemon@example.net' }],
          rcptTo: ['bob@example.com'],
          to: [{ name: 'Header Only', address: 'header-only@example.com' }],
          cc: [],
          subject: 'Delivery Status Notification',
          text: 'Your message could not be delivered',
        }));
        deliver(store, session('sb', { startedAt: 2 }), message('m3', 'sb', {
          receivedAt: 3,
          mailFrom: 'alice@example.com',
          from: [{ name: 'Alice', address: 'alice@example.com' }],
          rcptTo: ['news@lists.example.org'],
          to: [],
          cc: [],
          subject: 'Re: weekly digest',
          text: undefined,
        }));
      });

      const messageSearches: Array<[string, MessageFilter, string[]]> = [
        ['status accepted', { status: 'accepted' }, ['m3', 'm1']],
        ['status rejected', { status: 'rejected' }, ['m2']],
        ['sessionId', { sessionId: 'sa' }, ['m2', 'm1']],
        ['unknown sessionId', { sessionId: 'zz' }, []],
        ['from: MAIL FROM, case-insensitive', { from: 'bounce+123@lists' }, ['m1']],
        ['from: From header address', { from: 'MAILER-DAEMON' }, ['m2']],
        ['from: both', { from: 'lists.example.org' }, ['m1']],
        ['from does not look at recipients', { from: 'bob@' }, []],
        ['to: RCPT TO', { to: 'BOB@example.com' }, ['m2']],
        ['to: To header', { to: 'header-only' }, ['m2']],
        ['to: Cc header', { to: 'carol@cc' }, ['m1']],
        ['to: envelope and header', { to: 'alice@' }, ['m1']],
        ['subject, case-insensitive', { subject: 'WEEKLY digest' }, ['m3', 'm1']],
        ['q over from', { q: 'mailer-daemon' }, ['m2']],
        ['q over to', { q: 'carol' }, ['m1']],
        ['q over subject', { q: 'status notification' }, ['m2']],
        ['q over the text body, non-ASCII case folding', { q: 'DÉJÀ VU' }, ['m1']],
        ['q over all fields', { q: 'alice' }, ['m3', 'm1']],
        ['q does not look at headers or html', { q: '<p>' }, []],
        ['filters combine with AND', { status: 'accepted', subject: 'digest', from: 'alice' }, ['m3']],
        ['blank substrings are no filter', { from: '', to: ' ', q: '' }, ['m3', 'm2', 'm1']],
        ['% and _ are plain characters', { q: '%' }, []],
      ];

      it.each(messageSearches)('%s', (_what, filter, expected) => {
        const page = store.listMessages(filter);
        expect(ids(page)).toEqual(expected);
        expect(page.total).toBe(expected.length);
      });
    });

    it('deleteMessage removes the message with its raw source and attachments, not its session', () => {
      const s = deliver(store, session('s1'), message('m1', 's1', {}, [attachment(0, 'a'), attachment(1, 'b')]));
      deliver(store, s, message('m2', 's1', { receivedAt: 2_000 }));

      expect(store.deleteMessage('m1')).toBe(true);
      expect(store.deleteMessage('m1')).toBe(false);
      expect(store.deleteMessage('never')).toBe(false);
      expect(store.getMessage('m1')).toBeUndefined();
      expect(store.getRaw('m1')).toBeUndefined();
      expect(store.getAttachment('m1', 0)).toBeUndefined();
      expect(store.getAttachment('m1', 1)).toBeUndefined();
      expect(ids(store.listMessages({}))).toEqual(['m2']);
      expect(store.getSession('s1')?.messageIds).toEqual(['m1', 'm2']);
    });

    it('deleteAllMessages removes every message and says how many, sessions stay', () => {
      let s = session('s1');
      for (let i = 0; i < 4; i++) s = deliver(store, s, message(`m${i}`, 's1', {}, [attachment(0, `x${i}`)]));
      store.saveSession(session('s2'));

      expect(store.deleteAllMessages()).toBe(4);
      expect(store.deleteAllMessages()).toBe(0);
      expect(store.getRaw('m0')).toBeUndefined();
      expect(store.getAttachment('m0', 0)).toBeUndefined();
      expect(store.counts()).toEqual({ sessions: 2, messages: 0, accepted: 0, rejected: 0 });
      expect(store.getSession('s1')?.messageIds).toHaveLength(4);
    });
  });

  describe('prune', () => {
    /** Five sessions t=1..5, each with two messages (t*10, t*10+1); session 3 has an attachment. */
    function seed(): void {
      for (let t = 1; t <= 5; t++) {
        let s = session(`s${t}`, { startedAt: t });
        s = deliver(store, s, message(`m${t}a`, `s${t}`, { receivedAt: t * 10 }, t === 3 ? [attachment(0, 'att')] : []));
        deliver(store, s, message(`m${t}b`, `s${t}`, { receivedAt: t * 10 + 1, status: 'rejected' }));
      }
    }

    it('keeps the newest sessions and drops the messages of the pruned ones', () => {
      seed();
      expect(store.prune({ sessions: 3, messages: 100 })).toEqual({ sessions: 2, messages: 4 });
      expect(ids(store.listSessions({}))).toEqual(['s5', 's4', 's3']);
      expect(ids(store.listMessages({}))).toEqual(['m5b', 'm5a', 'm4b', 'm4a', 'm3b', 'm3a']);
      expect(store.getRaw('m1a')).toBeUndefined();
    });

    it('keeps the newest messages, attachments going with theirs', () => {
      seed();
      expect(store.prune({ sessions: 100, messages: 5 })).toEqual({ sessions: 0, messages: 5 });
      expect(ids(store.listMessages({}))).toEqual(['m5b', 'm5a', 'm4b', 'm4a', 'm3b']);
      expect(store.getAttachment('m3a', 0)).toBeUndefined();
      expect(store.getRaw('m3a')).toBeUndefined();
      expect(store.getRaw('m3b')).toBeDefined();
      expect(store.listSessions({}).total).toBe(5);
    });

    it('applies the message cap after the session cap', () => {
      seed();
      // Sessions 4-5 stay (4 messages); the message cap then keeps 3 of those.
      expect(store.prune({ sessions: 2, messages: 3 })).toEqual({ sessions: 3, messages: 7 });
      expect(ids(store.listMessages({}))).toEqual(['m5b', 'm5a', 'm4b']);
      expect(store.counts()).toEqual({ sessions: 2, messages: 3, accepted: 1, rejected: 2 });
    });

    it('does nothing below the caps, and an infinite cap keeps everything', () => {
      seed();
      expect(store.prune({ sessions: 5, messages: 10 })).toEqual({ sessions: 0, messages: 0 });
      expect(store.prune({ sessions: Infinity, messages: Infinity })).toEqual({ sessions: 0, messages: 0 });
      expect(store.counts()).toEqual({ sessions: 5, messages: 10, accepted: 5, rejected: 5 });
    });

    it('a cap of zero empties the store', () => {
      seed();
      expect(store.prune({ sessions: 0, messages: 0 })).toEqual({ sessions: 5, messages: 10 });
      expect(store.counts()).toEqual({ sessions: 0, messages: 0, accepted: 0, rejected: 0 });
    });

    it('prunes sessions with equal start times oldest-inserted first', () => {
      for (const id of ['a', 'b', 'c']) store.saveSession(session(id, { startedAt: 42 }));
      expect(store.prune({ sessions: 1, messages: 10 })).toEqual({ sessions: 2, messages: 0 });
      expect(ids(store.listSessions({}))).toEqual(['c']);
    });
  });

  it('counts sessions, messages and messages by status', () => {
    expect(store.counts()).toEqual({ sessions: 0, messages: 0, accepted: 0, rejected: 0 });
    let s = session('s1');
    s = deliver(store, s, message('m1', 's1'));
    s = deliver(store, s, message('m2', 's1', { status: 'rejected' }));
    deliver(store, s, message('m3', 's1'));
    store.saveSession(session('s2', { outcome: 'no-mail' }));
    expect(store.counts()).toEqual({ sessions: 2, messages: 3, accepted: 2, rejected: 1 });
  });

  it('stores copies: neither the caller input nor returned values alias stored state', () => {
    const s = session('s1');
    const m = message('m1', 's1', {}, [attachment(0, 'abc')]);
    store.saveMessage(m, s);

    s.lines.push({ t: 99, dir: 'C', text: 'mutated' });
    s.outcome = 'rejected';
    m.record.rcptTo.push('mutated@example.com');
    m.raw.fill(0);
    m.attachments[0]?.content.fill(0);

    const got = store.getSession('s1');
    got?.decisions.pop();
    store.getMessage('m1')?.from.pop();
    store.getRaw('m1')?.fill(0);
    store.getAttachment('m1', 0)?.content.fill(0);
    const listed = store.listMessages({}).items[0];
    listed?.rcptTo.pop();

    expect(store.getSession('s1')).toEqual(session('s1'));
    expect(store.getMessage('m1')).toEqual(message('m1', 's1', {}, [attachment(0, 'abc')]).record);
    expect(store.getRaw('m1')?.toString()).toContain('Subject of m1');
    expect(store.getAttachment('m1', 0)?.content.toString()).toBe('abc');
  });

  it('refuses to work once closed', () => {
    store.saveSession(session('s1'));
    store.close();
    expect(() => store.getSession('s1')).toThrow();
    expect(() => store.saveSession(session('s2'))).toThrow();
    expect(() => store.writeBatch([{ kind: 'session', session: session('s3') }])).toThrow();
    store.close(); // closing twice is harmless (afterEach closes again)
  });

  describe('writeBatch (the group commit of the SMTP path)', () => {
    /** The message as stored at the end of DATA: headers and envelope, display fields still to come. */
    function bare(m: NewMessage): NewMessage {
      const { subject: _s, date: _d, messageIdHeader: _m, text: _t, html: _h, ...rest } = m.record;
      return { ...m, record: { ...rest, from: [], to: [], cc: [], attachments: [] }, attachments: [] };
    }

    it('writes sessions and messages in order; a message with its display pending is listed as such', () => {
      const s = session('s1', { outcome: 'open', messageIds: ['m1'] });
      const full = message('m1', 's1', {}, [attachment(0, 'abc')]);
      store.writeBatch([
        { kind: 'session', session: s },
        { kind: 'message', message: bare(full), displayPending: true },
      ]);
      expect(store.getSession('s1')).toEqual(s);
      expect(store.getMessage('m1')).toEqual(bare(full).record);
      expect(store.getRaw('m1')).toEqual(full.raw);
      expect(store.pendingDisplay()).toEqual(['m1']);
      expect(store.listMessages({ subject: 'Subject of m1' }).total).toBe(0);

      store.writeBatch([{ kind: 'display', record: full.record, attachments: full.attachments }]);
      expect(store.getMessage('m1')).toEqual(full.record);
      expect(store.getAttachment('m1', 0)?.content.toString()).toBe('abc');
      expect(store.listMessages({ subject: 'Subject of m1' }).total).toBe(1);
      expect(store.listMessages({ q: 'body of m1' }).total).toBe(1);
      expect(store.pendingDisplay()).toEqual([]);
    });

    it('a message without a pending display is complete at once', () => {
      store.writeBatch([
        { kind: 'session', session: session('s1') },
        { kind: 'message', message: message('m1', 's1'), displayPending: false },
      ]);
      expect(store.pendingDisplay()).toEqual([]);
      expect(store.getMessage('m1')?.subject).toBe('Subject of m1');
    });

    it('session-exists inserts a stub only when the session has no row, and never overwrites one', () => {
      const s = session('s1', { outcome: 'open' });
      store.writeBatch([{ kind: 'session-exists', session: s }]);
      expect(store.getSession('s1')).toEqual({ ...s, lines: [], decisions: [], messageIds: [] });
      store.writeBatch([{ kind: 'session', session: s }]);
      store.writeBatch([{ kind: 'session-exists', session: { ...s, outcome: 'rejected' } }]);
      expect(store.getSession('s1')).toEqual(s);
    });

    it('is all or nothing: a duplicate message id fails the whole batch', () => {
      store.writeBatch([
        { kind: 'session', session: session('s1') },
        { kind: 'message', message: message('m1', 's1'), displayPending: false },
      ]);
      expect(() =>
        store.writeBatch([
          { kind: 'session', session: session('s2') },
          { kind: 'message', message: message('m2', 's2'), displayPending: true },
          { kind: 'message', message: message('m1', 's1'), displayPending: false },
        ]),
      ).toThrow();
      expect(store.getSession('s2')).toBeUndefined();
      expect(store.getMessage('m2')).toBeUndefined();
      expect(store.pendingDisplay()).toEqual([]);
      expect(store.counts()).toMatchObject({ sessions: 1, messages: 1 });
    });

    it('the display of a message deleted meanwhile changes nothing', () => {
      const full = message('m1', 's1', {}, [attachment(0, 'abc')]);
      store.writeBatch([
        { kind: 'session', session: session('s1') },
        { kind: 'message', message: bare(full), displayPending: true },
      ]);
      expect(store.deleteMessage('m1')).toBe(true);
      store.writeBatch([{ kind: 'display', record: full.record, attachments: full.attachments }]);
      expect(store.getMessage('m1')).toBeUndefined();
      expect(store.getAttachment('m1', 0)).toBeUndefined();
      expect(store.pendingDisplay()).toEqual([]);
    });
  });
});

describe('openStore', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bouncer-store-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens a memory store', () => {
    const store = openStore({ kind: 'memory', path: path.join(dir, 'unused.db') });
    expect(store.kind).toBe('memory');
    expect(existsSync(path.join(dir, 'unused.db'))).toBe(false);
    store.close();
  });

  it('creates missing parent directories for the SQLite file and reopens it', () => {
    const file = path.join(dir, 'deep', 'er', 'bouncer.db');
    const store = openStore({ kind: 'sqlite', path: file });
    expect(store.kind).toBe('sqlite');
    deliver(store, session('s1'), message('m1', 's1', {}, [attachment(0, 'kept')]));
    store.close();

    const again = openStore({ kind: 'sqlite', path: file });
    expect(again.getMessage('m1')?.subject).toBe('Subject of m1');
    expect(again.getAttachment('m1', 0)?.content.toString()).toBe('kept');
    expect(again.counts()).toEqual({ sessions: 1, messages: 1, accepted: 1, rejected: 0 });
    again.close();
  });

  it('accepts :memory: for SQLite', () => {
    const store = openStore({ kind: 'sqlite', path: ':memory:' });
    expect(store.kind).toBe('sqlite');
    store.close();
  });
});
