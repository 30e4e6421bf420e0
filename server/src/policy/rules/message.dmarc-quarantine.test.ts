import { authResults, ruleTable } from './rule-table.fixture.js';
import { messageFacts, type RuleCase } from './context.fixture.js';
import { dmarcQuarantine } from './message.dmarc-quarantine.js';
import type { MessageAuth } from '../../mail/auth-types.js';

const withAuth = (auth: MessageAuth) => ({ message: messageFacts(undefined, { auth }) });

const cases: RuleCase[] = [
  { name: 'DMARC passes with p=quarantine', ctx: withAuth(authResults({ dmarc: { policy: 'quarantine' } })), fires: false },
  { name: 'DMARC fails with p=reject (message.dmarc-reject)', ctx: withAuth(authResults({ dmarc: { result: 'fail', policy: 'reject' } })), fires: false },
  { name: 'DMARC fails with p=none', ctx: withAuth(authResults({ dmarc: { result: 'fail', policy: 'none' } })), fires: false },
  {
    name: 'DMARC fails with p=quarantine',
    ctx: withAuth(authResults({ dkim: [{ domain: 'esp.example', selector: 'e1' }], dmarc: { result: 'fail', policy: 'quarantine', record: 'v=DMARC1; p=quarantine' } })),
    fires: true,
    vars: { domain: 'example.com' },
    mentions: ['DMARC fails for example.com', 'policy quarantine', 'v=DMARC1; p=quarantine'],
    fixMentions: ['e1._domainkey.esp.example', 'ip4:203.0.113.7'],
  },
];

ruleTable(dmarcQuarantine, ['message'], cases);
