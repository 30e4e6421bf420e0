#!/usr/bin/env node
// Runs the compiled CLI (npm start builds it first; see scripts/ensure.mjs).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/server/src/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('bouncer: not built yet; run `npm start` (it installs and builds) or `npm run build`.');
  process.exit(1);
}
const { main } = await import(cli);
const code = await main(process.argv.slice(2), process.env);
if (code >= 0) process.exitCode = code;
