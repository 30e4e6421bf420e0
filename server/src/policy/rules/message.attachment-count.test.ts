import { ruleTable } from './rule-table.fixture.js';
import { messageFacts, type RuleCase } from './context.fixture.js';
import { attachmentCount } from './message.attachment-count.js';

const files = (n: number) => ({ message: messageFacts(undefined, { attachments: Array.from({ length: n }, (_, i) => ({ filename: `f${i}.txt`, contentType: 'text/plain', content: Buffer.from('x') })) }) });

const cases: RuleCase[] = [
  { name: 'no attachment', ctx: files(0), fires: false },
  { name: '500 attachments', ctx: files(500), fires: false },
  { name: '501 attachments', ctx: files(501), fires: true, vars: { count: 501, limit: 500 }, mentions: ['501 attachments', 'at most 500'], fixMentions: ['fewer'] },
  { name: 'the limit is a param', ctx: files(3), params: { max: 2 }, fires: true, vars: { count: 3, limit: 2 }, mentions: ['3 attachments'] },
];

ruleTable(attachmentCount, ['message'], cases);
