import type { Router } from 'express';
import { z } from 'zod';
import type { Profile } from '../../policy/profile.js';
import { PHASES } from '../../policy/types.js';
import type { ApiDeps } from '../deps.js';
import { notFound, parseOr400, requireJson } from '../errors.js';

/**
 * What the API shows of a profile: all of it but where it was loaded from. Spread rather than
 * listed so that a setting added to profiles shows up here without a change. `enabled` is the
 * rule's effective state: a runtime switch (PATCH below) wins over the profile file.
 */
export function publicProfile(p: Profile, deps?: Pick<ApiDeps, 'policy'>) {
  const { source: _source, rules, ...settings } = p;
  return {
    ...settings,
    rules: Object.fromEntries(
      Object.entries(rules).map(([phase, list]) => [
        phase,
        list.map((r) => ({
          id: r.id,
          check: r.check,
          enabled: deps?.policy?.isRuleEnabled(p.name, r.id) ?? r.enabled,
          description: r.description,
          params: r.params,
          reply: r.reply,
          ...(r.warning !== undefined ? { warning: r.warning } : {}),
        })),
      ]),
    ),
  };
}

const ruleSwitch = z.object({ enabled: z.boolean() }).strict();

export function profileRoutes(router: Router, deps: ApiDeps): void {
  const findProfile = (name: string): Profile => {
    const profile = deps.profiles().find((p) => p.name === name);
    if (!profile) throw notFound(`no profile ${JSON.stringify(name)}`);
    return profile;
  };

  router.get('/profiles', (_req, res) => {
    res.json(deps.profiles().map((p) => publicProfile(p, deps)));
  });

  router.get('/profiles/:name', (req, res) => {
    res.json(publicProfile(findProfile(req.params.name), deps));
  });

  // Turns one rule on or off from the next evaluation on, in every session of the profile
  // (the engine's runtime switch; the profile file is not touched). Answers the rule as GET shows it.
  router.patch('/profiles/:name/rules/:ruleId', requireJson, (req, res) => {
    const profile = findProfile(String(req.params.name));
    const ruleId = String(req.params.ruleId);
    const phase = PHASES.find((ph) => profile.rules[ph].some((r) => r.id === ruleId));
    if (!phase) throw notFound(`profile ${JSON.stringify(profile.name)} has no rule ${JSON.stringify(ruleId)}`);
    const body = parseOr400(ruleSwitch, req.body, 'body');
    if (!deps.policy) throw notFound('this server does not take runtime policy changes');
    deps.policy.setRuleEnabled(profile.name, ruleId, body.enabled);
    const shown = publicProfile(profile, deps).rules[phase]!.find((r) => r.id === ruleId)!;
    res.json({ profile: profile.name, phase, ...shown });
  });
}
