import { ruleTable } from './rule-table.fixture.js';
import { messageFacts, type RuleCase } from './context.fixture.js';
import { ratesWith } from './rates.fixture.js';
import { duplicateMessageId } from './message.duplicate-message-id.js';

const W = { windows: [{ limit: 3, seconds: 86400 }] };
const msg = { message: messageFacts() }; // Message-ID: <m1@example.com>

const cases: RuleCase[] = [
  { name: 'never seen', ctx: msg, params: W, fires: false },
  { name: 'seen twice', ctx: { ...msg, rates: ratesWith([{ kind: 'message-id', key: '<m1@example.com>', n: 2 }]) }, params: W, fires: false },
  {
    name: 'seen three times',
    ctx: { ...msg, rates: ratesWith([{ kind: 'message-id', key: '<M1@example.com>', n: 3, spreadMs: 80_000_000 }]) },
    params: W,
    fires: true,
    vars: { messageId: '<m1@example.com>', count: 3, limit: 3 },
    mentions: ['3 messages with the Message-ID <m1@example.com>', '24 hours'],
    fixMentions: ['own Message-ID'],
  },
  { name: 'other Message-IDs do not count', ctx: { ...msg, rates: ratesWith([{ kind: 'message-id', key: '<m2@example.com>', n: 9 }]) }, params: W, fires: false },
  { name: 'a message without Message-ID', ctx: { message: messageFacts(['From: a@example.com']), rates: ratesWith([{ kind: 'message-id', key: '', n: 9 }]) }, params: W, fires: false },
];

ruleTable(duplicateMessageId, ['message'], cases);
