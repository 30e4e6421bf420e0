import { authResults, ruleTable } from './rule-table.fixture.js';
import { messageFacts, type RuleCase } from './context.fixture.js';
import { dmarcReject } from './message.dmarc-reject.js';
import type { MessageAuth } from '../../mail/auth-types.js';

const withAuth = (auth: MessageAuth) => ({ message: messageFacts(undefined, { auth }) });
const failing = (policy: 'none' | 'quarantine' | 'reject') => ({ result: 'fail' as const, policy, record: `v=DMARC1; p=${policy}`, spfAligned: false, dkimAligned: false });

const cases: RuleCase[] = [
  { name: 'DMARC passes with p=reject', ctx: withAuth(authResults({ dmarc: { policy: 'reject' } })), fires: false },
  { name: 'DMARC fails with p=none', ctx: withAuth(authResults({ dmarc: failing('none') })), fires: false },
  { name: 'DMARC fails with p=quarantine (a warning rule’s business)', ctx: withAuth(authResults({ dmarc: failing('quarantine') })), fires: false },
  { name: 'no DMARC result (no single From)', ctx: withAuth(authResults({ dmarc: null })), fires: false },
  { name: 'DMARC temperror with p unknown', ctx: withAuth(authResults({ dmarc: { result: 'temperror', policy: undefined } })), fires: false },
  {
    name: 'DMARC fails with p=reject: SPF passes for another domain, DKIM for another domain',
    ctx: withAuth(authResults({ spf: { domain: 'bounce.esp.example' }, dkim: [{ domain: 'esp.example', aligned: false }], dmarc: failing('reject') })),
    fires: true,
    vars: { domain: 'example.com' },
    mentions: ['DMARC fails for example.com', 'v=DMARC1; p=reject', 'SPF for bounce.esp.example', 'DKIM d=esp.example'],
    fixMentions: ['example.com', 's1._domainkey.esp.example', 'ip4:203.0.113.7'],
  },
  {
    name: 'a subdomain whose organizational record has sp=reject',
    ctx: withAuth(authResults({ headerFrom: ['news@mail.example.com'], dkim: [], dmarc: { ...failing('reject'), domain: 'mail.example.com', record: 'v=DMARC1; p=none; sp=reject' } })),
    fires: true,
    vars: { domain: 'mail.example.com' },
    mentions: ['mail.example.com', 'sp=reject'],
  },
];

ruleTable(dmarcReject, ['message'], cases);
