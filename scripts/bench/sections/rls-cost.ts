// The cost of row-level security on `complaints(first: 20)`: the bench gateway (the application
// role, every query in a tenant transaction under RLS) against a second gateway on the same database
// connected as the owner, whom RLS does not apply to (ALLOW_RLS_BYPASS=1). Same code, same data, the
// two interleaved in rounds so drift hits both; the figure is the ratio (goal ≤ 1.1×).
import { fmtLatency, runPool, summarize, timed } from '../stats';
import type { BenchSection } from '../types';
import { LIST } from './intake';

const ROUNDS = 4;

export const rlsCostSection: BenchSection = {
  id: 'rls',
  title: 'Row-level security: complaints(first: 20) with RLS vs a role that bypasses it',
  needsStack: true,
  async run({ stack, config, say, stopping }) {
    if (!stack) throw new Error('rls needs the stack');
    const bypassUrl = await stack.extraGateway({ DATABASE_URL: stack.databaseUrl, ALLOW_RLS_BYPASS: '1' });
    const { listQueries: q, concurrency: c } = config;
    const perRound = Math.max(1, Math.ceil(q / ROUNDS));
    say(`rls: ${ROUNDS} rounds of ${perRound} list queries each way (${c} concurrent clients), RLS and bypass interleaved…`);
    const token = stack.tenant.tokens.headOffice;
    const runs = { rls: { ms: [] as number[], wall: 0 }, bypass: { ms: [] as number[], wall: 0 } };
    const totals = new Set<number>();
    const from = performance.now();
    // Warm both (JIT, pools, plans) before measuring.
    await runPool(c, c, () => stack.gql(LIST, {}, token).then(() => undefined));
    await runPool(c, c, () => graphqlAt(bypassUrl, token).then(() => undefined));
    for (let round = 0; round < ROUNDS && !stopping(); round++) {
      for (const which of (round % 2 === 0 ? ['rls', 'bypass'] : ['bypass', 'rls']) as ('rls' | 'bypass')[]) {
        runs[which].wall += await runPool(perRound, c, async () => {
          const r = await timed(() => (which === 'rls' ? stack.gql<ListAnswer>(LIST, {}, token) : graphqlAt(bypassUrl, token)));
          totals.add(r.value.complaints.totalCount);
          runs[which].ms.push(r.ms);
        });
      }
    }
    const to = performance.now();
    if (stopping()) throw new Error('interrupted');
    // Both must have seen the same tenant's complaints: RLS hides other tenants, not this one's.
    if (totals.size !== 1) throw new Error(`the two gateways saw different totals: ${[...totals].join(', ')}`);
    const rls = summarize(runs.rls.ms);
    const bypass = summarize(runs.bypass.ms);
    const qps = (r: { ms: number[]; wall: number }): number => (r.ms.length / r.wall) * 1000;
    const ratio = { p50: rls.p50 / bypass.p50, p99: rls.p99 / bypass.p99, throughput: qps(runs.bypass) / qps(runs.rls) };
    return {
      id: 'rls',
      title: this.title,
      window: { from, to },
      metrics: [
        { label: 'complaints in tenant', value: String([...totals][0]) },
        { label: 'with RLS (application role)', value: `${qps(runs.rls).toFixed(1)} queries/s, ${fmtLatency(rls)}` },
        { label: 'bypassing RLS (owner)', value: `${qps(runs.bypass).toFixed(1)} queries/s, ${fmtLatency(bypass)}` },
        { label: 'cost of RLS (×, goal ≤ 1.1)', value: `p50 ${ratio.p50.toFixed(2)}×, p99 ${ratio.p99.toFixed(2)}×, throughput ${ratio.throughput.toFixed(2)}×` },
      ],
      data: { rounds: ROUNDS, queriesEachWay: runs.rls.ms.length, concurrency: c, rls: { queriesPerSecond: qps(runs.rls), latencyMs: rls }, bypass: { queriesPerSecond: qps(runs.bypass), latencyMs: bypass }, ratio },
    };
  },
};

interface ListAnswer {
  complaints: { totalCount: number; edges: unknown[] };
}

async function graphqlAt(url: string, token: string): Promise<ListAnswer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: LIST }),
  });
  const body = (await res.json()) as { data?: ListAnswer; errors?: { message: string }[] };
  if (!body.data) throw new Error(`bypass gateway: ${body.errors?.[0]?.message ?? res.status}`);
  return body.data;
}
