/**
 * API errors: every failure leaves the server as JSON `{error: "<stable id>", message}`.
 * The ids are part of the API contract (clients switch on them); messages are for humans.
 * A 500 never carries a stack or the original error text.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { z } from 'zod';

export type ApiErrorId = 'not_found' | 'bad_request' | 'payload_too_large' | 'unsupported_media_type' | 'internal' | 'wait_timeout';

export interface ApiErrorBody {
  error: ApiErrorId;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: ApiErrorId,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toJSON(): ApiErrorBody {
    return { error: this.id, message: this.message };
  }
}

export const notFound = (message: string): ApiError => new ApiError(404, 'not_found', message);
export const badRequest = (message: string): ApiError => new ApiError(400, 'bad_request', message);

/**
 * Routes that change state take JSON only. Besides being the API's one body format, this
 * keeps them out of reach of cross-site forms: a cross-origin `application/json` request needs
 * a CORS preflight, which this server never grants.
 */
export const requireJson: RequestHandler = (req, _res, next) => {
  if (!req.is('application/json')) {
    next(new ApiError(415, 'unsupported_media_type', 'send the body as Content-Type: application/json'));
    return;
  }
  next();
};

/** `limit: must be a positive integer; outcome: expected one of ...`, one entry per problem. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.map(String).join('.');
      return where ? `${where}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** Parses `input` with `schema` or throws a 400 listing every problem. */
export function parseOr400<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw badRequest(`invalid ${what}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** Last handler of the /api tree: any path or method nobody answered. */
export const apiNotFound: RequestHandler = (req, _res, next) => {
  next(notFound(`no route for ${req.method} ${req.originalUrl.split('?')[0]}`));
};

/** Errors thrown by body-parser and friends carry an HTTP status and a `type`. */
interface HttpishError {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  expose?: unknown;
}

const CLIENT_ERROR_IDS: Record<number, ApiErrorId> = {
  400: 'bad_request',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

export interface ErrorLog {
  error(obj: object, msg: string): void;
}

/** Turns anything thrown into the JSON error shape; unknown errors become an opaque 500. */
export function errorHandler(log: ErrorLog): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      // the response is half written: all we can do is cut it
      next(err);
      return;
    }
    let apiError: ApiError;
    if (err instanceof ApiError) {
      apiError = err;
    } else {
      const e = (err ?? {}) as HttpishError;
      const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
      if (status >= 400 && status < 500) {
        const id = CLIENT_ERROR_IDS[status] ?? 'bad_request';
        const message =
          e.type === 'entity.parse.failed'
            ? 'malformed JSON body'
            : e.type === 'entity.too.large'
              ? 'request body too large'
              : e.expose === true && err instanceof Error
                ? err.message
                : 'bad request';
        apiError = new ApiError(CLIENT_ERROR_IDS[status] ? status : 400, id, message);
      } else {
        log.error({ err, method: req.method, url: req.originalUrl }, 'internal error in HTTP API');
        apiError = new ApiError(500, 'internal', 'internal server error');
      }
    }
    res.status(apiError.status).json(apiError.toJSON());
  };
}
