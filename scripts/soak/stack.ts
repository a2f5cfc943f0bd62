// The soak's stack, the production shape (as the bench's cluster profile): PostgreSQL (DATABASE_URL
// or embedded), Temporal's four services on PostgreSQL in databases of this run's own, a scratch
// application database, two workers and two gateways, and a tenant with a dispatcher and a handler
// per branch. Everything is registered with the supervisor, so Ctrl-C stops it all.
import { randomBytes } from 'crypto';
import path from 'path';
import { signToken } from '../../apps/gateway/src/auth/jwt.util';
import { OPS } from '../demo/seed';
import { graphql } from '../demo/graphql';
import { createScratchDatabase, provisionTenant, startClusterWithBundle } from '../bench/stack';
import { choosePort, startPostgres } from '../infra/backing-services';
import type { ChildService } from '../infra/child-service';
import type { Say } from '../infra/output';
import { AppServices, serviceEnv, startAppReplicas } from '../infra/services';
import type { Supervisor } from '../infra/supervisor';
import type { TemporalClusterInfo } from '../infra/temporal-cluster';
import { DATA_DIR, EMBEDDED_PG_DIR } from '../runtime-config';
import type { SoakBranch } from './load';

export interface SoakStack {
  /** The application database as its owner (the checks read past row-level security). */
  databaseUrl: string;
  temporal: TemporalClusterInfo;
  replicas: AppServices[];
  graphqlUrls: string[];
  tenantId: string;
  branches: SoakBranch[];
}

/**
 * The gateways' per-tenant limits protect a shared platform from one noisy tenant; the soak's
 * single tenant is deliberately that noisy, and the limits are not what it measures.
 */
const SOAK_LIMITS: NodeJS.ProcessEnv = {
  TENANT_WRITES_PER_SEC: '1000', TENANT_WRITE_BURST: '1000', RATE_LIMIT_USER_PER_MIN: '100000', RATE_LIMIT_TENANT_PER_MIN: '100000',
  TENANT_CONCURRENCY: '64', TENANT_QUEUE: '2000', TENANT_QUEUE_WAIT_MS: '30000',
};

export async function startSoakStack(sup: Supervisor, say: Say): Promise<SoakStack> {
  const pg = await startPostgres(sup, say, { dataDir: EMBEDDED_PG_DIR, port: 54329 });
  sup.checkpoint();
  const run = `cp_soak_${process.pid}_${randomBytes(2).toString('hex')}`;
  const { temporal, bundlePath } = await startClusterWithBundle(sup, say, pg.url, `${run}_temporal`, path.join(DATA_DIR, 'soak', 'temporal-cluster'));
  sup.checkpoint();
  const { databaseUrl, appDatabaseUrl } = await createScratchDatabase(sup, pg.url, run);
  sup.checkpoint();

  const jwtSecret = randomBytes(32).toString('base64url');
  const taskQueue = `soak-${randomBytes(4).toString('hex')}`;
  const ports = [await choosePort(0, 'soak gateway 1', say), await choosePort(0, 'soak gateway 2', say)];
  const env = serviceEnv({ databaseUrl: appDatabaseUrl, temporalAddress: temporal.address, namespace: temporal.namespace, jwtSecret, port: ports[0], taskQueue, extra: SOAK_LIMITS });
  say(`scratch database ${run} migrated; starting 2 workers and 2 gateways (task queue ${taskQueue})…`);
  const replicas = await startAppReplicas(sup, { env, workerEnv: { WORKFLOW_BUNDLE_PATH: bundlePath }, ports, echo: process.env.SOAK_VERBOSE === '1' });
  sup.checkpoint();

  const graphqlUrls = replicas.map((r) => r.graphqlUrl);
  const gql = <T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> =>
    graphql<T>(graphqlUrls[0], query, variables, token);
  const tenant = await provisionTenant(gql, jwtSecret);
  const tok = (userId: string): string => signToken({ sub: userId, tid: tenant.tenantId }, jwtSecret);
  const branches: SoakBranch[] = [];
  for (const [i, b] of tenant.branches.entries()) {
    const handlerId = (await gql(OPS.createUser, { n: `Handler ${b.code}`, r: [{ role: 'HANDLER', branchId: b.id }] }, tenant.tokens.headOffice)).createUser.id as string;
    branches.push({ id: b.id, dispatcherToken: tenant.tokens.dispatchers[i], handlerId, handlerToken: tok(handlerId) });
  }
  say(`tenant ${tenant.tenantId} provisioned: ${branches.length} branches, a dispatcher and a handler each`);
  return { databaseUrl, temporal, replicas, graphqlUrls, tenantId: tenant.tenantId, branches };
}

