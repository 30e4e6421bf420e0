/**
 * Scenarios (testing kit): deterministic failure injection, see scenarios/registry.ts.
 */
import type { Router } from 'express';
import { z } from 'zod';
import { ScenarioError } from '../../scenarios/spec.js';
import type { ScenarioRegistry } from '../../scenarios/registry.js';
import { badRequest, notFound, parseOr400 } from '../errors.js';
import { messageQuerySchema } from './filters.js';

const tagQuery = z.object({ tag: messageQuerySchema.shape.tag });

export function scenarioRoutes(router: Router, scenarios: ScenarioRegistry): void {
  router.post('/scenarios', (req, res) => {
    try {
      res.status(201).json(scenarios.create(req.body));
    } catch (err) {
      if (err instanceof ScenarioError) throw badRequest(`invalid scenario: ${err.problems.join('; ')}`);
      if (err instanceof RangeError) throw badRequest(err.message);
      throw err;
    }
  });

  router.get('/scenarios', (req, res) => {
    const { tag } = parseOr400(tagQuery, req.query, 'query');
    const items = scenarios.list({ tag });
    res.json({ items, total: items.length });
  });

  router.delete('/scenarios', (req, res) => {
    const { tag } = parseOr400(tagQuery, req.query, 'query');
    res.json({ deleted: scenarios.deleteAll({ tag }) });
  });

  router.get('/scenarios/:id', (req, res) => {
    const scenario = scenarios.get(req.params.id);
    if (!scenario) throw notFound(`no scenario ${JSON.stringify(req.params.id)}`);
    res.json(scenario);
  });

  router.delete('/scenarios/:id', (req, res) => {
    if (!scenarios.delete(req.params.id)) throw notFound(`no scenario ${JSON.stringify(req.params.id)}`);
    res.status(204).end();
  });
}
