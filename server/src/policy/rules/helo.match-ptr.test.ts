import { describe } from 'vitest';
import { matchPtr as rule } from './helo.match-ptr.js';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
import { StaticDnsWorld } from '../../dns/world.js';

const ehlo = (name: string) => ({ helo: { verb: 'EHLO' as const, name } });
const v6 = { realAddress: '2001:db8::25', address: '2001:db8::25' };

const cases: RuleCase[] = [
  // the default world: 127.0.0.1 ⇄ sender.bouncer.test
  { name: 'EHLO equal to the PTR name', ctx: ehlo('sender.bouncer.test'), fires: false },
  { name: 'EHLO equal to the PTR name, other case and a trailing dot', ctx: ehlo('Sender.Bouncer.TEST.'), fires: false },
  {
    name: 'EHLO different from the PTR name',
    ctx: ehlo('mail.example.com'),
    fires: true,
    vars: { name: 'mail.example.com', ptr: 'sender.bouncer.test' },
    mentions: ['mail.example.com', '127.0.0.1', 'sender.bouncer.test'],
    fixMentions: ['sender.bouncer.test'],
  },
  {
    name: 'the name in vars is lower-cased, without its trailing dot',
    ctx: ehlo('MAIL.Example.com.'),
    fires: true,
    vars: { name: 'mail.example.com', ptr: 'sender.bouncer.test' },
    mentions: ['mail.example.com', '127.0.0.1'],
  },
  { name: 'an address literal is not compared', ctx: ehlo('[127.0.0.1]'), fires: false },
  { name: 'an empty name is helo.empty’s business', ctx: ehlo(''), fires: false },
  { name: 'no greeting', ctx: {}, fires: false },
  {
    name: 'no PTR at all',
    ctx: { ...ehlo('mail.example.com'), dns: new StaticDnsWorld({}) },
    fires: true,
    vars: { name: 'mail.example.com', ptr: '' },
    mentions: ['mail.example.com', '127.0.0.1', 'no PTR'],
  },
  {
    name: 'PTR SERVFAIL: no verdict on a temporary failure',
    ctx: { ...ehlo('mail.example.com'), dns: new StaticDnsWorld({ '127.0.0.1': { PTR: 'SERVFAIL' } }) },
    fires: false,
  },
  {
    name: 'a second PTR name matches',
    ctx: {
      ...ehlo('mail.example.com'),
      dns: new StaticDnsWorld({ '127.0.0.1': { PTR: ['sender.bouncer.test', 'mail.example.com'] }, 'mail.example.com': { A: ['127.0.0.1'] } }),
    },
    fires: false,
  },
  {
    name: 'the XCLIENT address is judged, not the socket address',
    ctx: {
      ...ehlo('sender.bouncer.test'),
      client: { realAddress: '127.0.0.1', address: '203.0.113.7', claimedAddress: '203.0.113.7' },
      dns: new StaticDnsWorld({ '203.0.113.7': { PTR: ['mail.example.com'] }, 'mail.example.com': { A: ['203.0.113.7'] } }),
    },
    fires: true,
    vars: { name: 'sender.bouncer.test', ptr: 'mail.example.com' },
    mentions: ['sender.bouncer.test', '203.0.113.7', 'mail.example.com'],
  },
  {
    name: 'IPv6 client whose PTR name (with AAAA) is the EHLO name',
    ctx: { ...ehlo('mx6.example.net'), client: v6, dns: new StaticDnsWorld({ '2001:db8::25': { PTR: ['mx6.example.net'] }, 'mx6.example.net': { AAAA: ['2001:db8::25'] } }) },
    fires: false,
  },
  {
    name: 'IPv6 client with another EHLO name',
    ctx: { ...ehlo('other.example.org'), client: v6, dns: new StaticDnsWorld({ '2001:db8::25': { PTR: ['mx6.example.net'] }, 'mx6.example.net': { AAAA: ['2001:db8::25'] } }) },
    fires: true,
    vars: { name: 'other.example.org', ptr: 'mx6.example.net' },
    mentions: ['other.example.org', '2001:db8::25', 'mx6.example.net'],
  },
];

describe('helo.match-ptr', () => {
  itBehavesAsTabled(rule, 'helo.match-ptr', 'helo', cases);
});
