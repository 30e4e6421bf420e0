import { describe } from 'vitest';
import { ptrTempfail as rule } from './message.ptr-tempfail.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
import { StaticDnsWorld, type WorldRecords } from '../../dns/world.js';
import type { ClientIdentity, SessionContext } from '../types.js';

const V4 = '127.0.0.1';
const V6 = '2001:db8::25';
const client = (address: string): ClientIdentity => ({ realAddress: address, address });
const world = (records: WorldRecords, address = V4): Partial<SessionContext> => ({ dns: new StaticDnsWorld(records), client: client(address) });

/** The DNS worlds both PTR rules are judged against. */
const W = {
  confirmed: world({ [V4]: { PTR: ['sender.bouncer.test'] }, 'sender.bouncer.test': { A: [V4] } }),
  confirmedOddSpelling: world({ [`[${V4}]`]: { PTR: ['Sender.Bouncer.TEST.'] }, 'SENDER.bouncer.test.': { A: [V4] } }),
  noPtr: world({}),
  noPtrButA: world({ 'sender.bouncer.test': { A: [V4] } }),
  ptrWithoutA: world({ [V4]: { PTR: ['sender.bouncer.test'] } }),
  ptrWithAElsewhere: world({ [V4]: { PTR: ['sender.bouncer.test'] }, 'sender.bouncer.test': { A: ['192.0.2.1'] } }),
  ptrServfail: world({ [V4]: { PTR: 'SERVFAIL' } }),
  aServfail: world({ [V4]: { PTR: ['sender.bouncer.test'] }, 'sender.bouncer.test': { A: 'SERVFAIL' } }),
  secondPtrConfirmed: world({ [V4]: { PTR: ['broken.example', 'sender.bouncer.test'] }, 'broken.example': { A: 'SERVFAIL' }, 'sender.bouncer.test': { A: [V4] } }),
  secondPtrServfail: world({ [V4]: { PTR: ['other.example', 'broken.example'] }, 'other.example': { A: ['192.0.2.1'] }, 'broken.example': { A: 'SERVFAIL' } }),
  mappedClient: world({ [V4]: { PTR: ['sender.bouncer.test'] }, 'sender.bouncer.test': { A: [V4] } }, `::ffff:${V4}`),
  claimed: {
    dns: new StaticDnsWorld({ [V4]: { PTR: ['sender.bouncer.test'] }, 'sender.bouncer.test': { A: [V4] } }),
    client: { realAddress: V4, address: '203.0.113.7', claimedAddress: '203.0.113.7' },
  },
  v6Confirmed: world({ [V6]: { PTR: ['mx6.example.net'] }, 'mx6.example.net': { AAAA: ['2001:db8:0:0:0:0:0:25'] } }, V6),
  v6OnlyA: world({ [V6]: { PTR: ['mx6.example.net'] }, 'mx6.example.net': { A: [V4] } }, V6),
  v6AaaaElsewhere: world({ [V6]: { PTR: ['mx6.example.net'] }, 'mx6.example.net': { AAAA: ['2001:db8::26'] } }, V6),
  v6AaaaServfail: world({ [V6]: { PTR: ['mx6.example.net'] }, 'mx6.example.net': { AAAA: 'SERVFAIL' } }, V6),
  v6NoPtr: world({}, V6),
} satisfies Record<string, Partial<SessionContext>>;

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
