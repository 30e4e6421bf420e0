import { classifyHeloName } from './helo-name.js';
import type { CheckDefinition } from '../types.js';

/**
 * The mission's rule, modelled on Postfix's reject_non_fqdn_helo_hostname: a name that is not
 * fully qualified (localhost, a container id, a bare IP, a private literal) is refused.
 * Google does not document a reply for this; the wording is Postfix's.
 */
export const heloNonFqdn: CheckDefinition = {
  id: 'helo.non-fqdn',
  phases: ['helo'],
  summary: 'EHLO/HELO name that is not fully qualified',
  check(ctx) {
    const name = ctx.helo?.name ?? '';
    const kind = classifyHeloName(name);
    if (kind.kind !== 'non-fqdn') return null;
    return {
      why: `The EHLO name "${name}" is not fully qualified: ${kind.reason}.`,
      fix:
        'Use a fully-qualified domain name (FQDN) such as mail.example.com: its A record should be the sending IP ' +
        'and the PTR of that IP should point back to it. In nodemailer set the `name` option; in Postfix set myhostname.',
      vars: { name },
    };
  },
};
