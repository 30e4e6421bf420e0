import { describe } from 'vitest';
import { sizeDeclared as rule } from './mail.size-declared.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
import type { CommandInfo, MailPath } from '../types.js';

const LIMIT = 157286400;
const mail = (args: MailPath['args']): CommandInfo => ({ verb: 'MAIL', argument: 'FROM:<a@example.com>', known: true, path: { address: 'a@example.com', args } });

const cases: RuleCase[] = [
  { name: 'SIZE one byte over the limit', ctx: { command: mail({ SIZE: String(LIMIT + 1) }) }, fires: true, vars: { size: LIMIT + 1 }, mentions: [String(LIMIT + 1), String(LIMIT)] },
  { name: 'SIZE far over the limit', ctx: { command: mail({ SIZE: '999999999999' }) }, fires: true, vars: { size: 999999999999 }, mentions: ['999999999999', String(LIMIT)] },
  { name: 'SIZE equal to the limit', ctx: { command: mail({ SIZE: String(LIMIT) }) }, fires: false },
  { name: 'SIZE under the limit', ctx: { command: mail({ SIZE: '1000' }) }, fires: false },
  { name: 'SIZE=0', ctx: { command: mail({ SIZE: '0' }) }, fires: false },
  { name: 'non-numeric SIZE', ctx: { command: mail({ SIZE: 'abc' }) }, fires: false },
  { name: 'negative SIZE', ctx: { command: mail({ SIZE: '-5' }) }, fires: false },
  { name: 'SIZE in exponent form', ctx: { command: mail({ SIZE: '1e10' }) }, fires: false },
  { name: 'bare SIZE keyword', ctx: { command: mail({ SIZE: true }) }, fires: false },
  { name: 'no SIZE', ctx: { command: mail({ BODY: '8BITMIME' }) }, fires: false },
  {
    name: 'a smaller profile limit',
    ctx: { command: mail({ SIZE: '1001' }), limits: { maxMessageSize: 1000, maxRecipients: 100, maxUnrecognizedCommands: 10 } },
    fires: true,
    vars: { size: 1001 },
    mentions: ['1001', '1000'],
  },
  { name: 'a malformed path (mail.syntax’s business)', ctx: { command: { verb: 'MAIL', argument: 'x', known: true, path: null } }, fires: false },
  { name: 'no command', ctx: {}, fires: false },
];

describe('mail.size-declared', () => {
  itBehavesAsTabled(rule, 'mail.size-declared', 'mail', cases);
});
