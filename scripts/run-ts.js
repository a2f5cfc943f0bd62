#!/usr/bin/env node
// Runs a TypeScript entry point without a build step (development, tests, npm start).
// Transpile-only: type errors are the job of `npm run build` / the test suite, not of start-up.
process.env.TS_NODE_TRANSPILE_ONLY = 'true';
process.env.TS_NODE_PROJECT = require('path').join(__dirname, '..', 'tsconfig.json');
require('ts-node/register');
const path = require('path');
const entry = process.argv[2];
if (!entry) {
  console.error('usage: node scripts/run-ts.js <file.ts> [args...]');
  process.exit(2);
}
process.argv.splice(1, 2, path.resolve(entry));
require(path.resolve(entry));
