/**
 * The express application: versioned JSON API under `/api/v1`. The WebSocket hub shares the
 * port (see server.ts); the browser UI is served from `staticDir` (see ui.ts).
 */
import express, { type Express, type RequestHandler, type Router } from 'express';
import type { ApiDeps } from './deps.js';
import { apiNotFound, errorHandler, type ErrorLog } from './errors.js';
import { isHostAllowed } from './host-check.js';
import { requireToken } from './ui-token.js';
import { openApiDocument } from './openapi.js';
import { doctorRoutes } from './routes/doctor.js';
import { healthRoutes } from './routes/health.js';
import { listenerRoutes } from './routes/listeners.js';
import { createMailhogRouter, MAILHOG_PREFIX } from './routes/mailhog.js';
import { messageRoutes } from './routes/messages.js';
import { profileRoutes } from './routes/profiles.js';
import { scenarioRoutes } from './routes/scenarios.js';
import { sessionRoutes } from './routes/sessions.js';
import { waitRoutes } from './routes/waits.js';
import { ScenarioRegistry } from '../scenarios/registry.js';
import { WaitHub } from './waits.js';
import { serveUi } from './ui.js';

export const API_PREFIX = '/api/v1';
/** Prometheus metrics, outside the versioned API (where scrapers look by default). */
export const METRICS_PATH = '/metrics';

export interface AppOptions {
  /** The built UI, served at `/` (see ui.ts). API only when absent. */
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
  // before the /:id routes, which would take `wait` for an id
  waitRoutes(router, deps, deps.waits ?? new WaitHub(deps));
  sessionRoutes(router, deps);
  messageRoutes(router, deps);
  profileRoutes(router, deps);
  listenerRoutes(router, deps);
  scenarioRoutes(router, deps.scenarios ?? new ScenarioRegistry({ profiles: deps.profiles }));
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
  app.use(requireToken(deps.uiToken));

  const noStore: RequestHandler = (_req, res, next) => {
    // mail content and live state: nothing for a cache to keep
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
  // POST /scenarios takes JSON; a malformed body anywhere is a clean 400
  app.use('/api', noStore, express.json({ limit: '1mb' }));
  if (deps.settled) {
    const settled = deps.settled;
    // messages are parsed for display just after their 250: a client asking at once waits for that
    app.use(`${API_PREFIX}/messages`, (_req, _res, next) => void settled().then(() => next(), next));
  }
  app.use(API_PREFIX, createApiRouter(deps));
  app.use(MAILHOG_PREFIX, createMailhogRouter(deps));
  app.use('/api', apiNotFound);

  if (deps.metrics) {
    const metrics = deps.metrics;
    app.get(METRICS_PATH, noStore, (_req, res, next) => {
      metrics.text().then((text) => {
        res.setHeader('Content-Type', metrics.contentType);
        res.send(text);
      }, next);
    });
  }

  if (opts.staticDir) app.use(serveUi(opts.staticDir));
  app.use(apiNotFound);
  app.use(errorHandler(opts.log ?? stderrLog));
  return app;
}
