import { describe } from 'vitest';
import { noSuchUser as rule } from './rcpt.no-such-user.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
import type { CommandInfo, MailPath } from '../types.js';

const MAILBOXES = new Map<string, ReadonlySet<string>>([
  ['example.com', new Set(['alice', 'bob.smith'])],
  ['corp.test', new Set(['ops'])],
  ['empty.test', new Set<string>()],
]);
const rcpt = (path: MailPath | null | undefined): CommandInfo => ({ verb: 'RCPT', argument: `TO:<${path?.address ?? ''}>`, known: true, path });
const to = (address: string, mailboxes: ReadonlyMap<string, ReadonlySet<string>> = MAILBOXES): RuleCase['ctx'] => ({ command: rcpt({ address, args: {} }), mailboxes });
const unknown = (address: string, domain: string, local: string): RuleCase => ({
  name: `${address} is refused`,
  ctx: to(address),
  fires: true,
  vars: { address, domain },
  mentions: [address, domain],
  fixMentions: [`"${local}"`, `mailboxes.${domain}`],
});
const known = (address: string): RuleCase => ({ name: `${address} is accepted`, ctx: to(address), fires: false });

const cases: RuleCase[] = [
  known('alice@example.com'),
  known('Alice@Example.COM'),
  known('ALICE@example.com'),
  known('alice+news@example.com'),
  known('Alice+News@EXAMPLE.com'),
  known('alice+a+b@example.com'),
  known('bob.smith@example.com'),
  known('ops@corp.test'),
  unknown('carol@example.com', 'example.com', 'carol'),
  unknown('Carol@EXAMPLE.com', 'example.com', 'carol'),
  unknown('carol+alice@example.com', 'example.com', 'carol'),
  unknown('alice@corp.test', 'corp.test', 'alice'),
  unknown('anyone@empty.test', 'empty.test', 'anyone'),
  { name: 'a domain without a mailbox list takes every mailbox', ctx: to('whoever@undeclared.test'), fires: false },
  { name: 'no mailbox lists at all', ctx: to('carol@example.com', new Map()), fires: false },
  { name: 'an address without a domain', ctx: to('postmaster'), fires: false },
  { name: 'an empty path (rcpt.syntax’s business)', ctx: to(''), fires: false },
  { name: 'a malformed path (rcpt.syntax’s business)', ctx: { command: rcpt(null), mailboxes: MAILBOXES }, fires: false },
  { name: 'no command', ctx: { mailboxes: MAILBOXES }, fires: false },
];

describe('rcpt.no-such-user', () => {
  itBehavesAsTabled(rule, 'rcpt.no-such-user', 'rcpt', cases);
});
