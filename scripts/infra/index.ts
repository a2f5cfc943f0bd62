// Local infrastructure for tests, `npm start` and the bench: a real Temporal and a real PostgreSQL.
export { findTemporalCli, resolveTemporal, cachedTemporalCliPath, TEMPORAL_CLI_VERSION } from './temporal-cli';
export type { TemporalTarget, FindTemporalCliOptions } from './temporal-cli';
export { startTemporalDevServer } from './temporal-server';
export type { StartTemporalDevServerOptions, TemporalDevServer } from './temporal-server';
export { ensurePostgres, createDatabase, dropDatabase, sanitizeDatabaseName, DEFAULT_EMBEDDED_PG_PORT } from './postgres';
export type { EnsurePostgresOptions, PostgresHandle } from './postgres';
