import { ruleTable } from './rule-table.fixture.js';
import { messageFacts, WELL_FORMED_HEADERS, type RuleCase } from './context.fixture.js';
import { fromMultiple } from './message.from-multiple.js';

const others = WELL_FORMED_HEADERS.filter((h) => !h.startsWith('From:'));
const from = (...addresses: string[]) => ({ message: messageFacts([`From: ${addresses.join(', ')}`, ...others], { from: addresses.map((address) => ({ name: '', address })) }) });

const cases: RuleCase[] = [
  { name: 'one address', ctx: from('a@example.com'), fires: false },
  { name: 'no address (message.from-invalid’s business)', ctx: from(), fires: false },
  { name: 'two addresses', ctx: from('a@example.com', 'b@example.com'), fires: true, vars: { count: 2 }, mentions: ['2 addresses', 'a@example.com, b@example.com'], fixMentions: ['Reply-To'] },
  { name: 'a group of three', ctx: from('a@x.example', 'b@y.example', 'c@z.example'), fires: true, vars: { count: 3 }, mentions: ['3 addresses'] },
];

ruleTable(fromMultiple, ['message'], cases);
