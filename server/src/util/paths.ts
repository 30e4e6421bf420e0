/**
 * Locates files shipped with the package, whether running from TypeScript sources (tests,
 * tsx) or from the compiled `dist/` tree.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'server', 'profiles'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the smtp-bouncer package root above ${start}`);
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
export const BUILTIN_PROFILE_DIR = path.join(PACKAGE_ROOT, 'server', 'profiles');
