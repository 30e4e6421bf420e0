import { authResults, ruleTable } from './rule-table.fixture.js';
import { messageFacts, type RuleCase } from './context.fixture.js';
import { authUndeclared } from './message.auth-undeclared.js';
import type { MessageAuth } from '../../mail/auth-types.js';

const withAuth = (auth: MessageAuth) => ({ message: messageFacts(undefined, { auth }) });
const undeclared = { spf: { result: 'none' as const, declared: false, record: undefined, ip: '127.0.0.1', domain: 'app.example' }, dmarc: { result: 'none' as const, declared: false, domain: 'app.example' }, headerFrom: ['noreply@app.example'] };

const cases: RuleCase[] = [
  { name: 'declared and authenticated', ctx: withAuth(authResults()), fires: false },
  { name: 'declared and failing (message.unauthenticated’s business)', ctx: withAuth(authResults({ dkim: [], spf: { result: 'fail' } })), fires: false },
  { name: 'undeclared, but dns.undeclared: fail', ctx: withAuth(authResults({ ...undeclared, dkim: [], undeclaredPolicy: 'fail' })), fires: false },
  {
    name: 'undeclared sender without DKIM: the config to declare',
    ctx: withAuth(authResults({ ...undeclared, dkim: [] })),
    fires: true,
    vars: { spfDomain: 'app.example', ip: '127.0.0.1' },
    mentions: ['no records for app.example', 'SPF and DKIM are none'],
    fixMentions: ['dns.records: {"app.example": {TXT: ["v=spf1 ip4:127.0.0.1 ~all"]}}', 's1._domainkey.app.example', 'dns.undeclared: fail'],
  },
  {
    name: 'undeclared sender whose signature names an undeclared key',
    ctx: withAuth(authResults({ ...undeclared, dkim: [{ result: 'neutral', comment: 'no key', domain: 'mail.app.example', selector: 'k', declared: false }] })),
    fires: true,
    vars: { spfDomain: 'app.example', ip: '127.0.0.1' },
    mentions: ['app.example, mail.app.example'],
    fixMentions: ['k._domainkey.mail.app.example'],
  },
];

ruleTable(authUndeclared, ['message'], cases);
