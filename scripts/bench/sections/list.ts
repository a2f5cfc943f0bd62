// List queries: `complaints(first: 20)` as the head office.
//
// 1. Q queries from C concurrent clients over the bench tenant, once intake has filled it (empty
//    with `--only list`).
// 2. The same list over a tenant of its own at BENCH_LIST_SMALL (10,000) and then BENCH_LIST_LARGE
//    (1,000,000) complaints, generated straight into the database by the reports bench's generator
//    (which also writes the report facts), and the p99 ratio large / small (goal ≤ 1.5; the goal at
//    each size is ≥ 2,000 queries/s and p99 ≤ 30 ms). BENCH_LIST_LARGE=0 skips this part.
//
//   BENCH_LIST_QUERIES (300)          queries of part 1
//   BENCH_LIST_SCALE_QUERIES (4000)   measured queries at each size of part 2 (after an eighth as many warm-up, at most 500)
import { Client } from 'pg';
import { signToken } from '../../../apps/gateway/src/auth/jwt.util';
import { fmtLatency, intFromEnv, runPool, summarize, timed, type LatencySummary } from '../stats';
import { provisionTenant } from '../stack';
import type { BenchSection, BenchStack, Metric } from '../types';
import { LIST } from './intake';
import { generateReportData, growOrganisation } from './reports';

const GOAL_QPS = 2000;
const GOAL_P99_MS = 30;
const GOAL_RATIO = 1.5;

interface ListRun {
  lat: LatencySummary;
  qps: number;
  wallMs: number;
  totalCount: number;
  errors: string[];
}

type ListResult = { complaints: { totalCount: number; edges: unknown[] } };

async function measureList(stack: BenchStack, token: string, q: number, c: number, stopping: () => boolean): Promise<ListRun> {
  const ms: number[] = [];
  const errors: string[] = [];
  let totalCount = 0;
  const wallMs = await runPool(q, c, async () => {
    if (stopping()) return;
    try {
      const r = await timed(() => stack.gql<ListResult>(LIST, {}, token));
      totalCount = r.value.complaints.totalCount;
      if (r.value.complaints.edges.length !== Math.min(20, totalCount)) throw new Error(`got ${r.value.complaints.edges.length} edges of ${totalCount}`);
      ms.push(r.ms);
    } catch (err) {
      errors.push((err as Error).message);
    }
  });
  return { lat: summarize(ms), qps: (ms.length / wallMs) * 1000, wallMs, totalCount, errors };
}

const verdict = (r: ListRun): string => (r.qps >= GOAL_QPS && r.lat.p99 <= GOAL_P99_MS ? 'PASS' : 'MISS');

export const listSection: BenchSection = {
  id: 'list',
  title: 'Reads: complaints(first: 20)',
  needsStack: true,
  async run({ stack, config, say, stopping }) {
    if (!stack) throw new Error('list needs the stack');
    const { listQueries: q, concurrency: c } = config;
    say(`list: ${q} complaints(first: 20) queries from ${c} concurrent clients…`);
    const from = performance.now();
    const base = await measureList(stack, stack.tenant.tokens.headOffice, q, c, stopping);
    if (stopping()) throw new Error('interrupted');
    const errors = [...base.errors];
    if (base.errors.length) say(`list: ${base.errors.length} error(s), e.g. ${base.errors.slice(0, 3).join(' | ')}`);
    const metrics: Metric[] = [
      { label: 'queries (clients)', value: `${q} (${c}) over ${base.totalCount} complaints` },
      { label: 'throughput', value: `${base.qps.toFixed(1)} queries/s  (${(base.wallMs / 1000).toFixed(1)} s)` },
      { label: 'complaints(first: 20) p50/p95/p99', value: fmtLatency(base.lat) },
    ];
    const data: Record<string, unknown> = {
      queries: q, concurrency: c, complaintsInTenant: base.totalCount, wallSeconds: Math.round(base.wallMs) / 1000, queriesPerSecond: base.qps, latencyMs: base.lat,
    };

    const large = intFromEnv('BENCH_LIST_LARGE', 1_000_000, 0);
    const small = Math.min(intFromEnv('BENCH_LIST_SMALL', 10_000), large);
    if (large > 0) {
      const sq = intFromEnv('BENCH_LIST_SCALE_QUERIES', 4000);
      const warmup = Math.min(500, Math.ceil(sq / 8));
      // A tenant of its own, so neither intake's complaints nor the reports bench's million are counted.
      const tenant = await provisionTenant(stack.gql, stack.jwtSecret);
      const scaled: BenchStack = { ...stack, tenant, token: (userId) => signToken({ sub: userId, tid: tenant.tenantId }, stack.jwtSecret) };
      const db = new Client({ connectionString: stack.databaseUrl });
      await db.connect();
      const runs: { size: number; run: ListRun; generatedSeconds: number }[] = [];
      try {
        const { org } = await growOrganisation(scaled, db);
        let have = 0;
        for (const size of [...new Set([small, large])]) {
          if (stopping()) throw new Error('interrupted');
          const gen = size > have ? await generateReportData(db, org, size - have, new Date(), say) : { seconds: 0 };
          have = size;
          say(`list: ${size.toLocaleString('en')} complaints in the tenant; ${warmup} warm-up then ${sq} queries from ${c} clients…`);
          await measureList(stack, tenant.tokens.headOffice, warmup, c, stopping);
          const run = await measureList(stack, tenant.tokens.headOffice, sq, c, stopping);
          errors.push(...run.errors);
          if (run.totalCount < size * 0.9 || run.totalCount > size * 1.1) errors.push(`totalCount ${run.totalCount} is not within 10 % of ${size}`);
          say(`list at ${size.toLocaleString('en')}: ${run.qps.toFixed(0)} queries/s, ${fmtLatency(run.lat)}, totalCount ${run.totalCount} → ${verdict(run)}`);
          runs.push({ size, run, generatedSeconds: gen.seconds });
        }
      } finally {
        await db.end();
      }
      const [s, l] = runs;
      const ratio = l ? l.run.lat.p99 / s.run.lat.p99 : NaN;
      for (const { size, run } of runs) {
        metrics.push({ label: `${size.toLocaleString('en')} complaints: throughput`, value: `${run.qps.toFixed(1)} queries/s (goal ≥ ${GOAL_QPS})  ${verdict(run)}` });
        metrics.push({ label: `${size.toLocaleString('en')} complaints: p50/p95/p99`, value: `${fmtLatency(run.lat)} (goal p99 ≤ ${GOAL_P99_MS} ms); totalCount ${run.totalCount}` });
      }
      if (l) metrics.push({ label: `p99 ${large.toLocaleString('en')} / ${small.toLocaleString('en')}`, value: `${ratio.toFixed(2)}× (goal ≤ ${GOAL_RATIO}×)  ${ratio <= GOAL_RATIO ? 'PASS' : 'MISS'}` });
      data.scale = {
        queries: sq, warmup, concurrency: c, p99Ratio: l ? ratio : null,
        runs: runs.map(({ size, run, generatedSeconds }) => ({ complaints: size, totalCount: run.totalCount, queriesPerSecond: run.qps, latencyMs: run.lat, generatedSeconds })),
      };
    }
    const to = performance.now();
    metrics.push({ label: 'errors', value: String(errors.length) });
    if (errors.length) say(`list: ${errors.length} error(s), e.g. ${errors.slice(0, 3).join(' | ')}`);
    return { id: 'list', title: this.title, window: { from, to }, metrics, data: { ...data, errors: errors.length, errorSamples: errors.slice(0, 10) } };
  },
};
