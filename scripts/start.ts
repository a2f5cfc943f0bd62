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
//   scripts/start/                     config, single-instance pid file, the shared start steps, the banner
import path from 'path';
import { PostgresInfo, TemporalInfo, choosePort, startPostgres, startTemporal } from './infra/backing-services';
import { Say, makeSay } from './infra/output';
import { Supervisor, allSettled, delegateToSupervisor } from './infra/supervisor';
import { startAppServices } from './infra/services';
import { DATA_DIR, EMBEDDED_PG_DIR, ROOT, RuntimeFacts, TEMPORAL_DB_FILE, jwtSecret } from './runtime-config';
import { startConfig, startServiceEnv } from './start/config';
import { claimSingleInstance } from './start/single-instance';
import { ensureConsole, finishStart, prepareAppDatabase } from './start/steps';

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

  const { databaseUrl, appDatabaseUrl } = await prepareAppDatabase(pg, say);
  sup.checkpoint();
  await ensureConsole(say);
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
  await finishStart(sup, say, { facts, config, secret, began, command: 'npm start' });
}

function main(): void {
  if (delegateToSupervisor(__filename)) return;
  const say = makeSay('start');
  const sup = new Supervisor(say);
  sup.installSignalHandlers();
  sup.track(start(sup, say));
}

if (require.main === module) main();
