import type { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { badRequest, notFound, parseOr400, requireJson } from '../errors.js';

const listenerChange = z.object({ profile: z.string().min(1) }).strict();

export function listenerRoutes(router: Router, deps: ApiDeps): void {
  router.get('/listeners', (_req, res) => {
    res.json(deps.listeners());
  });

  // Moves a listener to another profile: connections opened after the call get it; open
  // sessions keep the profile they started with.
  router.patch('/listeners/:name', requireJson, (req, res) => {
    const name = String(req.params.name);
    if (!deps.listeners().some((l) => l.name === name)) throw notFound(`no listener ${JSON.stringify(name)}`);
    const body = parseOr400(listenerChange, req.body, 'body');
    const names = deps.profiles().map((p) => p.name);
    if (!names.includes(body.profile)) {
      throw badRequest(`invalid body: profile: no profile ${JSON.stringify(body.profile)} (available: ${names.join(', ')})`);
    }
    if (!deps.policy) throw notFound('this server does not take runtime policy changes');
    deps.policy.setListenerProfile(name, body.profile);
    res.json(deps.listeners().find((l) => l.name === name));
  });
}
