import { ruleTable } from './rule-table.fixture.js';
import type { RuleCase } from './context.fixture.js';
import { ratesWith } from './rates.fixture.js';
import { receivingRate } from './rcpt.receiving-rate.js';

const rcpt = (address: string) => ({ command: { verb: 'RCPT', argument: `TO:<${address}>`, known: true, path: { address, args: {} } } });
const WINDOWS = { windows: [{ limit: 60, seconds: 60 }, { limit: 100, seconds: 3600 }] };

const cases: RuleCase[] = [
  { name: 'no history', ctx: rcpt('bob@example.org'), params: WINDOWS, fires: false },
  { name: '59 in the last minute', ctx: { ...rcpt('bob@example.org'), rates: ratesWith([{ kind: 'recipient', key: 'bob@example.org', n: 59, spreadMs: 50_000 }]) }, params: WINDOWS, fires: false },
  {
    name: '60 in the last minute → the 61st is refused',
    ctx: { ...rcpt('Bob@Example.org'), rates: ratesWith([{ kind: 'recipient', key: 'bob@example.org', n: 60, spreadMs: 50_000 }]) },
    params: WINDOWS,
    fires: true,
    vars: { address: 'Bob@Example.org', count: 60, limit: 60 },
    mentions: ['Bob@Example.org already received 60 messages in the last 1 minute', '60 per 1 minute'],
    fixMentions: ['at most 60 per 1 minute'],
  },
  { name: '60 spread over two minutes', ctx: { ...rcpt('bob@example.org'), rates: ratesWith([{ kind: 'recipient', key: 'bob@example.org', n: 60, spreadMs: 120_000 }]) }, params: WINDOWS, fires: false },
  {
    name: 'the hourly window',
    ctx: { ...rcpt('bob@example.org'), rates: ratesWith([{ kind: 'recipient', key: 'bob@example.org', n: 100, spreadMs: 3_000_000 }]) },
    params: WINDOWS,
    fires: true,
    vars: { address: 'bob@example.org', count: 100, limit: 100 },
    mentions: ['100 messages in the last 1 hour'],
  },
  { name: 'another recipient’s history', ctx: { ...rcpt('carol@example.org'), rates: ratesWith([{ kind: 'recipient', key: 'bob@example.org', n: 100 }]) }, params: WINDOWS, fires: false },
  { name: 'no path (a malformed RCPT)', ctx: { command: { verb: 'RCPT', argument: 'TO:<', known: true, path: null }, rates: ratesWith([]) }, params: WINDOWS, fires: false },
];

ruleTable(receivingRate, ['rcpt'], cases);
