import { ruleTable } from './rule-table.fixture.js';
import type { RuleCase } from './context.fixture.js';
import { ratesWith } from './rates.fixture.js';
import { senderRate } from './message.sender-rate.js';

const from = (address: string, helo = 'mail.example.com') => ({ envelope: { mailFrom: { address, args: {} }, rcptTo: [] }, helo: { verb: 'EHLO' as const, name: helo } });
const W = { windows: [{ limit: 100, seconds: 3600 }] };

const cases: RuleCase[] = [
  { name: 'no history', ctx: from('a@example.com'), params: W, fires: false },
  { name: '99 from the domain', ctx: { ...from('a@example.com'), rates: ratesWith([{ kind: 'sender-domain', key: 'example.com', n: 99 }]) }, params: W, fires: false },
  {
    name: '100 from the domain (other addresses count too)',
    ctx: { ...from('b@Example.COM'), rates: ratesWith([{ kind: 'sender-domain', key: 'example.com', n: 100, spreadMs: 3_000_000 }]) },
    params: W,
    fires: true,
    vars: { domain: 'example.com', count: 100, limit: 100 },
    mentions: ['100 messages from the SPF domain example.com', '1 hour'],
    fixMentions: ['at most 100 messages per 1 hour from example.com'],
  },
  {
    name: 'the null sender is counted by its HELO name',
    ctx: { ...from('', 'bounce.example.net'), rates: ratesWith([{ kind: 'sender-domain', key: 'bounce.example.net', n: 100 }]) },
    params: W,
    fires: true,
    vars: { domain: 'bounce.example.net', count: 100, limit: 100 },
    mentions: ['bounce.example.net'],
  },
  { name: 'older than the window', ctx: { ...from('a@example.com'), rates: ratesWith([{ kind: 'sender-domain', key: 'example.com', n: 100, spreadMs: 7_200_000 }]) }, params: W, fires: false },
];

ruleTable(senderRate, ['message'], cases);
