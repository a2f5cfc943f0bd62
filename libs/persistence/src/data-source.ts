import { DataSource, DataSourceOptions, Logger } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/**
 * TypeORM's logger without personal data: a failed query is logged with its SQL text (parameterised,
 * so no values) and its SQLSTATE, never with its parameters or the database's message (which can
 * quote a value, e.g. invalid input syntax for type uuid: "…").
 */
export class ParameterFreeLogger implements Logger {
  constructor(private readonly write: (line: string) => void = (line) => console.error(line)) {}

  logQuery(): void {}

  // The parameters are deliberately unused: they carry complainants' names and phone numbers.
  logQueryError(error: string | Error, query: string, _parameters?: unknown[]): void {
    const e = error as { code?: unknown; driverError?: { code?: unknown }; name?: string };
    const code = e?.driverError?.code ?? e?.code;
    const sql = query.replace(/\s+/g, ' ').trim();
    this.write(
      `query failed${typeof code === 'string' ? ` (SQLSTATE ${code})` : ''}: ${sql.length > 300 ? `${sql.slice(0, 300)}…` : sql}`
      + ' -- parameters not logged',
    );
  }

  logQuerySlow(time: number, query: string): void {
    this.write(`slow query (${time} ms): ${query.replace(/\s+/g, ' ').trim().slice(0, 300)}`);
  }

  logSchemaBuild(): void {}

  logMigration(message: string): void {
    this.write(message);
  }

  // Like `logging: ['error']` before: TypeORM's own info and warnings stay quiet.
  log(): void {}
}

/** The options every process uses: entities and migrations listed explicitly, never `synchronize`. */
export function dataSourceOptions(url: string, overrides: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    // Failed queries are logged without their parameters (complainants' names and phones).
    logging: ['error'],
    logger: new ParameterFreeLogger(),
    // A short connect timeout so a database outage becomes UNAVAILABLE quickly instead of hanging requests.
    extra: { max: Number(process.env.DB_POOL_SIZE ?? 10), connectionTimeoutMillis: 5000 },
    ...overrides,
  } as DataSourceOptions;
}

export function createDataSource(url: string, overrides: Partial<DataSourceOptions> = {}): DataSource {
  return new DataSource(dataSourceOptions(url, overrides));
}

/** Applies pending migrations; returns the names applied. */
export async function runMigrations(url: string): Promise<string[]> {
  const ds = createDataSource(url);
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
