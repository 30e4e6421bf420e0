/**
 * Builds the server and the UI when they are missing or older than their sources (the same
 * check `npm start` and `npm test` make), so `playwright test` alone always runs fresh code.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export default function globalSetup(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  execFileSync(process.execPath, [path.join(root, 'scripts', 'ensure.mjs')], { cwd: root, stdio: 'inherit' });
}
