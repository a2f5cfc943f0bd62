// The head-office console's production build: `npm run console:build` (scripts/console-build.ts) → dist/console,
// served by the gateway at /console (apps/gateway/src/reports/export/console-static.ts).
// JSX goes through Vite's built-in Oxc transform (no React plugin): the automatic runtime.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/console/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: path.join(here, '..', '..', 'dist', 'console'),
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
});
