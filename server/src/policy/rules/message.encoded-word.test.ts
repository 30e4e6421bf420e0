import { ruleTable } from './rule-table.fixture.js';
import { messageFacts, WELL_FORMED_HEADERS, type RuleCase } from './context.fixture.js';
import { encodedWord } from './message.encoded-word.js';

const replace = (name: string, line: string) => ({ message: messageFacts([...WELL_FORMED_HEADERS.filter((h) => !h.startsWith(`${name}:`)), line]) });

const cases: RuleCase[] = [
  { name: 'an encoded Subject is what RFC 2047 is for', ctx: replace('Subject', 'Subject: =?UTF-8?B?R3LDvMOfZQ==?='), fires: false },
  { name: 'an encoded display name', ctx: replace('From', 'From: =?UTF-8?Q?J=C3=BCrgen?= <j@example.com>'), fires: false },
  { name: 'a quoted string that looks encoded', ctx: replace('From', 'From: "=?x?q?y?=" <j@example.com>'), fires: false },
  {
    name: 'an encoded Message-ID',
    ctx: replace('Message-ID', 'Message-ID: <=?UTF-8?Q?abc?=@example.com>'),
    fires: true,
    vars: { header: 'Message-ID' },
    mentions: ['Message-ID', '=?UTF-8?Q?abc?='],
    fixMentions: ['plain ASCII'],
  },
  { name: 'an encoded word inside the From address', ctx: replace('From', 'From: Alice <=?utf-8?q?al?=@example.com>'), fires: true, vars: { header: 'From' }, mentions: ['From'], fixMentions: ['display name'] },
  { name: 'a bare encoded local part in To', ctx: replace('To', 'To: =?utf-8?q?x?=@example.com'), fires: true, vars: { header: 'To' }, mentions: ['To'] },
  { name: 'an encoded Date', ctx: replace('Date', 'Date: =?us-ascii?Q?Mon,_01_Jan_2024?='), fires: true, vars: { header: 'Date' }, mentions: ['Date'] },
  { name: 'in References', ctx: replace('Subject', 'References: <a@b> =?x?b?YQ==?='), fires: true, vars: { header: 'References' }, mentions: ['References'] },
  { name: 'a header not listed', ctx: replace('Subject', 'X-Thing: =?x?b?YQ==?='), fires: false },
];

ruleTable(encodedWord, ['message'], cases);
