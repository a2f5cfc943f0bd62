// The cluster profile (`npm run start:cluster`): Temporal's services as four processes on
// PostgreSQL with SQL visibility, two worker processes and two gateway processes. A complaint is
// registered through one gateway and carried to its end through the other.
//
// CLUSTER_TESTS=0 runs the same test against the shared dev server instead (keeps a local run short);
// by default (CI) it runs against the cluster, building the server the first time (minutes, then cached).
import path from 'path';
import { Client, Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { tenantVisibilityQuery } from '../workflows/shared/search-attributes';
import type { AppServices } from '../scripts/infra/services';
import { serviceEnv, startAppReplicas } from '../scripts/infra/services';
import { Supervisor } from '../scripts/infra/supervisor';
import { TemporalClusterInfo, chooseDistinctPorts, startTemporalCluster } from '../scripts/infra/temporal-cluster';
import { isPidAlive } from '../scripts/infra/process-utils';
import { createTestDatabase } from './support/database';
import { COMPLAINT_FIELDS, Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack } from './support/stack';
import { eventually, temporalAddress, workflowBundlePath } from './support/test-env';

const CLUSTER = process.env.CLUSTER_TESTS !== '0';
const ROOT = path.join(__dirname, '..');
const NAMESPACE = 'default';
// First run: `go install` of the server (~3 min on 2 cores), then four services and four Node processes.
const SETUP_TIMEOUT_MS = 20 * 60_000;

const act = (mutation: string, args: string): string => `mutation { ${mutation}(${args}) { ${COMPLAINT_FIELDS} } }`;

describe(`the complaint lifecycle on the cluster profile (${CLUSTER ? 'Temporal cluster on PostgreSQL' : 'CLUSTER_TESTS=0: dev server'}), 2 workers, 2 gateways`, () => {
  const say = (line: string): void => void process.stderr.write(`[cluster test] ${line}\n`);
  const sup = new Supervisor(say, { exit: () => undefined });
  const stack = new Stack();
  let cluster: TemporalClusterInfo | undefined;
  let address = '';
  let replicas: AppServices[] = [];
  let dropDatabase: (() => Promise<void>) | undefined;
  let g: Group;

  beforeAll(async () => {
    if (CLUSTER) {
      cluster = await startTemporalCluster(sup, say, {
        pgUrl: process.env.TEST_DATABASE_URL as string,
        // Kept between runs (a second run only checks the schema), apart from `npm run start:cluster`'s.
        databases: { default: 'temporal_e2e', visibility: 'temporal_e2e_visibility' },
        dir: path.join(ROOT, '.data', 'test-temporal-cluster'),
        namespace: NAMESPACE,
        preferDefaultPorts: false,
      });
      address = cluster.address;
    } else {
      address = temporalAddress();
    }
    const db = await createTestDatabase('cluster');
    dropDatabase = db.drop;
    stack.databaseUrl = db.url;
    const ports = await chooseDistinctPorts([{ port: 0, what: 'gateway 1' }, { port: 0, what: 'gateway 2' }], say);
    const env = serviceEnv({ databaseUrl: db.appUrl, temporalAddress: address, namespace: NAMESPACE, jwtSecret: stack.jwtSecret, port: ports[0], taskQueue: stack.taskQueue });
    replicas = await startAppReplicas(sup, { env, ports, workerEnv: { WORKFLOW_BUNDLE_PATH: workflowBundlePath() }, echo: false });
    stack.url = replicas[0].graphqlUrl;
    g = await provisionGroup(stack, 'Cluster Group');
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await sup.shutdown(0, 'the test is done');
    await dropDatabase?.();
  }, 120_000);

  it('takes a complaint in on one gateway and carries it to closed on the other, with both workers polling', async () => {
    const [one, two] = replicas.map((r) => r.graphqlUrl);
    expect(one).not.toBe(two);
    const at = async (url: string, query: string, token: string): Promise<Record<string, any>> => {
      const r = await stack.gql(query, {}, token, url);
      if (r.errors?.length) throw new Error(`GraphQL errors from ${url}: ${JSON.stringify(r.errors)}`);
      return r.data as Record<string, any>;
    };

    const submitted = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'cluster-1') }, g.tokens.dispatcher)).submitComplaint;
    expect(submitted.status).toBe('RECEIVED');
    const id = submitted.id as string;

    // The other gateway sees it at once (same database) and can act on it (same Temporal).
    const seen = (await at(two, `query { complaint(id: "${id}") { ${COMPLAINT_FIELDS} } }`, g.tokens.dispatcher)).complaint;
    expect(seen.reference).toBe(submitted.reference);
    expect((await at(two, act('dispatchComplaint', `id: "${id}", assigneeId: "${g.handler}"`), g.tokens.dispatcher)).dispatchComplaint.status).toBe('DISPATCHED');
    expect((await at(one, act('acknowledgeComplaint', `id: "${id}"`), g.tokens.handler)).acknowledgeComplaint.status).toBe('IN_PROGRESS');
    expect((await at(two, act('resolveComplaint', `id: "${id}", resolution: "Lift motor replaced", customerSigned: true`), g.tokens.handler)).resolveComplaint.status).toBe('CALLBACK_PENDING');
    await at(two, act('recordCallback', `id: "${id}", method: PHONE, satisfied: true`), g.tokens.dispatcher);

    const closed = await eventually(async () => {
      const c = (await at(one, `query { complaint(id: "${id}") { ${COMPLAINT_FIELDS} } }`, g.tokens.headOffice)).complaint;
      return c.status === 'CLOSED' ? c : undefined;
    }, 30_000, 250);
    const types = closed.timeline.map((e: { type: string }) => e.type);
    for (const t of ['RECEIVED', 'DISPATCHED', 'ACKNOWLEDGED', 'RESOLVED', 'CALLBACK', 'CLOSED']) expect(types).toContain(t);
    expect(closed.timeline.map((e: { seq: number }) => e.seq)).toEqual(closed.timeline.map((_: unknown, i: number) => i + 1));

    const connection = await Connection.connect({ address });
    try {
      const client = new Client({ connection, namespace: NAMESPACE });
      // The workflow ran on this Temporal, and visibility (SQL, on the cluster) finds it by its tenant.
      const handle = client.workflow.getHandle(closed.workflowId);
      expect((await handle.describe()).taskQueue).toBe(stack.taskQueue);
      const listed = await eventually(async () => {
        const ids: string[] = [];
        for await (const w of client.workflow.list({ query: tenantVisibilityQuery(g.tenantId) })) ids.push(w.workflowId);
        return ids.includes(closed.workflowId) ? ids : undefined;
      }, 30_000, 500);
      expect(listed).toContain(closed.workflowId);

      // Both worker processes poll the task queue (an SDK worker's identity is "<pid>@<host>").
      const pollers = await connection.workflowService.describeTaskQueue({
        namespace: NAMESPACE,
        taskQueue: { name: stack.taskQueue },
        taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      });
      const identities = (pollers.pollers ?? []).map((p) => p.identity ?? '');
      for (const r of replicas) expect(identities.some((i) => i.startsWith(`${r.worker.pid}@`))).toBe(true);
    } finally {
      await connection.close();
    }

    // On the cluster profile, all this ran on Temporal's four services, each its own process, still alive.
    if (cluster) {
      expect(cluster.services.map((s) => s.name).sort()).toEqual(['frontend', 'history', 'matching', 'worker']);
      expect(new Set(cluster.services.map((s) => s.pid)).size).toBe(4);
      for (const s of cluster.services) expect(isPidAlive(s.pid)).toBe(true);
      expect(cluster.schema.map((s) => s.split(' ')[0])).toEqual(['temporal_e2e', 'temporal_e2e_visibility']);
    }
  });
});
