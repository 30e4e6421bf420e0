/**
 * `GET /messages/wait` and `GET /sessions/wait` (see ../waits.ts). Registered before the
 * `/:id` routes so that `wait` is never taken for an id.
 */
import type { Response, Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { badRequest, parseOr400 } from '../errors.js';
import { MAX_WAIT_MS, TooManyWaitsError, type Wait, type WaitHub } from '../waits.js';
import { messageQuerySchema, sessionQuerySchema, toMessageFilter, toSessionFilter } from './filters.js';

export const DEFAULT_WAIT_MS = 10_000;

const timeout = z
  .string()
  .regex(/^[0-9]{1,9}$/, 'must be a number of milliseconds')
  .transform(Number)
  .pipe(z.number().max(MAX_WAIT_MS, `must be at most ${MAX_WAIT_MS}`))
  .default(DEFAULT_WAIT_MS);

const messageWaitQuery = messageQuerySchema.omit({ limit: true, offset: true }).extend({ timeout });
const sessionWaitQuery = sessionQuerySchema.omit({ limit: true, offset: true }).extend({ timeout });

/** Answers when the wait settles; a client that goes away cancels it (and its bus listener). */
function answer<R>(res: Response, wait: Wait<R>, what: string, timeoutMs: number): void {
  res.on('close', wait.cancel);
  void wait.result.then((record) => {
    if (res.writableEnded || res.destroyed) return;
    if (record) res.json(record);
    else res.status(408).json({ error: 'wait_timeout', message: `no ${what} matched within ${timeoutMs} ms` });
  });
}

function start<R>(begin: () => Wait<R>): Wait<R> {
  try {
    return begin();
  } catch (err) {
    if (err instanceof TooManyWaitsError) throw badRequest(err.message);
    throw err;
  }
}

export function waitRoutes(router: Router, _deps: ApiDeps, waits: WaitHub): void {
  router.get('/messages/wait', (req, res) => {
    const q = parseOr400(messageWaitQuery, req.query, 'query');
    const filter = toMessageFilter({ ...q, limit: 1, offset: 0 });
    answer(res, start(() => waits.waitForMessage(filter, q.timeout)), 'message', q.timeout);
  });

  router.get('/sessions/wait', (req, res) => {
    const q = parseOr400(sessionWaitQuery, req.query, 'query');
    answer(res, start(() => waits.waitForSession(toSessionFilter({ ...q, limit: 1, offset: 0 }), q.timeout)), 'session', q.timeout);
  });
}
