// Scale: many open complaints with live timers on one worker (issue 13). Only when asked
// (`npm run bench -- --only scale`): the full size runs for an hour or more on 2 cores.
//
//   BENCH_SCALE (100000)             open complaints in all (each one workflow waiting on its deadline timer)
//   BENCH_SCALE_API (10000)          of them, submitted through GraphQL submitComplaint (the product's path)
//   BENCH_SCALE_TIMERS (5000)        of them, back-dated so their CUSTOMER_REPLY deadline falls due within one minute
//   BENCH_SCALE_STEP (10000)         print the worker's RSS each time this many more are open
//   BENCH_SCALE_BULK_CONCURRENCY (32) concurrent starts on the bulk path
//   BENCH_SCALE_BACKLOG (cache / 2)  bulk starts not yet registered by the worker, at most (1000 at most by default)
//   BENCH_SCALE_SAMPLE (50)          old (evicted) complaints asked a query and given a staff action
//   The worker's sticky cache: WORKER_MAX_CACHED_WORKFLOWS / WORKER_MAX_CONCURRENT_WORKFLOW_TASKS (apps/worker/src/worker.config.ts).
//
// The rest (BENCH_SCALE - BENCH_SCALE_API) go through the bulk path: the Temporal client starts each
// complaint's workflow with the start input the gateway builds for submitComplaint (policy,
// calendar, intake; taken from the history of a complaint the API started in the same branch),
// the same workflow id, search attribute and id policies, and the same complaint id derivation from
// the idempotency key. What it skips is GraphQL, authentication and waiting for the intake Update's
// answer; the workflow writes its row itself in both cases, so rows and running workflows are alike.
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { Client as PgClient } from 'pg';
import type { ComplaintWorkflowInput } from '../../../workflows/shared/complaint.types';
import { complaintWorkflowId } from '../../../workflows/shared/ids';
import { tenantSearchAttributes } from '../../../workflows/shared/search-attributes';
import { stateQuery } from '../../../workflows/shared/updates';
import { uuidV5 } from '../../../apps/gateway/src/common/deterministic-id.util';
import { DEFAULT_MAX_CACHED_WORKFLOWS, workerCacheOptions } from '../../../apps/worker/src/worker.config';
import { mb } from '../rss';
import { fmtLatency, intFromEnv, runPool, summarize, timed } from '../stats';
import type { BenchSection, BenchStack, Metric } from '../types';

const SUBMIT = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { id workflowId } }`;
const DISPATCH = `mutation($id: ID!, $a: ID!) { dispatchComplaint(id: $id, assigneeId: $a) { id status } }`;
const REPLY_MS = 24 * 3600_000; // pm-branch CUSTOMER_REPLY: PT24H calendar time
const TEXTS = ['电梯三天没修好 — the lift in building 3 is out of order', '楼上漏水 — water leaking from the flat above', '垃圾没有清运 — rubbish not collected'];

interface Checkpoint { open: number; rssKb: number; atSeconds: number }

export const scaleSection: BenchSection = {
  id: 'scale',
  title: 'Scale: open complaints with live timers on one worker',
  needsStack: true,
  optIn: true,
  async run({ stack, config, say, stopping }) {
    if (!stack) throw new Error('scale needs the stack');
    const total = intFromEnv('BENCH_SCALE', 100_000);
    const viaApi = intFromEnv('BENCH_SCALE_API', 10_000, 2);
    const timers = intFromEnv('BENCH_SCALE_TIMERS', 5_000);
    const step = intFromEnv('BENCH_SCALE_STEP', 10_000);
    const bulkConcurrency = intFromEnv('BENCH_SCALE_BULK_CONCURRENCY', 32);
    const cache = workerCacheOptions();
    // More complaints in flight than the cache holds would make the worker evict ones it is still registering.
    const backlog = intFromEnv('BENCH_SCALE_BACKLOG', Math.max(2, Math.min(1_000, Math.floor(cache.maxCachedWorkflows / 2))));
    const sampleSize = Math.min(intFromEnv('BENCH_SCALE_SAMPLE', 50), viaApi);
    if (viaApi + timers > total) throw new Error(`BENCH_SCALE=${total} must be at least BENCH_SCALE_API (${viaApi}) + BENCH_SCALE_TIMERS (${timers})`);
    const bulk = total - viaApi - timers;
    const run = Math.random().toString(36).slice(2, 8);
    const key = (i: number): string => `scale-${run}-${i}`;
    const probeKey = (i: number): string => `scale-${run}-timer-${i}`;

    const connection = await Connection.connect({ address: stack.temporalAddress });
    const client = new TemporalClient({ connection, namespace: stack.namespace });
    const db = new PgClient({ connectionString: stack.databaseUrl });
    // A lost connection fails the next query (and the section) instead of the whole process.
    db.on('error', (err) => say(`scale: database connection lost (${err.message})`));
    await db.connect();
    try {
      const countRows = async (): Promise<number> =>
        Number((await db.query(`SELECT count(*) AS n FROM complaints WHERE tenant_id = $1 AND idempotency_key LIKE $2`, [stack.tenant.tenantId, `scale-${run}-%`])).rows[0].n);
      const from = performance.now();
      const baseKb = stack.rss.atKb('worker') ?? 0;
      say(`scale: ${total} open complaints (${viaApi} through GraphQL submitComplaint, ${bulk + timers} through the bulk path: `
        + `Temporal client start with the gateway's start input), ${timers} of them due within one minute; `
        + `worker cache ${cache.maxCachedWorkflows} workflows${process.env.WORKER_MAX_CACHED_WORKFLOWS ? '' : ' (default)'}, `
        + `${cache.maxConcurrentWorkflowTaskExecutions} workflow tasks at once; worker RSS at start ${mb(baseKb)}`);

      // Open complaints = rows the workflows have written; a monitor follows them for the RSS checkpoints and progress.
      let open = 0;
      let monitoring = true;
      const checkpoints: Checkpoint[] = [];
      let phase = 'api';
      let lastSay = 0;
      const sinceStart = (): number => (performance.now() - from) / 1000;
      const monitor = (async () => {
        while (monitoring && !stopping()) {
          open = await countRows();
          while (checkpoints.length < Math.floor(open / step)) {
            const point = { open: (checkpoints.length + 1) * step, rssKb: stack.rss.atKb('worker') ?? 0, atSeconds: sinceStart() };
            const before = checkpoints[checkpoints.length - 1]?.rssKb ?? baseKb;
            checkpoints.push(point);
            say(`scale: ${point.open} open — worker RSS ${mb(point.rssKb)} (${signedMb(point.rssKb - before)} over the last ${step}), ${point.atSeconds.toFixed(0)} s`);
          }
          if (performance.now() - lastSay > 15_000) {
            lastSay = performance.now();
            say(`scale: ${phase}: ${open} of ${total} open, ${(open / Math.max(1, sinceStart())).toFixed(1)}/s overall, worker RSS ${mb(stack.rss.atKb('worker'))}`);
          }
          await sleep(1000);
        }
      })();

      // 1. Through the API, as intake does (concurrency from the bench config).
      const errors: string[] = [];
      const apiMs = await runPool(viaApi, config.concurrency, async (i) => {
        if (stopping()) return;
        const b = i % stack.tenant.branches.length;
        try {
          await stack.gql(SUBMIT, { input: submitInput(stack, key(i), i, b) }, stack.tenant.tokens.dispatchers[b]);
        } catch (err) {
          errors.push(`api #${i}: ${(err as Error).message}`);
        }
      });
      if (stopping()) throw new Error('interrupted');
      const apiRate = (viaApi / apiMs) * 1000;
      say(`scale: ${viaApi} through the API in ${(apiMs / 1000).toFixed(0)} s (${apiRate.toFixed(1)}/s)${errors.length ? `, ${errors.length} error(s)` : ''}`);

      // 2. The bulk path. One start input per branch, as the gateway built it for the API complaints.
      phase = 'bulk';
      const templates = await Promise.all(stack.tenant.branches.map((_, b) => startInputOf(client, stack.tenant.tenantId, key(b))));
      const { COMPLAINT_ID_NAMESPACE } = await import('../../../apps/gateway/src/complaints/services/complaints.service');
      let started = 0;
      const startBulk = async (k: string, i: number, receivedAt: number): Promise<string> => {
        // Bounded: the worker registers what was started before more is sent.
        // (`started` counts bulk starts; `open` counts the API's complaints too.)
        const unregistered = (): number => started - (open - viaApi);
        for (let waited = 0; unregistered() > backlog && !stopping(); waited++) {
          if (waited > 600) throw new Error(`the worker registered none of ${unregistered()} started complaints in 10 minutes`);
          await sleep(1000);
        }
        const b = i % templates.length;
        const t = templates[b];
        const complaintId = uuidV5(COMPLAINT_ID_NAMESPACE, `${stack.tenant.tenantId}\u0000${k}`);
        const input: ComplaintWorkflowInput = {
          ...t, complaintId,
          intake: { ...t.intake, idempotencyKey: k, description: `${TEXTS[i % TEXTS.length]} (#${i})`, receivedAt, customerDeadline: null },
        };
        started += 1;
        await client.workflow.start('complaintWorkflow', {
          workflowId: complaintWorkflowId(stack.tenant.tenantId, complaintId), taskQueue: stack.taskQueue, args: [input],
          typedSearchAttributes: tenantSearchAttributes(stack.tenant.tenantId), workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
        return complaintId;
      };
      const bulkFrom = performance.now();
      const bulkMs = await runPool(bulk, bulkConcurrency, async (i) => {
        if (stopping()) return;
        try {
          await startBulk(key(viaApi + i), viaApi + i, Date.now());
        } catch (err) {
          errors.push(`bulk #${i}: ${(err as Error).message}`);
        }
      });
      if (stopping()) throw new Error('interrupted');
      // The rate the worker registers them at (not the start calls'), for the timers' lead time.
      await waitFor(async () => open >= viaApi + bulk - Math.min(backlog, bulk), 600_000);
      const bulkRate = bulk > 0 ? (Math.max(1, open - viaApi) / (performance.now() - bulkFrom)) * 1000 : apiRate;
      say(`scale: ${bulk} bulk starts sent in ${(bulkMs / 1000).toFixed(0)} s; the worker registers ${bulkRate.toFixed(1)}/s`);

      // 3. Timer probes, the last ones in: CUSTOMER_REPLY due spread over one minute, after all are in.
      phase = 'timer probes';
      const leadMs = Math.max(30_000, Math.ceil(((timers + backlog) / bulkRate) * 1.5 * 1000));
      const dueStart = Date.now() + leadMs;
      const dueAt = (i: number): number => dueStart + Math.floor((i * 60_000) / timers);
      say(`scale: starting ${timers} timer probes due between +${Math.round(leadMs / 1000)} s and +${Math.round((leadMs + 60_000) / 1000)} s…`);
      const probeIds: string[] = new Array(timers);
      const lateProbes = new Set<string>();
      const probesFrom = performance.now();
      await runPool(timers, bulkConcurrency, async (i) => {
        if (stopping()) return;
        try {
          probeIds[i] = await startBulk(probeKey(i), i, dueAt(i) - REPLY_MS);
        } catch (err) {
          errors.push(`timer probe #${i}: ${(err as Error).message}`);
        }
      });
      if (stopping()) throw new Error('interrupted');
      const registeredBy = (await waitFor(async () => open >= total, Math.max(60_000, dueStart - Date.now()))) ? Date.now() : undefined;
      say(`scale: probes started in ${((performance.now() - probesFrom) / 1000).toFixed(0)} s; ${open} of ${total} open${registeredBy && registeredBy > dueStart ? ' (the last registered after the first was due)' : ''}`);
      // A probe registered only after its due time breaches at intake, not by its timer: excluded.
      for (const r of (await db.query(
        `SELECT c.id FROM complaints c WHERE c.tenant_id = $1 AND c.idempotency_key LIKE $2 AND c.created_at > c.received_at + interval '24 hours'`,
        [stack.tenant.tenantId, `scale-${run}-timer-%`],
      )).rows as { id: string }[]) lateProbes.add(r.id);

      // 4. Everything open: rows in the database, workflows running in Temporal.
      const rows = await countRows();
      const running = await client.workflow
        .count(`WorkflowType = 'complaintWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = '${stack.taskQueue}'`)
        .then((c) => c.count, (err: Error) => { say(`scale: could not count running workflows (${err.message})`); return undefined; });
      say(`scale: ${rows} rows, ${running ?? 'n/a'} complaint workflows running on the task queue (visibility may lag a second)`);
      const peakCreateKb = stack.rss.peakKb('worker', from, performance.now());

      // 5. Timer lateness while all are open.
      phase = 'timers';
      say('scale: waiting for the probes\' timers…');
      const breaches = async (): Promise<{ id: string; late_ms: number }[]> => (await db.query(
        `SELECT e.complaint_id AS id, (EXTRACT(EPOCH FROM e.at) * 1000 - EXTRACT(EPOCH FROM (e.data->>'dueAt')::timestamptz) * 1000)::float8 AS late_ms
           FROM complaint_events e
          WHERE e.complaint_id = ANY($1::uuid[]) AND e.type = 'DEADLINE_BREACHED' AND e.data->>'kind' = 'CUSTOMER_REPLY'`,
        [probeIds.filter(Boolean)],
      )).rows;
      const timersFrom = performance.now();
      let fired = await breaches();
      while (fired.length < timers && Date.now() < dueStart + 60_000 + 120_000 && !stopping()) {
        await sleep(2000);
        fired = await breaches();
      }
      const lateness = summarize(fired.filter((r) => !lateProbes.has(r.id)).map((r) => r.late_ms));
      const timersTo = performance.now();
      const peakTimersKb = stack.rss.peakKb('worker', timersFrom, timersTo);
      say(`scale: timers fired - due p50/p99 ${lateness.p50} / ${lateness.p99} ms (max ${lateness.max}, n=${lateness.count}), ${timers - fired.length} not fired`);

      // 6. The oldest complaints (evicted long ago unless the cache holds them all) answer a query and take a staff action.
      phase = 'evicted sample';
      const evicted = total > cache.maxCachedWorkflows + sampleSize;
      const sample = (await db.query(
        `SELECT id, branch_id FROM complaints WHERE tenant_id = $1 AND idempotency_key = ANY($2::text[])`,
        [stack.tenant.tenantId, Array.from({ length: sampleSize }, (_, i) => key(i))],
      )).rows as { id: string; branch_id: string }[];
      const queryMs: number[] = [];
      const actionMs: number[] = [];
      for (const c of sample) {
        if (stopping()) break;
        const branch = stack.tenant.branches.find((b) => b.id === c.branch_id)!;
        const branchIndex = stack.tenant.branches.indexOf(branch);
        try {
          const q = await timed(() => client.workflow.getHandle(complaintWorkflowId(stack.tenant.tenantId, c.id)).query(stateQuery));
          if (q.value.status !== 'RECEIVED') throw new Error(`query answered status ${q.value.status}, expected RECEIVED`);
          queryMs.push(q.ms);
        } catch (err) {
          errors.push(`query ${c.id}: ${(err as Error).message}`);
        }
        try {
          const a = await timed(() => stack.gql<{ dispatchComplaint: { status: string } }>(DISPATCH, { id: c.id, a: branch.dispatcher }, stack.tenant.tokens.dispatchers[branchIndex]));
          if (a.value.dispatchComplaint.status !== 'DISPATCHED') throw new Error(`dispatch gave status ${a.value.dispatchComplaint.status}`);
          actionMs.push(a.ms);
        } catch (err) {
          errors.push(`dispatch ${c.id}: ${(err as Error).message}`);
        }
      }
      // For contrast: queries to the most recently active complaints (the last probes: likely still cached).
      const warmMs: number[] = [];
      for (const id of probeIds.filter(Boolean).slice(-Math.min(sampleSize, Math.floor(cache.maxCachedWorkflows / 2)))) {
        warmMs.push((await timed(() => client.workflow.getHandle(complaintWorkflowId(stack.tenant.tenantId, id)).query(stateQuery))).ms);
      }
      monitoring = false;
      await monitor;
      const to = performance.now();
      const q = summarize(queryMs);
      const act = summarize(actionMs);
      const warm = summarize(warmMs);
      const peakKb = stack.rss.peakKb('worker', from, to);
      // RSS at each step, and what the last step added (flat once the cache is full: evicted complaints cost nothing).
      const perStep = checkpoints.map((c, i) => ({
        open: c.open, rssMb: Math.round(c.rssKb / 1024), addedMb: Math.round((c.rssKb - (checkpoints[i - 1]?.rssKb ?? baseKb)) / 1024),
      }));
      if (errors.length) say(`scale: ${errors.length} error(s), e.g. ${errors.slice(0, 3).join(' | ')}`);
      const metrics: Metric[] = [
        { label: 'open complaints (API + bulk)', value: `${rows} rows, ${running ?? 'n/a'} running (${viaApi} API at ${apiRate.toFixed(1)}/s; ${bulk + timers} bulk: Temporal client start, ${bulkRate.toFixed(1)}/s)` },
        { label: 'worker cache (workflow tasks)', value: `${cache.maxCachedWorkflows}${cache.maxCachedWorkflows === DEFAULT_MAX_CACHED_WORKFLOWS && !process.env.WORKER_MAX_CACHED_WORKFLOWS ? ' (default)' : ''} (${cache.maxConcurrentWorkflowTaskExecutions})` },
        { label: `worker RSS per ${step} open`, value: perStep.length ? perStep.map((c) => `${c.open}: ${c.rssMb} MB (${c.addedMb >= 0 ? '+' : ''}${c.addedMb})`).join(', ') : 'n/a (fewer than one step)' },
        { label: 'worker RSS start / peak (goal ≤ 1024 MB)', value: `${mb(baseKb)} / ${mb(peakKb)} (creating ${mb(peakCreateKb)}, timers ${mb(peakTimersKb)})` },
        { label: 'timers fired - due p50/p99 (goal p99 ≤ 1 s)', value: `${lateness.p50.toFixed(0)} / ${lateness.p99.toFixed(0)} ms (max ${lateness.max.toFixed(0)}, n=${lateness.count} of ${timers}${lateProbes.size ? `, ${lateProbes.size} registered late: excluded` : ''})` },
        { label: `query, ${evicted ? 'evicted' : 'old'} complaints p50/p95/p99`, value: fmtLatency(q) },
        { label: 'query, recently active p50/p95/p99', value: fmtLatency(warm) },
        { label: `dispatch, ${evicted ? 'evicted' : 'old'} complaints p50/p95/p99`, value: fmtLatency(act) },
        { label: 'errors', value: String(errors.length) },
      ];
      return {
        id: 'scale',
        title: this.title,
        window: { from, to },
        metrics,
        data: {
          total, viaApi, bulk: bulk + timers, bulkPath: 'Temporal client workflow.start with the gateway\'s start input (no GraphQL, no intake Update wait)',
          apiPerSecond: apiRate, bulkRegisteredPerSecond: bulkRate, rows, running, cache,
          worker: { startKb: baseKb, peakKb, peakCreatingKb: peakCreateKb, peakTimersKb, checkpoints, perStep },
          timers: { count: timers, leadMs, latenessMs: lateness, notFired: timers - fired.length, excludedRegisteredLate: lateProbes.size },
          evictedSample: { evicted, size: sample.length, queryMs: q, dispatchMs: act, recentlyActiveQueryMs: warm },
          seconds: (to - from) / 1000, errors: errors.length, errorSamples: errors.slice(0, 10),
        },
      };
    } finally {
      await db.end();
      await connection.close();
    }
  },
};

function submitInput(stack: BenchStack, key: string, i: number, b: number): Record<string, unknown> {
  return {
    idempotencyKey: key, branchId: stack.tenant.branches[b].id, channel: 'PHONE', kind: 'COMPLAINT', category: 'PROPERTY_MANAGEMENT',
    description: `${TEXTS[i % TEXTS.length]} (#${i})`, location: `Building ${1 + (i % 9)}`, complainant: { name: '张女士', phone: '13800138000', unit: `${1 + (i % 9)}-${1000 + i}` },
  };
}

/** The start input the gateway gave the complaint submitted with `key`: read from its workflow's first event. */
async function startInputOf(client: TemporalClient, tenantId: string, key: string): Promise<ComplaintWorkflowInput> {
  const { COMPLAINT_ID_NAMESPACE } = await import('../../../apps/gateway/src/complaints/services/complaints.service');
  const id = complaintWorkflowId(tenantId, uuidV5(COMPLAINT_ID_NAMESPACE, `${tenantId}\u0000${key}`));
  const history = await client.workflow.getHandle(id).fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new Error(`no start input in the history of ${id}`);
  return defaultPayloadConverter.fromPayload<ComplaintWorkflowInput>(payload);
}

const signedMb = (kb: number): string => `${kb >= 0 ? '+' : '-'}${mb(Math.abs(kb))}`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `done` every second for at most `ms`; whether it came true. */
async function waitFor(done: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await done()) return true;
    await sleep(1000);
  }
  return done();
}
