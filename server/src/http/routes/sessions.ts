import type { Router } from 'express';
import { sessionMatches, sessionSummary } from '../../store/common.js';
import type { SessionFilter, SessionRecord, SessionSummary } from '../../store/types.js';
import type { ApiDeps } from '../deps.js';
import { notFound, parseOr400 } from '../errors.js';
import { sessionQuerySchema, toSessionFilter } from './filters.js';
import { MAX_LIMIT } from './pagination.js';

export function toSummary(session: SessionRecord): SessionSummary {
  return sessionSummary(session);
}

/**
 * The filter the store applies (store/common.ts), for live records that are not (or not
 * freshly) in the store.
 */
export function matchesSessionFilter(s: SessionRecord, f: SessionFilter): boolean {
  return sessionMatches(s, f);
}

export function sessionRoutes(router: Router, deps: ApiDeps): void {
  router.get('/sessions', (req, res) => {
    const query = parseOr400(sessionQuerySchema, req.query, 'query');
    const { limit, offset } = query;
    const filter = toSessionFilter(query);

    // Open sessions live in memory; the store has either nothing for them yet or a stale
    // snapshot. They are listed first (newest first), and their store rows are dropped.
    const live = deps.live
      .list()
      .filter((s) => matchesSessionFilter(s, filter))
      .map(toSummary)
      .sort((a, b) => b.startedAt - a.startedAt);
    if (live.length === 0) {
      res.json(deps.store.listSessions({ ...filter, limit, offset }));
      return;
    }
    const liveIds = new Set(live.map((s) => s.id));
    // store rows the live list replaces, so that `total` counts each session once
    let duplicates = 0;
    for (const id of liveIds) {
      const stored = deps.store.getSession(id);
      if (stored && matchesSessionFilter(stored, filter)) duplicates++;
    }
    const fromLive = live.slice(offset, offset + limit);
    const storeOffset = Math.max(0, offset - live.length);
    const needed = limit - fromLive.length;
    let fromStore: SessionSummary[] = [];
    let storeTotal: number;
    if (needed > 0) {
      // Walk the store list from its start, dropping the rows live records replace, until
      // this page is full: exact wherever the stale rows sit. Only done while sessions are
      // open, and bounded by offset + limit.
      let skip = storeOffset;
      let at = 0;
      for (;;) {
        const chunk = deps.store.listSessions({ ...filter, offset: at, limit: MAX_LIMIT });
        storeTotal = chunk.total;
        for (const s of chunk.items) {
          if (liveIds.has(s.id)) continue;
          if (skip > 0) skip--;
          else if (fromStore.length < needed) fromStore.push(s);
        }
        at += chunk.items.length;
        if (fromStore.length >= needed || chunk.items.length === 0 || at >= chunk.total) break;
      }
    } else {
      storeTotal = deps.store.listSessions({ ...filter, offset: 0, limit: 1 }).total;
    }
    res.json({ items: [...fromLive, ...fromStore], total: live.length + storeTotal - duplicates });
  });

  router.get('/sessions/:id', (req, res) => {
    const id = req.params.id;
    const session = deps.live.get(id) ?? deps.store.getSession(id);
    if (!session) throw notFound(`no session ${JSON.stringify(id)}`);
    res.json(session);
  });
}
