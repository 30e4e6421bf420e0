/**
 * Protocol events that end or refuse a session without a profile rule (limits and protocol
 * abuse smtp-server detects). They still leave a decision in the trace, so nothing is
 * rejected without an id, a why and a fix.
 */
import type { BuiltinReplyId } from '../policy/profile.js';
import type { Phase } from '../policy/types.js';

export interface BuiltinDecision {
  ruleId: string;
  phase: Phase;
  why: string;
  fix: string;
}

export const BUILTIN_DECISIONS: Partial<Record<BuiltinReplyId, BuiltinDecision>> = {
  'server-busy': {
    ruleId: 'limits.max-connections',
    phase: 'connect',
    why: 'The listener already has as many open connections as smtp.maxConnections allows.',
    fix: 'Retry later; reuse connections (pooling) or send from fewer parallel connections.',
  },
  'idle-timeout': {
    ruleId: 'limits.idle-timeout',
    phase: 'command',
    why: 'The client sent nothing for longer than the profile’s idle timeout.',
    fix: 'Close connections you are not using (QUIT) instead of leaving them open, or send NOOP to keep a pooled one alive.',
  },
  'line-too-long': {
    ruleId: 'limits.line-length',
    phase: 'command',
    why: 'A command line was longer than the profile’s limits.maxLineLength.',
    fix: 'SMTP command lines are at most 512 octets (RFC 5321 §4.5.3.1.4); check what the client sends.',
  },
  'early-talker': {
    ruleId: 'protocol.early-talker',
    phase: 'connect',
    why: 'The client sent a command before the server’s greeting (RFC 5321 §4.3.1 has it wait for the 220).',
    fix: 'Wait for the 220 greeting before sending EHLO; do not pipeline the first command.',
  },
  'http-refused': {
    ruleId: 'protocol.http-on-smtp',
    phase: 'command',
    why: 'An HTTP request arrived on an SMTP port.',
    fix: 'Point HTTP clients at the API port (8025 by default); SMTP clients speak SMTP.',
  },
  'shutting-down': {
    ruleId: 'server.shutting-down',
    phase: 'command',
    why: 'Bouncer was shutting down.',
    fix: 'Retry when the server is back; the 421 is temporary.',
  },
};
