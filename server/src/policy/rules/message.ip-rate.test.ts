import { ruleTable } from './rule-table.fixture.js';
import type { RuleCase } from './context.fixture.js';
import { ratesWith } from './rates.fixture.js';
import { ipRate } from './message.ip-rate.js';

const W = { windows: [{ limit: 10, seconds: 60 }] };
const claimed = { client: { realAddress: '127.0.0.1', address: '203.0.113.7', claimedAddress: '203.0.113.7' } };

const cases: RuleCase[] = [
  { name: 'no history', ctx: {}, params: W, fires: false },
  { name: '9 from 127.0.0.1', ctx: { rates: ratesWith([{ kind: 'client-ip', key: '127.0.0.1', n: 9 }]) }, params: W, fires: false },
  {
    name: '10 from 127.0.0.1',
    ctx: { rates: ratesWith([{ kind: 'client-ip', key: '127.0.0.1', n: 10 }]) },
    params: W,
    fires: true,
    vars: { ip: '127.0.0.1', count: 10, limit: 10 },
    mentions: ['10 messages from 127.0.0.1', '1 minute'],
    fixMentions: ['127.0.0.1'],
  },
  {
    name: 'the XCLIENT address is counted, not the socket’s',
    ctx: { ...claimed, rates: ratesWith([{ kind: 'client-ip', key: '203.0.113.7', n: 10 }, { kind: 'client-ip', key: '127.0.0.1', n: 1 }]) },
    params: W,
    fires: true,
    vars: { ip: '203.0.113.7', count: 10, limit: 10 },
    mentions: ['203.0.113.7'],
  },
  { name: 'the loopback history does not count for a claimed address', ctx: { ...claimed, rates: ratesWith([{ kind: 'client-ip', key: '127.0.0.1', n: 50 }]) }, params: W, fires: false },
];

ruleTable(ipRate, ['message'], cases);
