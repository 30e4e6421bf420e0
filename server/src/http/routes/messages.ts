import type { Response, Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { badRequest, notFound, parseOr400 } from '../errors.js';
import { messageQuerySchema, toMessageFilter } from './filters.js';
import { MAX_LIMIT } from './pagination.js';

const deleteQuery = z.object({ tag: messageQuerySchema.shape.tag });

const SAFE_CHAR = /[A-Za-z0-9._ -]/;
const MAX_FILENAME_LENGTH = 200;

/**
 * Makes an attachment name safe for `Content-Disposition` and for the user's disk: keeps the
 * last path segment (`/` and `\` both separate), drops control characters and quotes, maps
 * every other character outside `[A-Za-z0-9._ -]` to `_`, strips leading dots (no hidden
 * files, no `..`), trims spaces and caps the length. Nothing left → `fallback`.
 */
export function sanitizeFilename(name: string | undefined | null, fallback: string): string {
  let base = String(name ?? '').normalize('NFC');
  base = base.slice(Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\')) + 1);
  // eslint-disable-next-line no-control-regex
  base = base.replace(/[\u0000-\u001f\u007f-\u009f"'`]/g, '');
  // one `_` per code point, so an emoji does not become two
  base = Array.from(base, (ch) => (SAFE_CHAR.test(ch) ? ch : '_')).join('');
  base = base.replace(/^[.\s]+/, '').trim();
  if (base.length > MAX_FILENAME_LENGTH) {
    const dot = base.lastIndexOf('.');
    const ext = dot > 0 && base.length - dot <= 16 ? base.slice(dot) : '';
    base = base.slice(0, MAX_FILENAME_LENGTH - ext.length).trimEnd() + ext;
  }
  return base === '' ? fallback : base;
}

/** RFC 5987 `ext-value` characters: attr-char stays, the rest is percent-encoded UTF-8. */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `attachment; filename="x"; filename*=UTF-8''x` for an already sanitised name. */
export function attachmentDisposition(safeName: string): string {
  return `attachment; filename="${safeName}"; filename*=UTF-8''${encodeRfc5987(safeName)}`;
}

/** `type/subtype` only (parameters dropped); anything odd is served as opaque bytes. */
function safeContentType(value: string | undefined): string {
  const essence = (value ?? '').split(';')[0]!.trim().toLowerCase();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/.test(essence)
    ? essence
    : 'application/octet-stream';
}

/** Headers for bytes that came from a sender: a download, never rendered by the browser. */
function setDownloadHeaders(res: Response, contentType: string, filename: string): void {
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Disposition', attachmentDisposition(filename));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // should a browser render it anyway, it runs no script and loads nothing
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
}

export function messageRoutes(router: Router, deps: ApiDeps): void {
  router.get('/messages', (req, res) => {
    res.json(deps.store.listMessages(toMessageFilter(parseOr400(messageQuerySchema, req.query, 'query'))));
  });

  router.delete('/messages', (req, res) => {
    const { tag } = parseOr400(deleteQuery, req.query, 'query');
    if (tag === undefined) {
      res.json({ deleted: deps.store.deleteAllMessages() });
      return;
    }
    // one tag's messages (a test worker cleaning up after itself): each round deletes what it
    // lists, so the loop ends after at most total / MAX_LIMIT + 1 rounds
    let deleted = 0;
    for (;;) {
      const page = deps.store.listMessages({ tag, limit: MAX_LIMIT });
      for (const m of page.items) if (deps.store.deleteMessage(m.id)) deleted++;
      if (page.items.length === 0 || page.items.length === page.total) break;
    }
    res.json({ deleted });
  });

  router.get('/messages/:id', (req, res) => {
    const message = deps.store.getMessage(req.params.id);
    if (!message) throw notFound(`no message ${JSON.stringify(req.params.id)}`);
    res.json(message);
  });

  router.delete('/messages/:id', (req, res) => {
    if (!deps.store.deleteMessage(req.params.id)) throw notFound(`no message ${JSON.stringify(req.params.id)}`);
    res.status(204).end();
  });

  router.get('/messages/:id/raw', (req, res) => {
    const id = req.params.id;
    const raw = deps.store.getRaw(id);
    if (!raw) throw notFound(`no message ${JSON.stringify(id)}`);
    setDownloadHeaders(res, 'message/rfc822', sanitizeFilename(`${id}.eml`, 'message.eml'));
    res.send(raw);
  });

  router.get('/messages/:id/attachments/:index', (req, res) => {
    const { id, index: indexParam } = req.params;
    // attachments are addressed by position only: a client never names a file or a path
    if (!/^[0-9]{1,6}$/.test(indexParam)) throw badRequest(`index: must be a non-negative integer, got ${JSON.stringify(indexParam)}`);
    const index = Number(indexParam);
    const attachment = deps.store.getAttachment(id, index);
    if (!attachment) {
      throw notFound(
        deps.store.getMessage(id)
          ? `message ${JSON.stringify(id)} has no attachment ${index}`
          : `no message ${JSON.stringify(id)}`,
      );
    }
    setDownloadHeaders(res, safeContentType(attachment.contentType), sanitizeFilename(attachment.filename, `attachment-${index}`));
    res.send(attachment.content);
  });
}
