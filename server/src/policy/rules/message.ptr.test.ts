import { describe } from 'vitest';
import { ptr as rule } from './message.ptr.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
import { V4, V6, W } from './ptr-worlds.fixture.js';
import type { SessionContext } from '../types.js';

const noPtr = (ctx: Partial<SessionContext>, ip: string, name: string): RuleCase => ({ name, ctx, fires: true, vars: { ip, ptr: '' }, mentions: [ip, 'no PTR'], fixMentions: [ip] });
const notBack = (ctx: Partial<SessionContext>, ip: string, ptr: string, name: string): RuleCase => ({
  name,
  ctx,
  fires: true,
  vars: { ip, ptr },
  mentions: [ip, ptr],
  fixMentions: [ip, ptr],
});

const cases: RuleCase[] = [
  { name: 'forward-confirmed (the loopback identity)', ctx: W.confirmed, fires: false },
  { name: 'forward-confirmed, names in other case, trailing dots, bracketed owner', ctx: W.confirmedOddSpelling, fires: false },
  noPtr(W.noPtr, V4, 'no PTR'),
  noPtr(W.noPtrButA, V4, 'no PTR, although a name points at the address'),
  notBack(W.ptrWithoutA, V4, 'sender.bouncer.test', 'a PTR whose name has no A record'),
  notBack(W.ptrWithAElsewhere, V4, 'sender.bouncer.test', 'a PTR whose name points elsewhere'),
  { name: 'PTR SERVFAIL is message.ptr-tempfail’s business', ctx: W.ptrServfail, fires: false },
  { name: 'A SERVFAIL is message.ptr-tempfail’s business', ctx: W.aServfail, fires: false },
  { name: 'the second PTR name confirms', ctx: W.secondPtrConfirmed, fires: false },
  { name: 'unconfirmed, and a SERVFAIL on the way', ctx: W.secondPtrServfail, fires: false },
  { name: 'an IPv4-mapped IPv6 client is judged as IPv4', ctx: W.mappedClient, fires: false },
  noPtr(W.claimed, '203.0.113.7', 'the XCLIENT address is judged, not the socket address'),
  { name: 'IPv6 client with a matching AAAA', ctx: W.v6Confirmed, fires: false },
  notBack(W.v6OnlyA, V6, 'mx6.example.net', 'IPv6 client whose PTR name has only an A record'),
  notBack(W.v6AaaaElsewhere, V6, 'mx6.example.net', 'IPv6 client whose PTR name has another AAAA'),
  { name: 'IPv6 client, AAAA SERVFAIL', ctx: W.v6AaaaServfail, fires: false },
  noPtr(W.v6NoPtr, V6, 'IPv6 client without PTR'),
];

describe('message.ptr', () => {
  itBehavesAsTabled(rule, 'message.ptr', 'message', cases);
});
