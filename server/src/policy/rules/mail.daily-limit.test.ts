import { ruleTable } from './rule-table.fixture.js';
import type { RuleCase } from './context.fixture.js';
import { ratesWith } from './rates.fixture.js';
import { dailyLimit } from './mail.daily-limit.js';

const W = { windows: [{ limit: 2000, seconds: 86400 }] };

const cases: RuleCase[] = [
  { name: 'not signed in', ctx: { rates: ratesWith([{ kind: 'user', key: '', n: 1 }]) }, params: W, fires: false },
  { name: '1,999 sent today', ctx: { user: 'alice@example.com', rates: ratesWith([{ kind: 'user', key: 'alice@example.com', n: 1999, spreadMs: 80_000_000 }]) }, params: W, fires: false },
  {
    name: '2,000 sent in the last 24 hours',
    ctx: { user: 'alice@example.com', rates: ratesWith([{ kind: 'user', key: 'alice@example.com', n: 2000, spreadMs: 80_000_000 }]) },
    params: W,
    fires: true,
    vars: { user: 'alice@example.com', count: 2000, limit: 2000 },
    mentions: ['alice@example.com already sent 2000 messages in the last 24 hours', '2000'],
    fixMentions: ['24 hours'],
  },
  { name: '2,000 spread over two days', ctx: { user: 'alice@example.com', rates: ratesWith([{ kind: 'user', key: 'alice@example.com', n: 2000, spreadMs: 172_800_000 }]) }, params: W, fires: false },
];

ruleTable(dailyLimit, ['mail'], cases);
