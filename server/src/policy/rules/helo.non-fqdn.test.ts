import { describe } from 'vitest';
import { type RuleCase } from './context.fixture.js';
import { itBehavesAsTabled } from './rule-table.fixture.js';
import { heloNonFqdn as rule } from './helo.non-fqdn.js';

const fires = (name: string): RuleCase => ({ name: `fires for ${JSON.stringify(name)}`, ctx: { helo: { verb: 'EHLO', name } }, fires: true, vars: { name }, mentions: [name] });
const passes = (name: string): RuleCase => ({ name: `passes ${JSON.stringify(name)}`, ctx: { helo: { verb: 'EHLO', name } }, fires: false });

const cases: RuleCase[] = [
  // the local machine
  fires('localhost'),
  fires('LOCALHOST'),
  fires('localhost.'),
  fires('localhost.localdomain'),
  fires('foo.localdomain'),
  fires('foo.localhost'),
  // single labels: machine and container names
  fires('myserver'),
  fires('3f4e5a6b7c8d'),
  // a bare IP address is not a name
  fires('192.0.2.1'),
  // loopback, private, link-local, CGNAT and unspecified address literals
  fires('[127.0.0.1]'),
  fires('[10.1.2.3]'),
  fires('[172.16.5.4]'),
  fires('[192.168.0.1]'),
  fires('[169.254.1.1]'),
  fires('[100.64.0.1]'),
  fires('[0.0.0.0]'),
  fires('[IPv6:::1]'),
  fires('[IPv6:fe80::1]'),
  fires('[IPv6:fd00::1]'),
  fires('[IPv6:::ffff:127.0.0.1]'),
  {
    name: 'HELO (not only EHLO) with localhost',
    ctx: { helo: { verb: 'HELO', name: 'localhost' } },
    fires: true,
    vars: { name: 'localhost' },
    mentions: ['localhost'],
  },
  // fully-qualified names and public literals pass
  passes('mail.example.com'),
  passes('mail.example.com.'),
  passes('MAIL.Example.COM'),
  passes('[203.0.113.7]'),
  passes('[IPv6:2001:db8::1]'),
  passes('xn--bcher-kva.example'),
  passes('sender.bouncer.test'),
  // other rules' cases: empty and invalid names are not this rule's
  passes(''),
  passes('   '),
  passes('bad_host!'),
  passes('[999.1.1.1]'),
  { name: 'no HELO at all', ctx: {}, fires: false },
];

describe('helo.non-fqdn', () => {
  itBehavesAsTabled(rule, 'helo.non-fqdn', 'helo', cases);
});
