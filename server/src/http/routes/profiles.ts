import type { Router } from 'express';
import type { Profile } from '../../policy/profile.js';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../errors.js';

/**
 * What the API shows of a profile: all of it but where it was loaded from. Spread rather than
 * listed so that a setting added to profiles shows up here without a change.
 */
export function publicProfile(p: Profile) {
  const { source: _source, rules, ...settings } = p;
  return {
    ...settings,
    rules: Object.fromEntries(
      Object.entries(rules).map(([phase, list]) => [
        phase,
        list.map((r) => ({
          id: r.id,
          check: r.check,
          enabled: r.enabled,
          description: r.description,
          params: r.params,
          reply: r.reply,
          ...(r.warning !== undefined ? { warning: r.warning } : {}),
        })),
      ]),
    ),
  };
}

export function profileRoutes(router: Router, deps: ApiDeps): void {
  router.get('/profiles', (_req, res) => {
    res.json(deps.profiles().map(publicProfile));
  });

  router.get('/profiles/:name', (req, res) => {
    const profile = deps.profiles().find((p) => p.name === req.params.name);
    if (!profile) throw notFound(`no profile ${JSON.stringify(req.params.name)}`);
    res.json(publicProfile(profile));
  });
}
