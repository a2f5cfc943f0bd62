import { randomUUID } from 'crypto';
import { createGateway } from '../apps/gateway/src/bootstrap';
import { createLogger } from '../libs/observability/src/logger';
import { getFreePort } from '../scripts/infra/process-utils';
import { complaintInput, Group, provisionGroup, SUBMIT } from './support/fixtures';
import { eventually, Stack, temporalAddress } from './support/stack';

/** Operability (issue 13): request ids from the gateway into the worker's log, metrics, health and readiness. */

const WITHDRAW = `mutation Withdraw($id: ID!) { withdrawComplaint(id: $id, reason: "resolved on the phone", requestId: "obs-withdraw") { id status } }`;

async function post(url: string, body: object, token?: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

/** The value of one sample of the Prometheus text, 0 when the series is not there yet. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return 0;
}

const base = (graphqlUrl: string): string => graphqlUrl.replace(/\/graphql$/, '');
const jsonLines = (text: string): Record<string, any>[] =>
  text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);

describe('operability: request ids, metrics, health and readiness', () => {
  let stack: Stack;
  let g: Group;
  let workerMetricsPort: number;

  beforeAll(async () => {
    workerMetricsPort = await getFreePort();
    stack = await Stack.start('observability', { worker: 'process', workerEnv: { LOG_LEVEL: 'info', WORKER_METRICS_PORT: String(workerMetricsPort) } });
    g = await provisionGroup(stack, 'Observed Group', 'pm-branch', 'OB01');
  });
  afterAll(() => stack?.stop());

  it("follows a mutation's x-request-id from the gateway into the workflow's activities, for a start and for an update", async () => {
    const submitId = `obs-submit-${randomUUID()}`;
    const r = await post(stack.url, { query: SUBMIT, variables: { input: complaintInput(g.branchId, 'obs-1') } }, g.tokens.dispatcher, { 'x-request-id': submitId });
    expect(r.body.errors).toBeUndefined();
    expect(r.headers.get('x-request-id')).toBe(submitId);
    const { id, workflowId } = r.body.data.submitComplaint as { id: string; workflowId: string };

    const linesOf = (requestId: string): Record<string, any>[] => jsonLines(stack.workerOutput).filter((l) => l.requestId === requestId);
    const started = await eventually(() => (linesOf(submitId).some((l) => l.msg === 'activity completed') ? linesOf(submitId) : undefined));
    for (const line of started) {
      expect(line).toMatchObject({ service: 'worker', workflowId, requestId: submitId });
      expect(typeof line.time).toBe('string');
      expect(typeof line.level).toBe('string');
    }
    expect(started.map((l) => l.activityType)).toContain('registerComplaint');

    // An update to the running workflow: its activities carry the update's id, not the start's.
    const withdrawId = `obs-withdraw-${randomUUID()}`;
    const w = await post(stack.url, { query: WITHDRAW, variables: { id } }, g.tokens.dispatcher, { 'x-request-id': withdrawId });
    expect(w.body.errors).toBeUndefined();
    expect(w.headers.get('x-request-id')).toBe(withdrawId);
    const updated = await eventually(() => (linesOf(withdrawId).some((l) => l.msg === 'activity completed') ? linesOf(withdrawId) : undefined));
    expect(updated.every((l) => l.workflowId === workflowId)).toBe(true);

    // The worker's log is JSON lines without the complainant's details.
    expect(stack.workerOutput).not.toContain('张女士');
    expect(stack.workerOutput).not.toContain('13800138000');
    expect(stack.workerOutput).toMatch(/"msg":"worker: polling task queue/);
  });

  it('answers a missing or insane x-request-id with a new one', async () => {
    const none = await post(stack.url, { query: '{ health }' });
    const insane = await post(stack.url, { query: '{ health }' }, undefined, { 'x-request-id': 'x'.repeat(500) });
    const spaced = await post(stack.url, { query: '{ health }' }, undefined, { 'x-request-id': 'two words' });
    for (const r of [none, insane, spaced]) expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // Error answers carry it too.
    const refused = await post(stack.url, [{ query: '{ health }' }] as unknown as object, undefined, { 'x-request-id': 'batch-1' });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('x-request-id')).toBe('batch-1');
  });

  it('logs one JSON line per request: route, status, duration, operation, tenant and user, never the token or personal data', async () => {
    const lines: string[] = [];
    const logger = createLogger('gateway', { level: 'info', destination: { write: (s: string) => void lines.push(s) } });
    const app = await createGateway({
      port: 0, host: '127.0.0.1', databaseUrl: stack.appDatabaseUrl, temporalAddress: temporalAddress(), namespace: 'default',
      taskQueue: stack.taskQueue, jwtSecret: stack.jwtSecret, actionTimeoutMs: 30_000,
    }, { logger });
    try {
      await app.listen(0, '127.0.0.1');
      const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/graphql`;
      const query = SUBMIT.replace('mutation(', 'mutation Submit(');
      const r = await post(url, { query, variables: { input: complaintInput(g.branchId, 'obs-log') } }, g.tokens.dispatcher, { 'x-request-id': 'obs-log-1' });
      expect(r.body.errors).toBeUndefined();
      const line = await eventually(() => jsonLines(lines.join('')).find((l) => l.requestId === 'obs-log-1'));
      expect(line).toMatchObject({
        level: 'info', service: 'gateway', msg: 'request completed', requestId: 'obs-log-1', method: 'POST', route: '/graphql', statusCode: 200,
        operationType: 'mutation', operationName: 'Submit', tenantId: g.tenantId, userId: g.dispatcher,
      });
      expect(typeof line.durationMs).toBe('number');
      expect(Number.isNaN(Date.parse(line.time))).toBe(false);
      const all = lines.join('');
      expect(all).not.toContain(g.tokens.dispatcher);
      expect(all).not.toContain('张女士');
      expect(all).not.toContain('13800138000');
    } finally {
      await app.close();
    }
  });

  it('counts requests, latency and errors by code on /metrics', async () => {
    const metricsUrl = `${base(stack.url)}/metrics`;
    const before = await (await fetch(metricsUrl)).text();
    const ok = { method: 'POST', route: '/graphql', status_code: '200' };
    const bad = { code: 'BAD_USER_INPUT', operation_type: 'mutation' };

    expect((await post(stack.url, { query: 'query Me { me { id } }' }, g.tokens.dispatcher)).body.errors).toBeUndefined();
    const refused = await post(stack.url, { query: SUBMIT, variables: { input: complaintInput(g.branchId, 'obs-bad', { description: '' }) } }, g.tokens.dispatcher);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const after = await res.text();
    expect(sample(after, 'http_requests_total', ok) - sample(before, 'http_requests_total', ok)).toBeGreaterThanOrEqual(2);
    expect(sample(after, 'http_request_duration_seconds_count', ok)).toBeGreaterThan(sample(before, 'http_request_duration_seconds_count', ok));
    expect(sample(after, 'graphql_errors_total', bad) - sample(before, 'graphql_errors_total', bad)).toBe(1);
    expect(sample(after, 'graphql_requests_total', { operation_type: 'query', outcome: 'ok' })).toBeGreaterThan(sample(before, 'graphql_requests_total', { operation_type: 'query', outcome: 'ok' }));
    // Default process metrics.
    expect(after).toMatch(/^process_resident_memory_bytes \d/m);
    expect(after).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it("serves the worker's Temporal SDK metrics on its own port", async () => {
    const text = await eventually(async () => {
      const t = await (await fetch(`http://127.0.0.1:${workerMetricsPort}/metrics`)).text();
      return /^temporal_workflow_task_schedule_to_start_latency_bucket/m.test(t) ? t : undefined;
    });
    expect(text).toMatch(/^temporal_workflow_task_execution_latency_bucket/m);
    expect(text).toMatch(/^temporal_sticky_cache_size/m);
    expect(text).toMatch(new RegExp(`task_queue="${stack.taskQueue}"`));
  });

  it('answers /healthz, and /readyz with each check, outside the rate limits', async () => {
    const strict = await stack.extraGateway({ limits: { anonymousPerMinute: 1 } });
    for (let i = 0; i < 3; i++) {
      const health = await fetch(`${base(strict)}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${base(strict)}/readyz`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as { status: string; checks: { name: string; ok: boolean; latencyMs: number }[] };
      expect(body.status).toBe('ready');
      expect(body.checks.map((c) => [c.name, c.ok])).toEqual([['postgres', true], ['temporal', true]]);
      for (const c of body.checks) expect(c.latencyMs).toBeGreaterThanOrEqual(0);
      expect((await fetch(`${base(strict)}/metrics`)).status).toBe(200);
    }
    // The GraphQL route is limited on the same gateway.
    await post(strict, { query: '{ health }' });
    expect((await post(strict, { query: '{ health }' })).status).toBe(429);
  });

  it('says 503 naming temporal when its Temporal is unreachable', async () => {
    const dead = await stack.extraGateway({ temporalAddress: `127.0.0.1:${await getFreePort()}` });
    const res = await fetch(`${base(dead)}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; failing: string[]; checks: { name: string; ok: boolean; error?: string }[] };
    expect(body.status).toBe('not ready');
    expect(body.failing).toEqual(['temporal']);
    expect(body.checks.find((c) => c.name === 'postgres')?.ok).toBe(true);
    expect(body.checks.find((c) => c.name === 'temporal')).toMatchObject({ ok: false });
    // It still lives.
    expect((await fetch(`${base(dead)}/healthz`)).status).toBe(200);
  });
});
