import { authResults, ruleTable } from './rule-table.fixture.js';
import { messageFacts, type RuleCase } from './context.fixture.js';
import { authTempfail } from './message.auth-tempfail.js';
import type { MessageAuth } from '../../mail/auth-types.js';

const withAuth = (auth: MessageAuth) => ({ message: messageFacts(undefined, { auth }) });
const vars = { spfDomain: 'example.com', ip: '203.0.113.7' };

const cases: RuleCase[] = [
  { name: 'everything answered', ctx: withAuth(authResults({ spf: { result: 'fail' }, dkim: [] })), fires: false },
  { name: 'SPF temperror but DKIM passes: authenticated', ctx: withAuth(authResults({ spf: { result: 'temperror' } })), fires: false },
  { name: 'DMARC temperror but SPF passes: authenticated', ctx: withAuth(authResults({ dmarc: { result: 'temperror' } })), fires: false },
  {
    name: 'SPF temperror, no DKIM',
    ctx: withAuth(authResults({ spf: { result: 'temperror' }, dkim: [] })),
    fires: true,
    vars,
    mentions: ['SERVFAIL', 'the SPF record of example.com'],
    fixMentions: ['the SPF record of example.com', 'retry'],
  },
  {
    name: 'DKIM key lookup temperror, SPF fails',
    ctx: withAuth(authResults({ spf: { result: 'fail' }, dkim: [{ result: 'temperror', selector: 'k2' }] })),
    fires: true,
    vars,
    mentions: ['the DKIM key k2._domainkey.example.com'],
  },
  {
    name: 'DMARC temperror and nothing passes: every failed lookup is named',
    ctx: withAuth(authResults({ spf: { result: 'temperror' }, dkim: [{ result: 'fail' }], dmarc: { result: 'temperror' } })),
    fires: true,
    vars,
    mentions: ['the SPF record of example.com, the DMARC record of example.com'],
  },
];

ruleTable(authTempfail, ['message'], cases);
