// List queries: `complaints(first: 20)` as the head office, Q queries from C concurrent clients,
// once intake has filled the tenant.
import { fmtLatency, runPool, summarize, timed } from '../stats';
import type { BenchSection } from '../types';
import { LIST } from './intake';

export const listSection: BenchSection = {
  id: 'list',
  title: 'Reads: complaints(first: 20)',
  needsStack: true,
  async run({ stack, config, say, stopping }) {
    if (!stack) throw new Error('list needs the stack');
    const { listQueries: q, concurrency: c } = config;
    say(`list: ${q} complaints(first: 20) queries from ${c} concurrent clients…`);
    const ms: number[] = [];
    const errors: string[] = [];
    let totalCount = 0;
    const from = performance.now();
    const wallMs = await runPool(q, c, async () => {
      if (stopping()) return;
      try {
        const r = await timed(() => stack.gql<{ complaints: { totalCount: number; edges: unknown[] } }>(LIST, {}, stack.tenant.tokens.headOffice));
        totalCount = r.value.complaints.totalCount;
        if (r.value.complaints.edges.length !== Math.min(20, totalCount)) throw new Error(`got ${r.value.complaints.edges.length} edges of ${totalCount}`);
        ms.push(r.ms);
      } catch (err) {
        errors.push((err as Error).message);
      }
    });
    const to = performance.now();
    if (stopping()) throw new Error('interrupted');
    const lat = summarize(ms);
    const qps = (ms.length / wallMs) * 1000;
    if (errors.length) say(`list: ${errors.length} error(s), e.g. ${errors.slice(0, 3).join(' | ')}`);
    return {
      id: 'list',
      title: this.title,
      window: { from, to },
      metrics: [
        { label: 'queries (clients)', value: `${q} (${c}) over ${totalCount} complaints` },
        { label: 'throughput', value: `${qps.toFixed(1)} queries/s  (${(wallMs / 1000).toFixed(1)} s)` },
        { label: 'complaints(first: 20) p50/p95/p99', value: fmtLatency(lat) },
        { label: 'errors', value: String(errors.length) },
      ],
      data: { queries: q, concurrency: c, complaintsInTenant: totalCount, wallSeconds: Math.round(wallMs) / 1000, queriesPerSecond: qps, latencyMs: lat, errors: errors.length, errorSamples: errors.slice(0, 10) },
    };
  },
};
