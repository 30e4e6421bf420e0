import { describe } from 'vitest';
import { ptr as rule } from './message.ptr.js';
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
