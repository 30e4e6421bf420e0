/**
 * The testing kit's filters (tag, since, rule, scenario, envelope, subject regex) in both
 * stores: SQLite must answer exactly like the in-memory store, and both like the JS matchers
 * the waits use (common.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileSafeRegex } from '../util/safe-regex.js';
import { messageMatches, messageSearchFields, sessionMatches } from './common.js';
import { MemoryStore } from './memory.js';
import { SqliteStore } from './sqlite.js';
import type { MessageFilter, MessageRecord, NewMessage, SessionFilter, SessionRecord, Store } from './types.js';

function session(id: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id,
    listener: 'smtp',
    profile: 'gmail-mx',
    startedAt: 1_000,
    endedAt: 2_000,
    clientAddress: '127.0.0.1',
    clientPort: 40000,
    tls: false,
    outcome: 'accepted',
    lines: [],
    decisions: [],
    warnings: [],
    messageIds: [],
    ...overrides,
  };
}

function message(id: string, sessionId: string, overrides: Partial<MessageRecord> = {}): NewMessage {
  const record: MessageRecord = {
    id,
    sessionId,
    receivedAt: 1_500,
    status: 'accepted',
    mailFrom: 'app@example.org',
    rcptTo: ['user@example.com'],
    size: 10,
    truncated: false,
    subject: `Subject of ${id}`,
    from: [],
    to: [],
    cc: [],
    headers: [],
    attachments: [],
    ...overrides,
  };
  return { record, raw: Buffer.from('x'), attachments: [] };
}

const ids = (page: { items: Array<{ id: string }> }): string[] => page.items.map((i) => i.id);
const re = (source: string, flags = '') => compileSafeRegex(source, flags);

const implementations = [
  { name: 'SqliteStore', open: (): Store => new SqliteStore(':memory:') },
  { name: 'MemoryStore', open: (): Store => new MemoryStore() },
];

const sessions: SessionRecord[] = [
  session('s1', {
    startedAt: 100,
    tag: 'w1',
    senders: ['App@Example.org'],
    recipients: ['alice+w1@example.com', 'nobody+w1@example.com'],
    outcome: 'rejected',
    subject: 'Confirm your account',
    rejection: { phase: 'rcpt', ruleId: 'rcpt.no-such-user', code: 550, enhanced: '5.1.1' },
    decisions: [
      { at: 101, phase: 'rcpt', ruleId: 'rcpt.no-such-user', verdict: 'reject', why: 'w', fix: 'f', scenarioId: 'sc-1' },
    ],
  }),
  session('s2', {
    startedAt: 200,
    tag: 'w2',
    senders: ['other@example.net'],
    recipients: ['bob+w2@example.com'],
    subject: 'Your receipt',
    decisions: [{ at: 201, phase: 'mail', ruleId: 'scenario.delay', verdict: 'accept', why: 'w', fix: 'f', scenarioId: 'sc-2' }],
  }),
  session('s3', { startedAt: 300, outcome: 'open', recipients: ['carol@example.com'] }),
  session('s4', { startedAt: 400, outcome: 'no-mail', tag: 'w1' }),
];

const messages: NewMessage[] = [
  message('m1', 's1', { receivedAt: 110, tag: 'w1', subject: 'Confirm your account', rcptTo: ['alice+w1@example.com'] }),
  message('m2', 's2', {
    receivedAt: 210,
    tag: 'w2',
    subject: 'CONFIRM again',
    status: 'rejected',
    rejection: { phase: 'message', ruleId: 'message.ptr', code: 550, enhanced: '5.7.25', text: ['no'] },
  }),
  message('m3', 's2', { receivedAt: 220, subject: undefined }),
];

const sessionCases: Array<[string, SessionFilter, string[]]> = [
  ['tag', { tag: 'w1' }, ['s4', 's1']],
  ['tag is exact, not a substring', { tag: 'w' }, []],
  ['since (inclusive)', { since: 200 }, ['s4', 's3', 's2']],
  ['rule id of any decision', { ruleId: 'rcpt.no-such-user' }, ['s1']],
  ['rule id of an accepting decision', { ruleId: 'scenario.delay' }, ['s2']],
  ['scenario id', { scenarioId: 'sc-2' }, ['s2']],
  ['from: a MAIL FROM address, case-insensitive', { from: 'app@example' }, ['s1']],
  ['to: any RCPT TO address', { to: 'NOBODY+w1' }, ['s1']],
  ['to never matches across two addresses', { to: 'example.comnobody' }, []],
  ['subject substring', { subject: 'receipt' }, ['s2']],
  ['subject regex', { subjectRegex: re('^confirm', 'i') }, ['s1']],
  ['subject regex without i is case-sensitive', { subjectRegex: re('^confirm') }, []],
  ['finished excludes open sessions', { finished: true }, ['s4', 's2', 's1']],
  ['combined with outcome', { tag: 'w1', outcome: 'no-mail' }, ['s4']],
];

const messageCases: Array<[string, MessageFilter, string[]]> = [
  ['tag', { tag: 'w2' }, ['m2']],
  ['since', { since: 210 }, ['m3', 'm2']],
  ['rule id of the rejection', { ruleId: 'message.ptr' }, ['m2']],
  ['subject regex, i flag', { subjectRegex: re('^confirm', 'i') }, ['m2', 'm1']],
  ['subject regex, no subject is the empty string', { subjectRegex: re('^$') }, ['m3']],
  ['tag and subject regex', { tag: 'w1', subjectRegex: re('account$') }, ['m1']],
];

describe.each(implementations)('$name: testing-kit filters', ({ open }) => {
  let store: Store;
  beforeEach(() => {
    store = open();
    for (const s of sessions) store.saveSession(s);
    for (const m of messages) {
      const s = sessions.find((x) => x.id === m.record.sessionId)!;
      store.saveMessage(m, { ...s, messageIds: [...s.messageIds, m.record.id] });
    }
  });
  afterEach(() => store.close());

  it('round-trips tag, senders and recipients on sessions and the tag on messages', () => {
    expect(store.getSession('s1')).toMatchObject({ tag: 'w1', senders: ['App@Example.org'], recipients: ['alice+w1@example.com', 'nobody+w1@example.com'] });
    expect(store.getSession('s3')!.tag).toBeUndefined();
    expect(store.getMessage('m1')!.tag).toBe('w1');
    expect(store.listMessages({ tag: 'w1' }).items[0]!.tag).toBe('w1');
    expect(store.listSessions({ tag: 'w2' }).items[0]).toMatchObject({ tag: 'w2', recipients: ['bob+w2@example.com'] });
  });

  it.each(sessionCases)('sessions: %s', (_what, filter, expected) => {
    const page = store.listSessions(filter);
    expect(ids(page)).toEqual(expected);
    expect(page.total).toBe(expected.length);
  });

  it.each(messageCases)('messages: %s', (_what, filter, expected) => {
    const page = store.listMessages(filter);
    expect(ids(page)).toEqual(expected);
    expect(page.total).toBe(expected.length);
  });
});

describe('JS matchers agree with the stores', () => {
  it.each(sessionCases)('sessionMatches: %s', (_what, filter, expected) => {
    const matched = sessions.filter((s) => sessionMatches(s, filter)).map((s) => s.id);
    expect(matched.sort()).toEqual([...expected].sort());
  });

  it.each(messageCases)('messageMatches: %s', (_what, filter, expected) => {
    const matched = messages.filter((m) => messageMatches(m.record, messageSearchFields(m.record), filter)).map((m) => m.record.id);
    expect(matched.sort()).toEqual([...expected].sort());
  });
});
