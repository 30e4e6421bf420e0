/**
 * Test support (not a test file): the DNS worlds both PTR rules (message.ptr and
 * message.ptr-tempfail) are judged against.
 */
import { StaticDnsWorld, type WorldRecords } from '../../dns/world.js';
import type { ClientIdentity, SessionContext } from '../types.js';

export const V4 = '127.0.0.1';
export const V6 = '2001:db8::25';
const client = (address: string): ClientIdentity => ({ realAddress: address, address });
const world = (records: WorldRecords, address = V4): Partial<SessionContext> => ({ dns: new StaticDnsWorld(records), client: client(address) });

/** The DNS worlds both PTR rules are judged against. */
export const W = {
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
