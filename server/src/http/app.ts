/**
 * The express application: versioned JSON API under `/api/v1`. The WebSocket hub shares the
 * port (see server.ts); a later UI can be served from `staticDir`.
 */
import express, { type Express, type RequestHandler, type Router } from 'express';
import type { ApiDeps } from './deps.js';
import { apiNotFound, errorHandler, type ErrorLog } from './errors.js';
import { isHostAllowed } from './host-check.js';
import { openApiDocument } from './openapi.js';
import { doctorRoutes } from './routes/doctor.js';
import { healthRoutes } from './routes/health.js';
import { listenerRoutes } from './routes/listeners.js';
import { messageRoutes } from './routes/messages.js';
import { profileRoutes } from './routes/profiles.js';
import { sessionRoutes } from './routes/sessions.js';

export const API_PREFIX = '/api/v1';

export interface AppOptions {
  /** Directory served at `/` (the UI, added later). Unused when absent. */
  staticDir?: string;
  /** Where 500s are logged (a pino logger fits). Defaults to stderr. */
  log?: ErrorLog;
}

const stderrLog: ErrorLog = {
  error: (obj, msg) => console.error(msg, obj),
};

/** Sent on every response, errors and 404s included. */
const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  next();
};

/** Builds the `/api/v1` router. Every route is registered directly on it (tests walk it). */
export function createApiRouter(deps: ApiDeps, startedAt = Date.now()): Router {
  const router = express.Router({ strict: false, caseSensitive: true });
  healthRoutes(router, deps, startedAt);
  sessionRoutes(router, deps);
  messageRoutes(router, deps);
  profileRoutes(router, deps);
  listenerRoutes(router, deps);
  doctorRoutes(router, deps);
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument(deps.version));
  });
  return router;
}

export function createApp(deps: ApiDeps, opts: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(securityHeaders);
  app.use((req, res, next) => {
    if (isHostAllowed(req.headers.host, deps.allowedHosts)) return next();
    res.status(403).json({ error: 'forbidden_host', message: `Host "${req.headers.host}" is not one this server answers to; add it to http.allowedHosts` });
  });

  const noStore: RequestHandler = (_req, res, next) => {
    // mail content and live state: nothing for a cache to keep
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
  // no route takes a body yet; parsing anyway turns a malformed one into a clean 400
  app.use('/api', noStore, express.json({ limit: '1mb' }));
  app.use(API_PREFIX, createApiRouter(deps));
  app.use('/api', apiNotFound);

  if (opts.staticDir) {
    app.use(express.static(opts.staticDir, { index: 'index.html', dotfiles: 'ignore', fallthrough: true }));
  }
  app.use(apiNotFound);
  app.use(errorHandler(opts.log ?? stderrLog));
  return app;
}
