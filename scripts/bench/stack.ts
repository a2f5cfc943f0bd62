// The bench's own stack, started like `npm start` but isolated: a headless in-memory Temporal dev
// server (or TEMPORAL_ADDRESS) with a random task queue, a scratch database on the PostgreSQL that
// ensurePostgres gives (DATABASE_URL, or the embedded cluster — reused if `npm start` runs), the
// worker and the gateway as child processes (so their memory is measured separately), and a
// tenant provisioned over GraphQL.
import { randomBytes } from 'crypto';
import fs from 'fs';
import path from 'path';
import { signToken } from '../../apps/gateway/src/auth/jwt.util';
import { OPS, platformAdminToken } from '../demo/seed';
import { graphql } from '../demo/graphql';
import { PostgresInfo, TemporalInfo, choosePort, startPostgres, startTemporal } from '../infra/backing-services';
import type { Say } from '../infra/output';
import type { TemporalClusterInfo } from '../infra/temporal-cluster';
import { isPidAlive } from '../infra/process-utils';
import { GATEWAY_ENTRY, graphqlUrlFor, serviceEnv, startAppServices, waitForGateway } from '../infra/services';
import { STOP_ORDER, Supervisor, allSettled, startService } from '../infra/supervisor';
import { DATA_DIR, EMBEDDED_PG_DIR, ROOT } from '../runtime-config';
import { RssSampler } from './rss';
import type { BenchStack, BenchTenant } from './types';

const BENCH_DB_PREFIX = 'cp_bench_';

export type BenchProfile = 'dev' | 'cluster';
export const BENCH_PROFILES: readonly BenchProfile[] = ['dev', 'cluster'];

/**
 * BENCH_PROFILE: `dev` (default: Temporal's dev server, one process on SQLite) or `cluster` (the
 * Temporal server's services on PostgreSQL, as `npm run start:cluster`); a list ("dev,cluster") runs
 * the bench once per profile (scripts/bench.ts) and prints them side by side.
 */
export function benchProfiles(value = process.env.BENCH_PROFILE): BenchProfile[] {
  const list = (value ?? 'dev').split(',').map((p) => p.trim()).filter(Boolean);
  const bad = list.filter((p) => !(BENCH_PROFILES as readonly string[]).includes(p));
  if (bad.length || list.length === 0) throw new Error(`BENCH_PROFILE: unknown profile(s) ${bad.join(', ') || '(none)'}; profiles: ${BENCH_PROFILES.join(', ')}`);
  return [...new Set(list)] as BenchProfile[];
}

export const benchProfile = (): BenchProfile => benchProfiles()[0];

export async function startBenchStack(sup: Supervisor, say: Say): Promise<BenchStack> {
  const taskQueue = `bench-${randomBytes(4).toString('hex')}`;
  const jwtSecret = randomBytes(32).toString('base64url');

  const { dropDatabase } = await import('../infra/postgres');
  let temporal: Pick<TemporalInfo, 'address' | 'namespace'>;
  let pg: PostgresInfo;
  let bundlePath: string;
  if (benchProfile() === 'cluster') {
    // The production shape (scripts/infra/temporal-cluster.ts): Temporal's four services as processes
    // on PostgreSQL, in databases of this run's own (dropped after the services stop).
    pg = await startPostgres(sup, say, { dataDir: EMBEDDED_PG_DIR, port: 54329 });
    if (pg.embedded) await dropStaleBenchDatabases(pg.url, say, dropDatabase);
    const cluster = await startClusterWithBundle(sup, say, pg.url, `${BENCH_DB_PREFIX}${process.pid}_temporal`, path.join(DATA_DIR, 'bench', 'temporal-cluster'));
    temporal = cluster.temporal;
    bundlePath = cluster.bundlePath;
  } else {
    // Temporal, PostgreSQL and the workflow bundle in parallel.
    [temporal, pg, bundlePath] = await allSettled<[TemporalInfo, PostgresInfo, string]>([
      startTemporal(sup, say, { headless: true, port: 0, uiPort: 0 }),
      startPostgres(sup, say, { dataDir: EMBEDDED_PG_DIR, port: 54329 }),
      bundleWorkflows(say),
    ]);
    if (pg.embedded) await dropStaleBenchDatabases(pg.url, say, dropDatabase);
  }
  sup.checkpoint();

  const dbName = `${BENCH_DB_PREFIX}${process.pid}_${randomBytes(3).toString('hex')}`;
  // BENCH_KEEP_DATABASE=1 keeps it for a look afterwards (EXPLAIN on the generated data); the next run drops it.
  const keep = process.env.BENCH_KEEP_DATABASE === '1';
  const { databaseUrl, appDatabaseUrl } = await createScratchDatabase(sup, pg.url, dbName, { keep });
  if (keep) say(`scratch database ${dbName} is kept (BENCH_KEEP_DATABASE=1): ${databaseUrl}`);
  say(`scratch database ${dbName} migrated; task queue ${taskQueue}`);
  sup.checkpoint();

  const port = await choosePort(0, 'bench gateway', say);
  const env = serviceEnv({ databaseUrl: appDatabaseUrl, temporalAddress: temporal.address, namespace: temporal.namespace, jwtSecret, port, taskQueue });
  const rss = new RssSampler(200);
  const { worker, gateway, graphqlUrl } = await startAppServices(sup, {
    env, workerEnv: { WORKFLOW_BUNDLE_PATH: bundlePath }, echo: !!process.env.BENCH_VERBOSE,
    onSpawn: (service) => rss.track(service.name, service.pid),
  });
  const readyAt = performance.now();
  say(`worker (pid ${worker.pid}) and gateway (pid ${gateway.pid}) ready; provisioning a tenant…`);

  const gql = <T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> =>
    graphql<T>(graphqlUrl, query, variables, token);
  const tenant = await provisionTenant(gql, jwtSecret);
  let extra = 0;
  const extraGateway = async (overrides: NodeJS.ProcessEnv): Promise<string> => {
    const extraPort = await choosePort(0, 'bench gateway', say);
    const name = `gateway-${++extra}`;
    const child = startService(sup, {
      name, entry: GATEWAY_ENTRY, env: { ...env, PORT: String(extraPort), ...overrides }, color: 'magenta', echo: !!process.env.BENCH_VERBOSE,
      stopOrder: STOP_ORDER.gateway,
    });
    const url = graphqlUrlFor(extraPort);
    await waitForGateway(url, child, sup);
    return url;
  };
  return {
    graphqlUrl, databaseUrl, temporalAddress: temporal.address, namespace: temporal.namespace, taskQueue, jwtSecret,
    worker, gateway, rss, tenant, readyAt, gql, extraGateway,
    token: (userId) => signToken({ sub: userId, tid: tenant.tenantId }, jwtSecret),
  };
}

/**
 * The production shape's backends for a run of its own: Temporal's four services on the PostgreSQL
 * of `pgUrl` in databases named after `run` (dropped after the services stop, before PostgreSQL),
 * started while the workflow code is bundled.
 */
export async function startClusterWithBundle(
  sup: Supervisor, say: Say, pgUrl: string, run: string, dir: string,
): Promise<{ temporal: TemporalClusterInfo; bundlePath: string }> {
  const { dropDatabase } = await import('../infra/postgres');
  const databases = { default: run, visibility: `${run}_visibility` };
  for (const name of [databases.default, databases.visibility]) {
    // After Temporal's four services (STOP_ORDER.temporal + 0…3) have stopped, before PostgreSQL.
    sup.onStop(STOP_ORDER.postgres - 1, `Temporal database ${name} (dropped)`, () => dropDatabase(pgUrl, name));
  }
  const { startTemporalCluster } = await import('../infra/temporal-cluster');
  const sayT = (l: string): void => say(`Temporal cluster: ${l}`);
  const [temporal, bundlePath] = await allSettled<[TemporalClusterInfo, string]>([
    startTemporalCluster(sup, sayT, { pgUrl, databases, dir, namespace: 'default', preferDefaultPorts: false }),
    bundleWorkflows(say),
  ]);
  return { temporal, bundlePath };
}

/**
 * A scratch application database on the server of `pgUrl`: created, migrated, with the services'
 * login under row-level security; dropped at stop unless `keep`.
 */
export async function createScratchDatabase(
  sup: Supervisor, pgUrl: string, name: string, opts: { keep?: boolean } = {},
): Promise<{ databaseUrl: string; appDatabaseUrl: string }> {
  const { createDatabase, dropDatabase } = await import('../infra/postgres');
  const databaseUrl = await createDatabase(pgUrl, name);
  if (!opts.keep) sup.onStop(STOP_ORDER.database, `scratch database ${name} (dropped)`, () => dropDatabase(pgUrl, name));
  const { runMigrations } = await import('../../libs/persistence/src/data-source');
  await runMigrations(databaseUrl);
  const { ensureApplicationLogin } = await import('../../libs/persistence/src/application-role');
  return { databaseUrl, appDatabaseUrl: await ensureApplicationLogin(databaseUrl) };
}

/** Bundles the workflow code once, so the worker's memory reflects running, not webpack. */
export async function bundleWorkflows(say: Say): Promise<string> {
  const started = Date.now();
  const { bundleWorkflowCode, DefaultLogger } = await import('@temporalio/worker');
  const { WORKFLOW_INTERCEPTOR_MODULES } = await import('../../apps/worker/src/observability/workflow-interceptor-modules');
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(ROOT, 'workflows', 'index.ts'), workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES, logger: new DefaultLogger('WARN'),
  });
  const file = path.join(DATA_DIR, 'bench', 'workflow-bundle.js');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, code);
  say(`workflow bundle ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return file;
}

/** Scratch databases of bench runs that were killed before they could drop them. */
async function dropStaleBenchDatabases(baseUrl: string, say: Say, dropDatabase: (base: string, name: string) => Promise<void>): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: baseUrl });
  await client.connect();
  let names: string[];
  try {
    names = (await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'cp\\_bench\\_%'`)).rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
  for (const name of names) {
    const pid = Number(/^cp_bench_(\d+)_/.exec(name)?.[1]);
    if (pid && !isPidAlive(pid)) {
      say(`dropping ${name}, left behind by an interrupted bench run`);
      await dropDatabase(baseUrl, name).catch(() => undefined);
    }
  }
}

export type Gql = <T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string) => Promise<T>;

/** A group with one company, two branches and a dispatcher in each (as test/support/fixtures.ts). */
export async function provisionTenant(gql: Gql, secret: string): Promise<BenchTenant> {
  const t = await gql(OPS.createTenant, { n: 'Bench Property Group', p: 'pm-branch', h: 'Bench Head Office' }, platformAdminToken(secret));
  const tenantId = t.createTenant.tenant.id as string;
  const headOffice = t.createTenant.headOffice.id as string;
  const tok = (userId: string): string => signToken({ sub: userId, tid: tenantId }, secret);
  const ho = tok(headOffice);
  const companyId = (await gql(OPS.createCompany, { n: 'Bench Property Services Co.' }, ho)).createCompany.id as string;
  const branches: BenchTenant['branches'] = [];
  for (const code of ['BN01', 'BN02']) {
    const id = (await gql(OPS.createBranch, { c: companyId, code, n: `Bench Estate ${code}`, tz: 'Asia/Shanghai' }, ho)).createBranch.id as string;
    const dispatcher = (await gql(OPS.createUser, { n: `Dispatcher ${code}`, r: [{ role: 'DISPATCHER', branchId: id }] }, ho)).createUser.id as string;
    branches.push({ id, code, dispatcher });
  }
  return { tenantId, headOffice, companyId, branches, tokens: { headOffice: ho, dispatchers: branches.map((b) => tok(b.dispatcher)) } };
}
