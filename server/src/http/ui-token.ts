/**
 * BOUNCER_UI_TOKEN (http.uiToken): when set, the HTTP API, /metrics and the WebSocket answer
 * only requests that carry it — for a Bouncer reachable by others (a shared team sandbox, a
 * container whose port is published). A request carries it as
 *  - `Authorization: Bearer <token>` (API clients, the testing kit, Prometheus), or
 *  - `?token=<token>` in the URL (a browser's first visit, a WebSocket from a page), which
 *    also sets an HttpOnly, SameSite=Strict cookie so that the UI's later requests and its
 *    WebSocket carry it without putting it in every URL.
 * GET /api/v1/health stays open (container health checks).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';

export const TOKEN_COOKIE = 'bouncer_token';
export const OPEN_PATHS = ['/api/v1/health'];

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison (of digests, so lengths do not leak either). */
export function tokenMatches(presented: string | undefined, token: string): boolean {
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Where the request carries a token, if anywhere: header, query or cookie. */
export function presentedTokens(req: IncomingMessage): { bearer?: string; query?: string; cookie?: string } {
  const auth = req.headers.authorization;
  const bearer = auth && /^Bearer\s+/i.test(auth) ? auth.replace(/^Bearer\s+/i, '').trim() : undefined;
  let query: string | undefined;
  try {
    query = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token') ?? undefined;
  } catch {
    query = undefined;
  }
  return { bearer, query, cookie: cookie(req.headers.cookie, TOKEN_COOKIE) };
}

export function isAuthorized(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const p = presentedTokens(req);
  return tokenMatches(p.bearer, token) || tokenMatches(p.query, token) || tokenMatches(p.cookie, token);
}

export function requireToken(token: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (!token || OPEN_PATHS.includes(req.path)) return next();
    const p = presentedTokens(req);
    if (tokenMatches(p.query, token)) {
      res.cookie(TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/' });
      return next();
    }
    if (tokenMatches(p.bearer, token) || tokenMatches(p.cookie, token)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="bouncer"');
    res.status(401).json({
      error: 'unauthorized',
      message: 'This Bouncer requires its UI token (BOUNCER_UI_TOKEN): send "Authorization: Bearer <token>", or open the UI once with ?token=<token>.',
    });
  };
}
