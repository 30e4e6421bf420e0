/**
 * Builds the browser UI into dist/web, which the HTTP server serves at `/` (server/src/http/ui.ts).
 * JSX goes through Vite's built-in esbuild (automatic runtime): no React plugin needed.
 * No inline script or style is emitted, so the UI runs under the server's strict CSP.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  publicDir: path.join(here, 'public'),
  esbuild: { jsx: 'automatic', jsxImportSource: 'react' },
  build: {
    outDir: path.join(here, '..', 'dist', 'web'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // the polyfill would be one more script; every browser Bouncer supports has modulepreload
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1024,
  },
  // `npx vite --config web/vite.config.ts` for UI work: start Bouncer with
  // --allowed-origin http://localhost:5173 so the dev server may open the WebSocket
  server: {
    proxy: { '/api': { target: 'http://127.0.0.1:8025', ws: true } },
  },
});
