/**
 * Query parameters of the list and wait routes, shared so that `GET /messages?…` and
 * `GET /messages/wait?…` take exactly the same filters (and the testing client can build
 * them from one type). `subject` is a case-insensitive substring, or a regex written
 * `/source/flags` (compiled for linear-time matching, util/safe-regex.ts).
 */
import { z } from 'zod';
import { normalizeTag } from '../../smtp/tags.js';
import type { MessageFilter, SessionFilter } from '../../store/types.js';
import { compileSafeRegex, parseRegexLiteral, PatternError } from '../../util/safe-regex.js';
import { pagination } from './pagination.js';

/** Epoch milliseconds, or an ISO 8601 date. */
const since = z.string().transform((value, ctx) => {
  const ms = /^[0-9]{1,15}$/.test(value) ? Number(value) : /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO 8601 date' });
    return z.NEVER;
  }
  return ms;
});

const tag = z.string().transform((value, ctx) => {
  const t = normalizeTag(value);
  if (!t) {
    ctx.addIssue({ code: 'custom', message: 'a tag is 1-64 characters: letters, digits, ".", "_" and "-"' });
    return z.NEVER;
  }
  return t;
});

/** `subject=/^Confirm/i` → a linear-time RegExp; anything else stays a substring. */
const subject = z.string().transform((value, ctx): { subject?: string; subjectRegex?: RegExp } => {
  const literal = parseRegexLiteral(value);
  if (!literal) return { subject: value };
  try {
    return { subjectRegex: compileSafeRegex(literal.source, literal.flags) };
  } catch (err) {
    if (!(err instanceof PatternError)) throw err;
    ctx.addIssue({ code: 'custom', message: err.message });
    return z.NEVER;
  }
});

const ruleId = z.string().min(1);

export const messageQuerySchema = z.object({
  status: z.enum(['accepted', 'rejected']).optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  subject: subject.optional(),
  q: z.string().optional(),
  session: z.string().optional(),
  tag: tag.optional(),
  since: since.optional(),
  rule: ruleId.optional(),
  ...pagination,
});

export const SESSION_OUTCOMES = ['open', 'accepted', 'rejected', 'no-mail'] as const;

export const sessionQuerySchema = z.object({
  outcome: z.enum(SESSION_OUTCOMES).optional(),
  listener: z.string().optional(),
  q: z.string().optional(),
  tag: tag.optional(),
  since: since.optional(),
  rule: ruleId.optional(),
  scenario: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  subject: subject.optional(),
  ...pagination,
});

export function toMessageFilter(q: z.output<typeof messageQuerySchema>): MessageFilter {
  return {
    status: q.status,
    from: q.from,
    to: q.to,
    ...q.subject,
    q: q.q,
    sessionId: q.session,
    tag: q.tag,
    since: q.since,
    ruleId: q.rule,
    limit: q.limit,
    offset: q.offset,
  };
}

export function toSessionFilter(q: z.output<typeof sessionQuerySchema>): SessionFilter {
  return {
    outcome: q.outcome,
    listener: q.listener,
    q: q.q,
    tag: q.tag,
    since: q.since,
    ruleId: q.rule,
    scenarioId: q.scenario,
    from: q.from,
    to: q.to,
    ...q.subject,
  };
}

/** Query parameters every filtering route documents (OpenAPI), in one place. */
export const FILTER_PARAMETER_DOCS = {
  tag: 'Only records with this isolation tag (recipient `+tag`, `X-Bouncer-Tag` header or AUTH username).',
  since: 'Only records from this time on: epoch milliseconds or an ISO 8601 date.',
  subject: 'Case-insensitive substring of the subject, or a regex written `/source/flags` (flags i, m, s; matched in linear time).',
} as const;
