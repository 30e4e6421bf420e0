import type { Router } from 'express';
import { z } from 'zod';
import { DoctorInputError } from '../../doctor/doctor.js';
import type { ApiDeps } from '../deps.js';
import { badRequest, notFound, parseOr400 } from '../errors.js';

const doctorBody = z
  .object({
    ip: z.string(),
    helo: z.string(),
    from: z.string(),
    dkimSelector: z.string().optional(),
    /** A DNS server (`127.0.0.1:5353`) to ask instead of the DNS world. */
    resolver: z.string().optional(),
  })
  .strict();

export type DoctorRequest = z.infer<typeof doctorBody>;

/** `POST /doctor`: the same report as `bouncer doctor --json`. */
export function doctorRoutes(router: Router, deps: ApiDeps): void {
  router.post('/doctor', async (req, res) => {
    if (!deps.doctor) throw notFound('the doctor is not available on this server');
    const input = parseOr400(doctorBody, req.body ?? {}, 'body');
    try {
      res.json(await deps.doctor(input));
    } catch (err) {
      if (err instanceof DoctorInputError) throw badRequest(err.message);
      throw err;
    }
  });
}
