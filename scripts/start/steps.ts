// The steps `npm start` and `npm run start:cluster` share once Temporal and PostgreSQL are up: the
// application database, the console build, and — once the services answer — the runtime facts,
// the demo tenant and the banner.
import type { PostgresInfo } from '../infra/backing-services';
import { Say, paint } from '../infra/output';
import type { Supervisor } from '../infra/supervisor';
import { APP_DATABASE, JwtSecret, RuntimeFacts, markRuntimeStopped, writeRuntimeFacts } from '../runtime-config';
import type { ClusterBanner } from './banner';
import type { StartConfig } from './config';

export interface AppDatabase {
  /** The owner's URL (migrations, the demo seed). */
  databaseUrl: string;
  /** The application role's URL: what the services connect with (row-level security applies). */
  appDatabaseUrl: string;
}

/**
 * The application database: `database` on the embedded cluster (created when missing), or
 * DATABASE_URL as it is; migrated, with the application login the services use.
 */
export async function prepareAppDatabase(pg: PostgresInfo, say: Say, database = APP_DATABASE): Promise<AppDatabase> {
  const { createDatabase } = await import('../infra/postgres');
  const databaseUrl = pg.embedded ? await createDatabase(pg.url, database) : pg.url;
  const { runMigrations } = await import('../../libs/persistence/src/data-source');
  const applied = await runMigrations(databaseUrl);
  say(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema is up to date');
  // The services connect as the application role, under row-level security (migrations ran as the owner).
  const { ensureApplicationLogin } = await import('../../libs/persistence/src/application-role');
  return { databaseUrl, appDatabaseUrl: await ensureApplicationLogin(databaseUrl) };
}

/** The head-office console (served by the gateway at /console): built when missing or older than its sources. */
export async function ensureConsole(say: Say): Promise<void> {
  const { ensureConsoleBuilt } = await import('../console-build');
  if (!(await ensureConsoleBuilt(say))) say('console build is up to date (dist/console)');
}

export interface FinishStartInput {
  facts: RuntimeFacts;
  config: StartConfig;
  secret: JwtSecret;
  /** When the start command began (for "ready in N s"). */
  began: number;
  /** The cluster profile's extra banner lines. */
  cluster?: ClusterBanner;
  /** What the command is called in messages (npm start / npm run start:cluster). */
  command: string;
}

/** Publishes .data/runtime.json, seeds the demo tenant the first time, and prints the banner. */
export async function finishStart(sup: Supervisor, say: Say, o: FinishStartInput): Promise<void> {
  const { facts, config, secret } = o;
  writeRuntimeFacts(facts);
  process.once('exit', () => markRuntimeStopped(process.pid));

  let demo: import('../demo/seed').DemoTenant | undefined;
  let seeded = false;
  if (!config.seedDemo) {
    say('SEED_DEMO=0: not seeding a demo tenant');
  } else {
    const { ensureDemoTenant } = await import('../demo/seed');
    try {
      ({ demo, seeded } = await ensureDemoTenant({ graphqlUrl: facts.graphqlUrl, databaseUrl: facts.databaseUrl, jwtSecret: secret.secret, say, shouldStop: () => sup.stopping }));
    } catch (err) {
      sup.checkpoint();
      // The platform itself is up: keep it running; the next start completes the demo (the seed resumes).
      say(paint(`could not seed the demo tenant: ${(err as Error).message}`, 'yellow'));
      say(paint(`the platform is running without it; the next ${o.command} tries again`, 'yellow'));
    }
  }
  sup.checkpoint();
  const { printBanner } = await import('./banner');
  printBanner({ facts, demo, seeded, jwtSecret: secret.secret, seconds: (Date.now() - o.began) / 1000, cluster: o.cluster });
}
