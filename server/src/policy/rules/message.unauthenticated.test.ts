import { authResults, ruleTable } from './rule-table.fixture.js';
import { messageFacts, type RuleCase } from './context.fixture.js';
import { unauthenticated } from './message.unauthenticated.js';
import type { MessageAuth } from '../../mail/auth-types.js';

const withAuth = (auth: MessageAuth | undefined) => ({ message: messageFacts(undefined, { auth }) });
const noDkim = { dkim: [] };

const cases: RuleCase[] = [
  { name: 'SPF and DKIM pass', ctx: withAuth(authResults()), fires: false },
  { name: 'SPF passes, no DKIM signature', ctx: withAuth(authResults(noDkim)), fires: false },
  { name: 'DKIM passes, SPF fails', ctx: withAuth(authResults({ spf: { result: 'fail' } })), fires: false },
  { name: 'no authentication results (not computed)', ctx: withAuth(undefined), fires: false },
  {
    name: 'SPF softfail, no DKIM: the records to publish name the IP and a selector',
    ctx: withAuth(authResults({ ...noDkim, spf: { result: 'softfail', record: 'v=spf1 ip4:192.0.2.1 ~all', allQualifier: '~' } })),
    fires: true,
    vars: { spfDomain: 'example.com', ip: '203.0.113.7' },
    mentions: ['SPF for example.com with ip 203.0.113.7 is softfail', 'v=spf1 ip4:192.0.2.1 ~all', 'no DKIM signature'],
    fixMentions: ['add ip4:203.0.113.7 to the SPF record of example.com', 's1._domainkey.example.com'],
  },
  {
    name: 'SPF none (declared domain without SPF), DKIM fails: the example SPF record',
    ctx: withAuth(authResults({ spf: { result: 'none', record: undefined, allQualifier: undefined }, dkim: [{ result: 'fail', comment: 'bad signature', selector: 'mail' }] })),
    fires: true,
    vars: { spfDomain: 'example.com', ip: '203.0.113.7' },
    mentions: ['is none (no SPF record)', 'DKIM d=example.com s=mail is fail (bad signature)'],
    fixMentions: ['publish a TXT record at example.com: "v=spf1 ip4:203.0.113.7 ~all"', 'mail._domainkey.example.com'],
  },
  {
    name: 'IPv6 client: the example record uses ip6',
    ctx: withAuth(authResults({ ...noDkim, spf: { result: 'neutral', record: undefined, ip: '2001:db8::7' } })),
    fires: true,
    vars: { spfDomain: 'example.com', ip: '2001:db8::7' },
    mentions: ['2001:db8::7'],
    fixMentions: ['"v=spf1 ip6:2001:db8::7 ~all"'],
  },
  {
    name: 'null sender: SPF checked for the HELO name',
    ctx: withAuth(authResults({ ...noDkim, spf: { result: 'fail', domain: 'mail.example.net', identity: 'helo' } })),
    fires: true,
    vars: { spfDomain: 'mail.example.net', ip: '203.0.113.7' },
    mentions: ['SPF for mail.example.net'],
  },
  { name: 'undeclared domains with dns.undeclared: none → message.auth-undeclared warns instead', ctx: withAuth(authResults({ ...noDkim, spf: { result: 'none', declared: false }, dmarc: { result: 'none', declared: false } })), fires: false },
  {
    name: 'undeclared domains with dns.undeclared: fail → fires',
    ctx: withAuth(authResults({ ...noDkim, undeclaredPolicy: 'fail', spf: { result: 'none', declared: false, record: undefined }, dmarc: { result: 'none', declared: false } })),
    fires: true,
    vars: { spfDomain: 'example.com', ip: '203.0.113.7' },
    mentions: ['no SPF record'],
  },
  {
    name: 'an undeclared MAIL FROM domain but a declared DKIM domain is judged',
    ctx: withAuth(authResults({ spf: { result: 'none', declared: false }, dkim: [{ result: 'neutral', comment: 'no key', declared: true }], dmarc: { declared: false } })),
    fires: true,
    vars: { spfDomain: 'example.com', ip: '203.0.113.7' },
    mentions: ['is neutral (no key)'],
  },
  { name: 'SPF temperror → message.auth-tempfail’s business', ctx: withAuth(authResults({ ...noDkim, spf: { result: 'temperror' } })), fires: false },
  { name: 'DKIM temperror → message.auth-tempfail’s business', ctx: withAuth(authResults({ spf: { result: 'fail' }, dkim: [{ result: 'temperror' }] })), fires: false },
  { name: 'a DKIM key below 1024 bits still passes (weak-key is a warning)', ctx: withAuth(authResults({ spf: { result: 'fail' }, dkim: [{ keyBits: 512 }] })), fires: false },
];

ruleTable(unauthenticated, ['message'], cases);
