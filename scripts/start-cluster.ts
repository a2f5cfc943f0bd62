// `npm run start:cluster`: the product in its production shape, on this machine.
//
//   Temporal   the real server (v1.29.1, built from source once into ~/.cache/complaint-platform),
//              its services frontend / history / matching / worker as four processes, persistence
//              and SQL visibility in the databases `temporal` and `temporal_visibility`; gRPC on
//              7233 (frontend) and the server's usual ports when free. Config in .data/temporal-cluster/.
//   PostgreSQL DATABASE_URL, else the embedded cluster of `npm start` (.data/postgres, port 54329) with
//              its own application database "complaints_cluster" (the dev server's workflows are not here)
//   then       migrations, two workers and two gateways (PORT, default 4000, and PORT+1), the demo
//              tenant the first time, and the same banner as `npm start`.
//
// Ctrl-C / SIGTERM stop the gateways, the workers, Temporal's services (frontend first), then
// PostgreSQL. Same variables as `npm start` (see scripts/start.ts), TEMPORAL_LOG=1 echoing the
// server's services. TEMPORAL_ADDRESS is not used: this command runs its own cluster.
//
// docker/README.md says how this relates to the Docker stack.
import path from 'path';
import { startPostgres } from './infra/backing-services';
import { Say, makeSay } from './infra/output';
import { startAppReplicas } from './infra/services';
import { Supervisor, allSettled, delegateToSupervisor } from './infra/supervisor';
import { TemporalClusterInfo, chooseDistinctPorts, startTemporalCluster } from './infra/temporal-cluster';
import { DATA_DIR, EMBEDDED_PG_DIR, ROOT, RuntimeFacts, jwtSecret } from './runtime-config';
import { startConfig, startServiceEnv } from './start/config';
import { claimSingleInstance } from './start/single-instance';
import { AppDatabase, ensureConsole, finishStart, prepareAppDatabase } from './start/steps';

export const CLUSTER_DIR = path.join(DATA_DIR, 'temporal-cluster');
/** The application database on the embedded cluster, apart from `npm start`'s (its workflows live in the dev server). */
const CLUSTER_APP_DATABASE = 'complaints_cluster';
const TEMPORAL_DATABASES = { default: 'temporal', visibility: 'temporal_visibility' };
const REPLICAS = 2;

async function start(sup: Supervisor, say: Say): Promise<void> {
  const began = Date.now();
  claimSingleInstance();
  const config = startConfig();
  const secret = jwtSecret();
  const namespace = process.env.TEMPORAL_NAMESPACE?.trim() || 'default';
  say(`starting the complaint platform as a cluster in ${ROOT} (Ctrl-C stops everything)`);
  if (secret.source === 'dev-file') say(`JWT: development secret from ${path.relative(ROOT, path.join(DATA_DIR, 'jwt-secret'))} (set JWT_SECRET to use your own)`);
  if (process.env.TEMPORAL_ADDRESS?.trim()) say('TEMPORAL_ADDRESS is ignored: start:cluster runs its own Temporal cluster');

  // Temporal's databases live on the same server, so PostgreSQL comes first.
  const pg = await startPostgres(sup, say, { dataDir: EMBEDDED_PG_DIR, port: 54329 });
  sup.checkpoint();
  // The server binary may still need building (minutes, once): meanwhile, the application's own preparation.
  const say3 = (l: string): void => say(`Temporal: ${l}`);
  const [temporal, db] = await allSettled<[TemporalClusterInfo, AppDatabase]>([
    startTemporalCluster(sup, say3, { pgUrl: pg.url, databases: TEMPORAL_DATABASES, dir: CLUSTER_DIR, namespace, preferDefaultPorts: true, echo: config.temporalLog }),
    prepareAppDatabase(pg, say, CLUSTER_APP_DATABASE).then(async (d) => {
      await ensureConsole(say);
      return d;
    }),
  ]);
  sup.checkpoint();

  const ports = await chooseDistinctPorts(Array.from({ length: REPLICAS }, (_, i) => ({ port: config.ports.gateway + i, what: `GraphQL gateway ${i + 1}` })), say);
  const env = startServiceEnv({ databaseUrl: db.appDatabaseUrl, temporalAddress: temporal.address, namespace, jwtSecret: secret.secret, port: ports[0] });
  say(`starting ${REPLICAS} workers and ${REPLICAS} gateways…`);
  const replicas = await startAppReplicas(sup, { env, ports });
  sup.checkpoint();

  const graphqlUrls = replicas.map((r) => r.graphqlUrl);
  const facts: RuntimeFacts = {
    databaseUrl: db.databaseUrl,
    embeddedPostgres: pg.embedded,
    temporalAddress: temporal.address,
    temporalNamespace: namespace,
    graphqlUrl: graphqlUrls[0],
    temporalUiUrl: null,
    ...(secret.source === 'dev-file' ? { jwtSecret: secret.secret } : {}),
    jwtSecretSource: secret.source,
    pid: process.pid,
    startedAt: new Date().toISOString(),
  };
  await finishStart(sup, say, {
    facts, config, secret, began, command: 'npm run start:cluster',
    cluster: { graphqlUrls, workers: REPLICAS, temporalServices: temporal.services, temporalSchema: temporal.schema },
  });
}

function main(): void {
  if (delegateToSupervisor(__filename)) return;
  const say = makeSay('start:cluster');
  const sup = new Supervisor(say);
  sup.installSignalHandlers();
  sup.track(start(sup, say));
}

if (require.main === module) main();
