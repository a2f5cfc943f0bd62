// Lint: a small set of rules that protect real properties (see README "Lint").
// - promises are awaited (or `void`ed with a reason) everywhere: a dropped promise is a lost write or an unhandled rejection;
// - workflow code stays deterministic and bundle-safe: no Node built-ins, Nest, TypeORM, pg, Temporal client/worker/activity, nothing from apps/;
// - gateway services reach tenant tables only through tenant-scoped repositories (local/no-raw-data-access).
import tseslint from 'typescript-eslint';
import local from './eslint-rules/index.js';

const NODE_BUILTINS = [
  'assert', 'async_hooks', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises', 'http', 'http2',
  'https', 'inspector', 'module', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers', 'tls', 'tty', 'url', 'util',
  'v8', 'vm', 'worker_threads', 'zlib',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', 'coverage/**', 'eslint-rules/fixtures/**', '**/*.js', '**/*.mjs'] },
  {
    // apps/console (the browser app, .tsx) is type-checked with its own tsconfig.json, found by the project service.
    files: ['**/*.ts', 'apps/console/**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: { allowDefaultProject: ['eslint-rules/*.spec.ts', 'jest.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, local },
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // Workflow code: deterministic, and bundled without Node or the app's I/O.
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/test-support/**', 'workflows/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: NODE_BUILTINS.map((name) => ({ name, message: 'Workflow code runs in a deterministic sandbox: no Node built-ins.' })),
        patterns: [
          { regex: '^node:', message: 'Workflow code runs in a deterministic sandbox: no Node built-ins.' },
          { regex: '^(@nestjs/|typeorm$|typeorm/|pg$|pg/)', message: 'Workflow code does no I/O: no Nest, TypeORM or pg (activities do that).' },
          {
            regex: '^@temporalio/(client|worker|activity)(/|$)', allowTypeImports: true,
            message: 'Workflow code imports @temporalio/workflow (and types); client, worker and activity code stays out of the bundle.',
          },
          { regex: '(^|/)apps/', message: 'Nothing in workflows/ imports from apps/: activity interfaces live in workflows/shared.' },
        ],
      }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Workflow code reads no environment: pass values in.' }],
    },
  },
  {
    files: ['apps/gateway/src/**/services/**/*.ts', 'apps/gateway/src/**/*.service.ts', 'apps/gateway/src/**/*.resolver.ts'],
    rules: { 'local/no-raw-data-access': 'error' },
  },
);
