import { authResults, ruleTable } from './rule-table.fixture.js';
import { messageFacts, type RuleCase } from './context.fixture.js';
import { spfHardfail } from './message.spf-hardfail.js';
import type { MessageAuth } from '../../mail/auth-types.js';

const withAuth = (auth: MessageAuth) => ({ message: messageFacts(undefined, { auth }) });
const failing = { result: 'fail' as const, record: 'v=spf1 ip4:192.0.2.1 -all' };

const cases: RuleCase[] = [
  { name: 'SPF passes', ctx: withAuth(authResults({ dkim: [] })), fires: false },
  { name: 'SPF softfail (~all) is not a hard fail', ctx: withAuth(authResults({ dkim: [], spf: { result: 'softfail' } })), fires: false },
  { name: 'SPF fails but a DKIM signature passes', ctx: withAuth(authResults({ spf: failing })), fires: false },
  {
    name: 'SPF fails, no DKIM',
    ctx: withAuth(authResults({ dkim: [], spf: failing })),
    fires: true,
    vars: { spfDomain: 'example.com', ip: '203.0.113.7' },
    mentions: ['example.com', 'v=spf1 ip4:192.0.2.1 -all', '203.0.113.7'],
    fixMentions: ['ip4:203.0.113.7', 'example.com'],
  },
  {
    name: 'SPF fails, DKIM fails too',
    ctx: withAuth(authResults({ dkim: [{ result: 'fail' }], spf: { ...failing, ip: '2001:db8::9' } })),
    fires: true,
    vars: { spfDomain: 'example.com', ip: '2001:db8::9' },
    mentions: ['2001:db8::9'],
    fixMentions: ['ip6:2001:db8::9'],
  },
];

ruleTable(spfHardfail, ['message'], cases);
