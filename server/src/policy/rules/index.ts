/** The registry of built-in checks, by id. A profile's rule names one of these. */
import type { CheckDefinition } from '../types.js';
import { appPassword } from './auth.app-password.js';
import { badCredentials } from './auth.bad-credentials.js';
import { authRequired } from './command.auth-required.js';
import { heloFirst } from './command.helo-first.js';
import { mailFirst } from './command.mail-first.js';
import { rcptFirst } from './command.rcpt-first.js';
import { starttlsRequired } from './command.starttls-required.js';
import { tooManyUnrecognized } from './command.too-many-unrecognized.js';
import { unimplemented } from './command.unimplemented.js';
import { unrecognized } from './command.unrecognized.js';
import { heloEmpty } from './helo.empty.js';
import { heloInvalid } from './helo.invalid.js';
import { matchPtr } from './helo.match-ptr.js';
import { heloNonFqdn } from './helo.non-fqdn.js';
import { requireEhlo } from './helo.require-ehlo.js';
import { sizeDeclared } from './mail.size-declared.js';
import { mailSyntax } from './mail.syntax.js';
import { malformed } from './message.malformed.js';
import { ptrTempfail } from './message.ptr-tempfail.js';
import { ptr } from './message.ptr.js';
import { messageSize } from './message.size.js';
import { noSuchUser } from './rcpt.no-such-user.js';
import { rcptSyntax } from './rcpt.syntax.js';
import { tooManyRecipients } from './rcpt.too-many-recipients.js';

const ALL: CheckDefinition[] = [
  heloFirst,
  mailFirst,
  rcptFirst,
  unimplemented,
  tooManyUnrecognized,
  unrecognized,
  starttlsRequired,
  authRequired,
  heloEmpty,
  heloInvalid,
  heloNonFqdn,
  requireEhlo,
  matchPtr,
  mailSyntax,
  sizeDeclared,
  rcptSyntax,
  tooManyRecipients,
  noSuchUser,
  appPassword,
  badCredentials,
  messageSize,
  malformed,
  ptr,
  ptrTempfail,
];

export const CHECKS: ReadonlyMap<string, CheckDefinition> = new Map(ALL.map((c) => [c.id, c]));
