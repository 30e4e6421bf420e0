/**
 * Serves the built browser UI (web/, built by Vite into dist/web) at `/`: hashed assets, and
 * index.html for every other GET that is not an API path and not a file (the UI routes in the
 * browser: /sessions/<id>, /messages, /policy, ...). Every UI response carries a strict
 * Content-Security-Policy.
 */
import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';

/** Host header values that may appear in the CSP (the Host allowlist already ran; this is the syntax). */
const HOST_SYNTAX = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$/i;

/**
 * The UI's policy. Scripts and styles come from this origin only: no inline script, no eval.
 * `connect-src` names the WebSocket explicitly as well because CSP 2 browsers do not match
 * `ws:` with `'self'`.
 *
 * Two directives are wider than the UI itself needs, for the message preview: a `srcdoc`
 * frame inherits its parent's policy (HTML spec, "policy container"), and both policies apply
 * to it. E-mail HTML is styled inline, so `style-src` allows `'unsafe-inline'`; the "show
 * remote images" toggle needs `img-src http: https:`. The frame itself is sandboxed without
 * scripts and carries its own stricter policy (web/src/message-html.ts), which is what keeps
 * remote images off until the user asks for them. The UI's own code renders no HTML strings.
 */
export function uiContentSecurityPolicy(host: string | undefined): string {
  const ws = host && HOST_SYNTAX.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: http: https:",
    "font-src 'self' data:",
    `connect-src 'self'${ws}`,
    // the message preview is an about:srcdoc frame, which loads nothing (frame-src does not
    // apply to it); no URL may be framed
    "frame-src 'none'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Names that are files, never page paths. */
const ASSET_EXTENSIONS = new Set(['.js', '.mjs', '.css', '.map', '.json', '.svg', '.png', '.ico', '.jpg', '.webp', '.woff', '.woff2', '.txt', '.html']);

export function serveUi(staticDir: string): Router {
  const router = express.Router();
  const index = path.join(staticDir, 'index.html');

  const csp: RequestHandler = (req, res, next) => {
    res.setHeader('Content-Security-Policy', uiContentSecurityPolicy(req.headers.host));
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    next();
  };
  router.use(csp);
  router.use(
    express.static(staticDir, {
      index: false,
      dotfiles: 'ignore',
      fallthrough: true,
      setHeaders(res, file) {
        // Vite puts a content hash in every asset name: they never change
        res.setHeader(
          'Cache-Control',
          file.startsWith(path.join(staticDir, 'assets') + path.sep) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    }),
  );
  // The single-page fallback: a page path gets index.html; a missing asset stays a 404 (a
  // script URL answered with HTML only confuses). Page paths may hold dots (session ids do).
  router.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path === '/api' || req.path.startsWith('/api/') || req.path.startsWith('/assets/')) return next();
    if (ASSET_EXTENSIONS.has(path.posix.extname(req.path).toLowerCase())) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index, (err) => {
      if (err) next(err);
    });
  });
  return router;
}
