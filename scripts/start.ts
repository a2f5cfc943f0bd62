// `npm start`: the whole product on this machine in one command.
//
//   Temporal   TEMPORAL_ADDRESS, else a dev server persisting to .data/temporal/temporal.sqlite,
//              gRPC on TEMPORAL_PORT (7233), Web UI on TEMPORAL_UI_PORT (8233)
//   PostgreSQL DATABASE_URL, else an embedded cluster in .data/postgres on port 54329 (database "complaints")
//   then       migrations, the worker and the gateway as child processes (PORT, default 4000),
//              a demo tenant the first time, and what to paste to try it.
//
// Ctrl-C / SIGTERM stop the gateway, the worker, then Temporal and PostgreSQL, and exit 0. If a
// child dies on its own, its last output is printed, the rest is stopped, and the exit code is 1.
// A port that is taken (7233, 8233, 4000 or the one asked for) is replaced by a free one, with a
// notice. Runtime facts go to .data/runtime.json (see runtime-config.ts), the demo to .data/demo.json.
//
// Also: JWT_SECRET (else a generated development secret in .data/jwt-secret), TEMPORAL_NAMESPACE,
// TEMPORAL_UI_URL (shown for an external Temporal), SEED_DEMO=0 (no demo tenant), TEMPORAL_LOG=1
// (echo the dev server's own output), GRAPHQL_DEV=0 (no GraphiQL or introspection; on by default here).
//
// This file only composes the parts; the bench and the tests import the parts, never this file:
//   scripts/infra/supervisor.ts        stop order, signals, child services wired into it
//   scripts/infra/child-service.ts     a child process with prefixed output, readiness, SIGTERM→SIGKILL
//   scripts/infra/backing-services.ts  Temporal and PostgreSQL (external or started by us)
//   scripts/infra/services.ts          the worker and the gateway: environment, start, readiness
//   scripts/start/                     config, single-instance pid file, the banner
import path from 'path';
import { PostgresInfo, TemporalInfo, choosePort, startPostgres, startTemporal } from './infra/backing-services';
import { Say, makeSay, paint } from './infra/output';
import { Supervisor, allSettled, delegateToSupervisor } from './infra/supervisor';
import { startAppServices } from './infra/services';
import {
  APP_DATABASE, DATA_DIR, EMBEDDED_PG_DIR, ROOT, RuntimeFacts, TEMPORAL_DB_FILE, jwtSecret, markRuntimeStopped, writeRuntimeFacts,
} from './runtime-config';
import { startConfig, startServiceEnv } from './start/config';
import { claimSingleInstance } from './start/single-instance';

async function start(sup: Supervisor, say: Say): Promise<void> {
  const began = Date.now();
  claimSingleInstance();
  const config = startConfig();
  const secret = jwtSecret();
  say(`starting the complaint platform in ${ROOT} (Ctrl-C stops everything)`);
  if (secret.source === 'dev-file') say(`JWT: development secret from ${path.relative(ROOT, path.join(DATA_DIR, 'jwt-secret'))} (set JWT_SECRET to use your own)`);

  const [temporal, pg] = await allSettled<[TemporalInfo, PostgresInfo]>([
    startTemporal(sup, say, { dbFilename: TEMPORAL_DB_FILE, headless: false, port: config.ports.temporal, uiPort: config.ports.ui, echo: config.temporalLog }),
    startPostgres(sup, say, { dataDir: EMBEDDED_PG_DIR, port: 54329 }),
  ]);
  sup.checkpoint();

  const { createDatabase } = await import('./infra/postgres');
  const databaseUrl = pg.embedded ? await createDatabase(pg.url, APP_DATABASE) : pg.url;
  const { runMigrations } = await import('../libs/persistence/src/data-source');
  const applied = await runMigrations(databaseUrl);
  say(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema is up to date');
  // The services connect as the application role, under row-level security (migrations ran as the owner).
  const { ensureApplicationLogin } = await import('../libs/persistence/src/application-role');
  const appDatabaseUrl = await ensureApplicationLogin(databaseUrl);
  sup.checkpoint();

  // The head-office console (served by the gateway at /console): built when missing or older than its sources.
  const { ensureConsoleBuilt } = await import('./console-build');
  if (!(await ensureConsoleBuilt(say))) say('console build is up to date (dist/console)');
  sup.checkpoint();

  const gatewayPort = await choosePort(config.ports.gateway, 'GraphQL gateway', say);
  const env = startServiceEnv({ databaseUrl: appDatabaseUrl, temporalAddress: temporal.address, namespace: temporal.namespace, jwtSecret: secret.secret, port: gatewayPort });
  say('starting the worker and the gateway…');
  const { graphqlUrl } = await startAppServices(sup, { env });
  sup.checkpoint();

  const facts: RuntimeFacts = {
    databaseUrl,
    embeddedPostgres: pg.embedded,
    temporalAddress: temporal.address,
    temporalNamespace: temporal.namespace,
    graphqlUrl,
    temporalUiUrl: temporal.uiUrl,
    ...(secret.source === 'dev-file' ? { jwtSecret: secret.secret } : {}),
    jwtSecretSource: secret.source,
    pid: process.pid,
    startedAt: new Date().toISOString(),
  };
  writeRuntimeFacts(facts);
  process.once('exit', () => markRuntimeStopped(process.pid));

  let demo: import('./demo/seed').DemoTenant | undefined;
  let seeded = false;
  if (!config.seedDemo) {
    say('SEED_DEMO=0: not seeding a demo tenant');
  } else {
    const { ensureDemoTenant } = await import('./demo/seed');
    try {
      ({ demo, seeded } = await ensureDemoTenant({ graphqlUrl, databaseUrl, jwtSecret: secret.secret, say, shouldStop: () => sup.stopping }));
    } catch (err) {
      sup.checkpoint();
      // The platform itself is up: keep it running; the next start completes the demo (the seed resumes).
      say(paint(`could not seed the demo tenant: ${(err as Error).message}`, 'yellow'));
      say(paint('the platform is running without it; the next npm start tries again', 'yellow'));
    }
  }
  sup.checkpoint();
  const { printBanner } = await import('./start/banner');
  printBanner({ facts, demo, seeded, jwtSecret: secret.secret, seconds: (Date.now() - began) / 1000 });
}

function main(): void {
  if (delegateToSupervisor(__filename)) return;
  const say = makeSay('start');
  const sup = new Supervisor(say);
  sup.installSignalHandlers();
  sup.track(start(sup, say));
}

if (require.main === module) main();
