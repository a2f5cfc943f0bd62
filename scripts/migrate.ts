// npm run migration:run — applies pending migrations and says which.
//
// The database: DATABASE_URL; else the one in .data/runtime.json (what `npm start` uses); for the
// embedded cluster under .data/postgres, it is started for the duration if `npm start` is not
// running (and reused if it is).
import { Client } from 'pg';
import { ensureApplicationLogin } from '../libs/persistence/src/application-role';
import { runMigrations } from '../libs/persistence/src/data-source';
import { APP_DATABASE, EMBEDDED_PG_DIR, readRuntimeFacts, redactUrl } from './runtime-config';

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const progress = (line: string): void => void process.stderr.write(`[migrate] ${line}\n`);

async function migrate(url: string): Promise<void> {
  say(`database: ${redactUrl(url)}`);
  const applied = await runMigrations(url);
  // The services' role may log in (unless APP_DATABASE_URL names a login managed elsewhere).
  const appUrl = await ensureApplicationLogin(url);
  say(`application role: ${redactUrl(appUrl)}`);
  if (applied.length) {
    say(`applied ${applied.length} migration(s):`);
    for (const name of applied) say(`  ${name}`);
  } else {
    say('no pending migrations');
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY timestamp, id');
    say(`schema is at ${rows.length} migration(s); latest: ${rows[rows.length - 1]?.name ?? '(none)'}`);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const fromEnv = process.env.DATABASE_URL?.trim();
  if (fromEnv) return migrate(fromEnv);
  const facts = readRuntimeFacts();
  if (facts && !facts.embeddedPostgres) {
    progress(`using the database npm start last used (.data/runtime.json); set DATABASE_URL to choose another`);
    return migrate(facts.databaseUrl);
  }
  // The embedded cluster: reused if running (npm start), else started just for this.
  const { createDatabase, ensurePostgres } = await import('./infra/postgres');
  const pg = await ensurePostgres({ dataDir: EMBEDDED_PG_DIR, port: 54329, log: progress });
  try {
    await migrate(await createDatabase(pg.url, APP_DATABASE));
  } finally {
    if (pg.owned) {
      progress('stopping the embedded PostgreSQL again');
      await pg.stop();
    }
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: Error) => {
      process.stderr.write(`migration:run failed: ${err.message}\n`);
      process.exit(1);
    },
  );
}
