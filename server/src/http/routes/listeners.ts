import type { Router } from 'express';
import type { ApiDeps } from '../deps.js';

export function listenerRoutes(router: Router, deps: ApiDeps): void {
  router.get('/listeners', (_req, res) => {
    res.json(deps.listeners());
  });
}
