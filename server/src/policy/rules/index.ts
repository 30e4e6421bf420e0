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
// issue 4: sender authentication, message format, rate limits
import { authTempfail } from './message.auth-tempfail.js';
import { authUndeclared } from './message.auth-undeclared.js';
import { bulkAlignment } from './message.bulk-alignment.js';
import { bulkDkim } from './message.bulk-dkim.js';
import { bulkDmarcMissing } from './message.bulk-dmarc-missing.js';
import { bulkSpf } from './message.bulk-spf.js';
import { bulkUnsubscribe } from './message.bulk-unsubscribe.js';
import { dkimWeakKey } from './message.dkim-weak-key.js';
import { dmarcQuarantine } from './message.dmarc-quarantine.js';
import { dmarcReject } from './message.dmarc-reject.js';
import { spfHardfail } from './message.spf-hardfail.js';
import { unauthenticated } from './message.unauthenticated.js';
import { noMessageId } from './message.no-message-id.js';
import { fromInvalid } from './message.from-invalid.js';
import { fromMultiple } from './message.from-multiple.js';
import { duplicateHeaders } from './message.duplicate-headers.js';
import { encodedWord } from './message.encoded-word.js';
import { headerLimits } from './message.header-limits.js';
import { tooManyHops } from './message.too-many-hops.js';
import { attachmentCount } from './message.attachment-count.js';
import { dangerousAttachment } from './message.dangerous-attachment.js';
import { receivingRate } from './rcpt.receiving-rate.js';
import { senderRate } from './message.sender-rate.js';
import { ipRate } from './message.ip-rate.js';
import { duplicateMessageId } from './message.duplicate-message-id.js';
import { dailyLimit } from './mail.daily-limit.js';

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
  authTempfail,
  authUndeclared,
  bulkAlignment,
  bulkDkim,
  bulkDmarcMissing,
  bulkSpf,
  bulkUnsubscribe,
  dkimWeakKey,
  dmarcQuarantine,
  dmarcReject,
  spfHardfail,
  unauthenticated,
  noMessageId,
  fromInvalid,
  fromMultiple,
  duplicateHeaders,
  encodedWord,
  headerLimits,
  tooManyHops,
  attachmentCount,
  dangerousAttachment,
  receivingRate,
  senderRate,
  ipRate,
  duplicateMessageId,
  dailyLimit,
];

export const CHECKS: ReadonlyMap<string, CheckDefinition> = new Map(ALL.map((c) => [c.id, c]));
