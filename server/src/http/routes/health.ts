import type { Router } from 'express';
import type { ApiDeps } from '../deps.js';

export function healthRoutes(router: Router, deps: ApiDeps, startedAt: number): void {
  router.get('/health', (_req, res) => {
    res.json({
      status: 'ok',
      version: deps.version,
      store: deps.store.kind,
      uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
    });
  });
}
