import { describe } from 'vitest';
import { ptrTempfail as rule } from './message.ptr-tempfail.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
import { V4, V6, W } from './ptr-worlds.fixture.js';
import { StaticDnsWorld } from '../../dns/world.js';
import type { SessionContext } from '../types.js';

const tempfail = (ctx: Partial<SessionContext>, ip: string, name: string): RuleCase => ({ name, ctx, fires: true, vars: { ip }, mentions: [ip, 'SERVFAIL'] });

const cases: RuleCase[] = [
  { name: 'forward-confirmed (the loopback identity)', ctx: W.confirmed, fires: false },
  { name: 'forward-confirmed, names in other case, trailing dots, bracketed owner', ctx: W.confirmedOddSpelling, fires: false },
  { name: 'no PTR is message.ptr’s business', ctx: W.noPtr, fires: false },
  { name: 'no PTR although a name points at the address', ctx: W.noPtrButA, fires: false },
  { name: 'a PTR without A is message.ptr’s business', ctx: W.ptrWithoutA, fires: false },
  { name: 'a PTR pointing elsewhere is message.ptr’s business', ctx: W.ptrWithAElsewhere, fires: false },
  tempfail(W.ptrServfail, V4, 'PTR SERVFAIL'),
  tempfail(W.aServfail, V4, 'A SERVFAIL'),
  { name: 'a SERVFAIL on the first PTR name, the second confirms', ctx: W.secondPtrConfirmed, fires: false },
  tempfail(W.secondPtrServfail, V4, 'unconfirmed, and a SERVFAIL on the second PTR name'),
  { name: 'an IPv4-mapped IPv6 client is judged as IPv4', ctx: W.mappedClient, fires: false },
  { name: 'the XCLIENT address is judged (no PTR: not temporary)', ctx: W.claimed, fires: false },
  { name: 'IPv6 client with a matching AAAA', ctx: W.v6Confirmed, fires: false },
  { name: 'IPv6 client whose PTR name has only an A record', ctx: W.v6OnlyA, fires: false },
  tempfail(W.v6AaaaServfail, V6, 'IPv6 client, AAAA SERVFAIL'),
  { name: 'IPv6 client without PTR', ctx: W.v6NoPtr, fires: false },
  tempfail({ client: { realAddress: V4, address: '203.0.113.7', claimedAddress: '203.0.113.7' }, dns: new StaticDnsWorld({ '203.0.113.7': { PTR: 'SERVFAIL' } }) }, '203.0.113.7', 'PTR SERVFAIL for the XCLIENT address'),
];

describe('message.ptr-tempfail', () => {
  itBehavesAsTabled(rule, 'message.ptr-tempfail', 'message', cases);
});
