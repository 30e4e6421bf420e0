import { z } from 'zod';

export const MAX_LIMIT = 1000;
export const DEFAULT_LIMIT = 50;

/** Query values arrive as strings; only plain decimal digits are numbers here. */
const digits = (what: string) => z.string().regex(/^[0-9]{1,9}$/, `must be ${what}`).transform(Number);

/** `limit` (1..1000, default 50) and `offset` (>= 0, default 0) for list routes. */
export const pagination = {
  limit: digits('a positive integer')
    .pipe(z.number().int().min(1, 'must be a positive integer').max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`))
    .default(DEFAULT_LIMIT),
  offset: digits('a non-negative integer').default(0),
};
