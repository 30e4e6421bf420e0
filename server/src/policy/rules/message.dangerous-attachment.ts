import { isZip, zipEntryNames } from '../../mail/zip.js';
import type { CheckDefinition } from '../types.js';
import { normalizedSet } from './helpers.js';

/**
 * Gmail blocks file types that can carry executable code, also inside archives
 * (support.google.com/mail/answer/6590) → 552 5.7.0 (G26). The list is the profile's
 * `extensions` param; ZIP archives are read from their central directory (mail/zip.ts).
 */
export function extensionOf(filename: string): string {
  const name = filename.trim().replace(/[.\s]+$/, '').toLowerCase();
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 || (dot === 0 && base.length > 1) ? base.slice(dot) : '';
}

const DEFAULT_BLOCKED = ['.exe'];

/** `exe`, `.EXE` → `.exe`: how the profile's list is compared with file names. */
const asExtension = (e: string): string => (e.startsWith('.') ? e : `.${e}`).toLowerCase();

export const dangerousAttachment: CheckDefinition = {
  id: 'message.dangerous-attachment',
  phases: ['message'],
  summary: 'Attachment of a file type Gmail blocks (also inside a ZIP)',
  check(ctx, params) {
    const message = ctx.message;
    if (!message || message.parseError || !message.attachments?.length) return null;
    const blocked = normalizedSet(params.extensions, DEFAULT_BLOCKED, asExtension);
    for (const a of message.attachments) {
      const own = extensionOf(a.filename);
      if (blocked.has(own)) {
        return {
          why: `The attachment "${a.filename}" is a ${own} file, a type Gmail blocks because it can run code.`,
          fix: 'Do not send executables or scripts by mail; share them through a download link (Google Drive, a release page).',
          vars: { filename: a.filename, extension: own },
        };
      }
      if (own === '.zip' || isZip(a.content)) {
        const inside = zipEntryNames(a.content).find((n) => blocked.has(extensionOf(n)));
        if (inside) {
          return {
            why: `The archive "${a.filename}" contains "${inside}", a ${extensionOf(inside)} file; Gmail blocks such files also inside archives.`,
            fix: 'Remove executables and scripts from the archive, or share it through a download link instead of attaching it.',
            vars: { filename: a.filename, extension: extensionOf(inside) },
          };
        }
      }
    }
    return null;
  },
};
