import type { Config } from 'jest';

const tsJest: Record<string, [string, Record<string, unknown>]> = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
const common = { testEnvironment: 'node', transform: tsJest, moduleFileExtensions: ['ts', 'js', 'json'] };

/**
 * Four tiers: `unit` (pure rules, no servers), `medium` (repositories and activities against real
 * PostgreSQL), `workflow` (real Temporal server, real activities on real PostgreSQL) and `e2e`
 * (real Temporal, real PostgreSQL, the gateway over HTTP). The server tiers share one global
 * setup that starts Temporal and PostgreSQL once per run.
 */
const config: Config = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/scripts/**/*.spec.ts', '<rootDir>/eslint-rules/**/*.spec.ts', '<rootDir>/workflows/determinism.spec.ts', '<rootDir>/workflows/replay.spec.ts'],
    },
    {
      ...common,
      displayName: 'workflow',
      testMatch: ['<rootDir>/workflows/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/workflows/determinism.spec.ts', '<rootDir>/workflows/replay.spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'medium',
      testMatch: ['<rootDir>/test/medium/**/*.medium-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
  testTimeout: 120_000,
  // Each e2e file leaves 70–90 MB of heap behind in the runner (seen before this release too: Nest,
  // TypeORM and Temporal client modules per file); a worker past this is replaced between files.
  // In band (2 cores: one worker) the runner's own heap limit is raised instead (package.json).
  workerIdleMemoryLimit: '2GB',
};

export default config;
