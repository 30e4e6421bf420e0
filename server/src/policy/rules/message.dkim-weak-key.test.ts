import { authResults, ruleTable } from './rule-table.fixture.js';
import { messageFacts, type RuleCase } from './context.fixture.js';
import { dkimWeakKey } from './message.dkim-weak-key.js';
import type { MessageAuth } from '../../mail/auth-types.js';

const withAuth = (auth: MessageAuth) => ({ message: messageFacts(undefined, { auth }) });

const cases: RuleCase[] = [
  { name: 'a 2048-bit key', ctx: withAuth(authResults()), fires: false },
  { name: 'exactly 1024 bits', ctx: withAuth(authResults({ dkim: [{ keyBits: 1024 }] })), fires: false },
  { name: 'no signature', ctx: withAuth(authResults({ dkim: [] })), fires: false },
  { name: 'a signature without a key found', ctx: withAuth(authResults({ dkim: [{ result: 'neutral', keyBits: undefined }] })), fires: false },
  {
    name: 'a 512-bit key',
    ctx: withAuth(authResults({ dkim: [{ keyBits: 2048, selector: 'good' }, { keyBits: 512, selector: 'old' }] })),
    fires: true,
    vars: { domain: 'example.com', selector: 'old', bits: 512, minBits: 1024 },
    mentions: ['old._domainkey.example.com', '512 bits', '1024'],
    fixMentions: ['2048-bit', 'example.com'],
  },
  {
    name: 'the threshold is a param',
    ctx: withAuth(authResults({ dkim: [{ keyBits: 1024 }] })),
    params: { minBits: 2048 },
    fires: true,
    vars: { domain: 'example.com', selector: 's1', bits: 1024, minBits: 2048 },
    mentions: ['1024 bits', '2048'],
  },
];

ruleTable(dkimWeakKey, ['message'], cases);
