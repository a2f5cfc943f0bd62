#!/usr/bin/env node
// Runs a TypeScript entry point without a build step (development, tests, npm start).
// Transpile-only: type errors are the job of `npm run build` / the test suite, not of start-up.
const path = require('path');
process.env.TS_NODE_TRANSPILE_ONLY = 'true';
process.env.TS_NODE_PROJECT = path.join(__dirname, '..', 'tsconfig.json');
require('ts-node/register');
const entry = process.argv[2];
if (!entry) {
  console.error('usage: node scripts/run-ts.js <file.ts> [args...]');
  process.exit(2);
}
// Make the entry the main module, so `require.main === module` holds in it.
process.argv.splice(1, 2, path.resolve(entry));
require('module').runMain();
