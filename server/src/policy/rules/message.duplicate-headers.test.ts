import { ruleTable } from './rule-table.fixture.js';
import { messageFacts, WELL_FORMED_HEADERS, type RuleCase } from './context.fixture.js';
import { duplicateHeaders } from './message.duplicate-headers.js';

const plus = (...extra: string[]) => ({ message: messageFacts([...WELL_FORMED_HEADERS, ...extra]) });

const cases: RuleCase[] = [
  { name: 'each header once', ctx: plus(), fires: false },
  { name: 'several Received headers are normal', ctx: plus('Received: from a', 'Received: from b'), fires: false },
  { name: 'several Comments and Keywords are allowed (RFC 5322 §3.6)', ctx: plus('Comments: a', 'Comments: b', 'Keywords: x', 'Keywords: y'), fires: false },
  { name: 'two Subject headers', ctx: plus('Subject: again'), fires: true, vars: { header: 'Subject', count: 2 }, mentions: ['Subject appears 2 times'], fixMentions: ['single Subject'] },
  { name: 'two Message-ID headers', ctx: plus('Message-ID: <m2@example.com>'), fires: true, vars: { header: 'Message-ID', count: 2 }, mentions: ['Message-ID'] },
  { name: 'three To headers, any case', ctx: plus('to: c@example.org', 'TO: d@example.org'), fires: true, vars: { header: 'To', count: 3 }, mentions: ['To appears 3 times'] },
  { name: 'two Reply-To', ctx: plus('Reply-To: a@example.com', 'Reply-To: b@example.com'), fires: true, vars: { header: 'Reply-To', count: 2 }, mentions: ['Reply-To'] },
  { name: 'the list is a param', ctx: plus('Subject: again'), params: { headers: ['from'] }, fires: false },
  { name: 'a parse error', ctx: { message: messageFacts([...WELL_FORMED_HEADERS, 'Subject: x'], { parseError: 'x' }) }, fires: false },
];

ruleTable(duplicateHeaders, ['message'], cases);
