/** The bulk-sender rules (5.7.27, 5.7.30, 5.7.40, 5.7.32 and the unsubscribe warning), table by table. */
import { authResults, ruleTable } from './rule-table.fixture.js';
import { messageFacts, WELL_FORMED_HEADERS, type RuleCase } from './context.fixture.js';
import { bulkSpf } from './message.bulk-spf.js';
import { bulkDkim } from './message.bulk-dkim.js';
import { bulkDmarcMissing } from './message.bulk-dmarc-missing.js';
import { bulkAlignment } from './message.bulk-alignment.js';
import { bulkUnsubscribe } from './message.bulk-unsubscribe.js';
import type { MessageAuth } from '../../mail/auth-types.js';

const withAuth = (auth: MessageAuth, headers = WELL_FORMED_HEADERS) => ({ message: messageFacts(headers, { auth }) });
const bulk = (o: Parameters<typeof authResults>[0] = {}) => authResults({ bulk: true, ...o });
const ALL = { allSenders: true };

ruleTable(bulkSpf, ['message'], [
  { name: 'not a bulk sender, SPF fails', ctx: withAuth(authResults({ spf: { result: 'fail' } })), fires: false },
  { name: 'bulk sender, SPF passes', ctx: withAuth(bulk()), fires: false },
  {
    name: 'declared bulk (senders.bulk), SPF softfail',
    ctx: withAuth(bulk({ spf: { result: 'softfail', record: 'v=spf1 ip4:192.0.2.1 ~all' } })),
    fires: true,
    vars: { spfDomain: 'example.com', ip: '203.0.113.7' },
    mentions: ['softfail', 'senders.bulk'],
    fixMentions: ['ip4:203.0.113.7', 'v=spf1 ip4:192.0.2.1 ~all'],
  },
  {
    name: 'every sender is bulk in this profile (allSenders), no SPF record',
    ctx: withAuth(authResults({ spf: { result: 'none', record: undefined } })),
    params: ALL,
    fires: true,
    vars: { spfDomain: 'example.com', ip: '203.0.113.7' },
    mentions: ['every sender'],
    fixMentions: ['"v=spf1 ip4:203.0.113.7 ~all"'],
  },
  { name: 'undeclared bulk sender with dns.undeclared: none (warned, not judged)', ctx: withAuth(bulk({ spf: { result: 'none', declared: false }, dkim: [], dmarc: { result: 'none', declared: false } })), fires: false },
] satisfies RuleCase[]);

ruleTable(bulkDkim, ['message'], [
  { name: 'bulk sender with a passing signature', ctx: withAuth(bulk()), fires: false },
  { name: 'not bulk, unsigned', ctx: withAuth(authResults({ dkim: [] })), fires: false },
  {
    name: 'bulk sender, unsigned',
    ctx: withAuth(bulk({ dkim: [] })),
    fires: true,
    vars: { domain: 'example.com' },
    mentions: ['no DKIM signature'],
    fixMentions: ['d=example.com', 's1._domainkey.example.com'],
  },
  {
    name: 'bulk sender, bad signature',
    ctx: withAuth(bulk({ dkim: [{ result: 'fail', comment: 'bad signature' }] })),
    fires: true,
    vars: { domain: 'example.com' },
    mentions: ['is fail (bad signature)'],
  },
] satisfies RuleCase[]);

ruleTable(bulkDmarcMissing, ['message'], [
  { name: 'bulk sender with a DMARC record', ctx: withAuth(bulk()), fires: false },
  { name: 'not bulk, no DMARC record', ctx: withAuth(authResults({ dmarc: { result: 'none', policy: undefined, record: undefined } })), fires: false },
  {
    name: 'bulk sender without a DMARC record',
    ctx: withAuth(bulk({ dmarc: { result: 'none', policy: undefined, record: undefined } })),
    fires: true,
    vars: { domain: 'example.com' },
    mentions: ['_dmarc.example.com'],
    fixMentions: ['_dmarc.example.com: "v=DMARC1; p=none;'],
  },
] satisfies RuleCase[]);

ruleTable(bulkAlignment, ['message'], [
  { name: 'bulk sender, aligned DKIM only', ctx: withAuth(bulk({ dmarc: { spfAligned: false } })), fires: false },
  { name: 'bulk sender, aligned SPF only', ctx: withAuth(bulk({ dmarc: { dkimAligned: false } })), fires: false },
  {
    name: 'bulk sender, From aligned with neither',
    ctx: withAuth(bulk({ spf: { domain: 'bounces.esp.example' }, dkim: [{ domain: 'esp.example', aligned: false }], dmarc: { result: 'fail', spfAligned: false, dkimAligned: false } })),
    fires: true,
    vars: { domain: 'example.com' },
    mentions: ['From domain example.com', 'bounces.esp.example', 'd=esp.example'],
    fixMentions: ['d=example.com'],
  },
] satisfies RuleCase[]);

const oneClick = [...WELL_FORMED_HEADERS, 'List-Unsubscribe: <https://example.com/u?x=1>, <mailto:u@example.com>', 'List-Unsubscribe-Post: List-Unsubscribe=One-Click'];
ruleTable(bulkUnsubscribe, ['message'], [
  { name: 'bulk sender with RFC 8058 one-click', ctx: withAuth(bulk(), oneClick), fires: false },
  { name: 'not bulk, no unsubscribe header', ctx: withAuth(authResults()), fires: false },
  {
    name: 'bulk sender without either header',
    ctx: withAuth(bulk()),
    fires: true,
    mentions: ['List-Unsubscribe with an https URI and List-Unsubscribe-Post: List-Unsubscribe=One-Click'],
    fixMentions: ['RFC 8058'],
  },
  {
    name: 'a mailto-only List-Unsubscribe is not one-click',
    ctx: withAuth(bulk(), [...WELL_FORMED_HEADERS, 'List-Unsubscribe: <mailto:u@example.com>', 'List-Unsubscribe-Post: List-Unsubscribe=One-Click']),
    fires: true,
    mentions: ['List-Unsubscribe with an https URI'],
  },
  {
    name: 'https URI without the POST header',
    ctx: withAuth(bulk(), [...WELL_FORMED_HEADERS, 'List-Unsubscribe: <https://example.com/u>']),
    params: ALL,
    fires: true,
    mentions: ['List-Unsubscribe-Post: List-Unsubscribe=One-Click'],
  },
] satisfies RuleCase[]);
