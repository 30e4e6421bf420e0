/**
 * MailHog's read API v2 (`/api/v2/messages`, `/api/v2/search`), for suites that use the
 * `mailhog` npm client or MailHog's JSON directly. MailHog holds only delivered mail, so only
 * accepted messages are listed. Deleting goes through `/api/v1/messages` (MailHog's v1 paths,
 * which Bouncer's own API already serves).
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { MessageFilter } from '../../store/types.js';
import type { ApiDeps } from '../deps.js';
import { parseOr400 } from '../errors.js';
import { toMailhog, type MailhogPage } from '../mailhog.js';
import { MAX_LIMIT } from './pagination.js';

export const MAILHOG_PREFIX = '/api/v2';

const count = (what: string) => z.string().regex(/^[0-9]{1,9}$/, `must be ${what}`).transform(Number);
const window = {
  start: count('a non-negative integer').default(0),
  limit: count('a positive integer').pipe(z.number().min(1, 'must be a positive integer').max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`)).default(50),
};
const listQuery = z.object(window);
const searchQuery = z.object({
  kind: z.enum(['from', 'to', 'containing']),
  query: z.string(),
  ...window,
});

function page(deps: ApiDeps, filter: MessageFilter, start: number, limit: number): MailhogPage {
  const found = deps.store.listMessages({ ...filter, status: 'accepted', offset: start, limit });
  const items = found.items.flatMap((summary) => {
    const message = deps.store.getMessage(summary.id);
    const raw = deps.store.getRaw(summary.id);
    if (!message || !raw) return [];
    const helo = (deps.live.get(message.sessionId) ?? deps.store.getSession(message.sessionId))?.heloName ?? '';
    return [toMailhog(message, raw, helo)];
  });
  return { total: found.total, count: items.length, start, items };
}

export function createMailhogRouter(deps: ApiDeps): Router {
  const router = express.Router({ strict: false, caseSensitive: true });
  router.get('/messages', (req, res) => {
    const q = parseOr400(listQuery, req.query, 'query');
    res.json(page(deps, {}, q.start, q.limit));
  });
  router.get('/search', (req, res) => {
    const q = parseOr400(searchQuery, req.query, 'query');
    const filter: MessageFilter = q.kind === 'from' ? { from: q.query } : q.kind === 'to' ? { to: q.query } : { q: q.query };
    res.json(page(deps, filter, q.start, q.limit));
  });
  return router;
}
