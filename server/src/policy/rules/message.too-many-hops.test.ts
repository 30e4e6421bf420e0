import { ruleTable } from './rule-table.fixture.js';
import { messageFacts, WELL_FORMED_HEADERS, type RuleCase } from './context.fixture.js';
import { tooManyHops } from './message.too-many-hops.js';

const hops = (n: number) => ({ message: messageFacts([...Array.from({ length: n }, (_, i) => `Received: from hop${i}.example by hop${i + 1}.example; Mon, 1 Jan 2024 00:00:00 +0000`), ...WELL_FORMED_HEADERS]) });

const cases: RuleCase[] = [
  { name: 'no Received header', ctx: hops(0), fires: false },
  { name: '50 hops', ctx: hops(50), fires: false },
  { name: '51 hops', ctx: hops(51), fires: true, vars: { hops: 51, maxHops: 50 }, mentions: ['51 Received headers', 'more than 50'], fixMentions: ['loop'] },
  { name: 'the limit is a param', ctx: hops(4), params: { maxHops: 3 }, fires: true, vars: { hops: 4, maxHops: 3 }, mentions: ['4 Received'] },
];

ruleTable(tooManyHops, ['message'], cases);
