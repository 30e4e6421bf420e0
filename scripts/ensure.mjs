#!/usr/bin/env node
// First-run helper for `npm start` and `npm test`: installs dependencies when node_modules is
// missing or older than package-lock.json, and (unless --no-build) compiles the TypeScript
// and builds the UI when dist/ is missing or older than any source file. Plain Node, no dependencies.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd) => execSync(cmd, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const marker = path.join(root, 'node_modules', '.package-lock.json');
const binding = path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
if (!existsSync(marker) || mtime(marker) < mtime(path.join(root, 'package-lock.json')) || !existsSync(binding)) {
  console.error('bouncer: installing dependencies (first run; building better-sqlite3 can take a minute)…');
  run('npm ci --no-audit --no-fund');
}

if (!process.argv.includes('--no-build')) {
  const built = mtime(path.join(root, 'dist', 'server', 'src', 'cli.js'));
  const sources = Math.max(newest(path.join(root, 'server', 'src')), mtime(path.join(root, 'tsconfig.json')), mtime(path.join(root, 'package.json')));
  if (!built || built < sources) {
    console.error('bouncer: building…');
    run('npx tsc -p tsconfig.build.json');
  }
  // the browser UI (web/ → dist/web), served by the HTTP server at /
  const ui = mtime(path.join(root, 'dist', 'web', 'index.html'));
  if (!ui || ui < Math.max(newest(path.join(root, 'web')), mtime(path.join(root, 'package.json')))) {
    console.error('bouncer: building the UI…');
    run('npx vite build --config web/vite.config.ts --logLevel warn');
  }
}
