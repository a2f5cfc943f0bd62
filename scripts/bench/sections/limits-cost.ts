// The cost of the query limits (issue 7) on a normal list query, `complaints(first: 20)`:
// (1) in process, graphql-js validation of the query with the standard rules alone and with the
//     gateway's limit rules added (depth, aliases, directives, cost) — the work the limits add to
//     every request, without network noise;
// (2) over HTTP, the list latency on the bench gateway (limits on, rate limits raised for the bench).
//
//   BENCH_LIMITS_ITERATIONS (2000)   validations per variant
//   BENCH_LIST_QUERIES              list queries over HTTP (shared with the list section)
//
// GatewayConfig has no switch that turns the limits off, so the HTTP figure has no "off" twin; the
// validation figure is the limits' own share of it.
import { GraphQLSchema, parse, specifiedRules, validate } from 'graphql';
import { DEFAULT_LIMITS, limitValidationRules } from '../../../apps/gateway/src/common/limits';
import { fmtLatency, intFromEnv, runPool, summarize, timed } from '../stats';
import type { BenchSection } from '../types';
import { LIST } from './intake';

function validationMicros(schema: GraphQLSchema, rules: typeof specifiedRules, n: number): number[] {
  const doc = parse(LIST);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const errors = validate(schema, doc, rules);
    out.push((performance.now() - t0) * 1000);
    if (errors.length) throw new Error(`the list query does not validate: ${errors[0].message}`);
  }
  return out;
}

export const limitsCostSection: BenchSection = {
  id: 'limits',
  title: 'Cost of the query limits on complaints(first: 20)',
  needsStack: true,
  async run({ stack, config, say, stopping }) {
    if (!stack) throw new Error('limits needs the stack');
    const n = intFromEnv('BENCH_LIMITS_ITERATIONS', 2000);
    say(`limits: ${n} validations of complaints(first: 20) without and with the limit rules…`);
    // The gateway's schema, generated code-first as the gateway does (no server, no database).
    const { generateSchema } = await import('../../../apps/gateway/src/schema/schema.factory');
    const schema = await generateSchema();
    const withLimits = [...specifiedRules, ...limitValidationRules(DEFAULT_LIMITS, false)];
    // Warm-up both, then measure alternately so JIT and GC affect both alike.
    validationMicros(schema, specifiedRules, 200);
    validationMicros(schema, withLimits, 200);
    const off: number[] = [];
    const on: number[] = [];
    for (let i = 0; i < 10; i++) {
      off.push(...validationMicros(schema, specifiedRules, Math.ceil(n / 10)));
      on.push(...validationMicros(schema, withLimits, Math.ceil(n / 10)));
    }
    const offS = summarize(off);
    const onS = summarize(on);

    const q = config.listQueries;
    const c = config.concurrency;
    say(`limits: ${q} complaints(first: 20) over HTTP with the limits on (${c} clients)…`);
    const ms: number[] = [];
    const errors: string[] = [];
    const from = performance.now();
    await runPool(q, c, async () => {
      if (stopping()) return;
      try {
        ms.push((await timed(() => stack.gql(LIST, {}, stack.tenant.tokens.headOffice))).ms);
      } catch (err) {
        errors.push((err as Error).message);
      }
    });
    const to = performance.now();
    const http = summarize(ms);
    const us = (x: number): string => `${x.toFixed(0)} µs`;
    return {
      id: 'limits',
      title: this.title,
      window: { from, to },
      metrics: [
        { label: 'validation, standard rules p50/p99', value: `${us(offS.p50)} / ${us(offS.p99)}` },
        { label: 'validation, + limit rules p50/p99', value: `${us(onS.p50)} / ${us(onS.p99)}` },
        { label: 'limits add per request (p50)', value: `${us(onS.p50 - offS.p50)} (${((onS.p50 / offS.p50 - 1) * 100).toFixed(0)} % of validation)` },
        { label: 'HTTP list, limits on p50/p95/p99', value: fmtLatency(http) },
        { label: 'limits share of HTTP p50', value: `${(((onS.p50 - offS.p50) / 1000 / http.p50) * 100).toFixed(2)} %` },
        { label: 'errors', value: String(errors.length) },
      ],
      data: {
        iterations: n, validationMicrosStandard: offS, validationMicrosWithLimits: onS, httpListMs: http,
        errors: errors.length, errorSamples: errors.slice(0, 10),
      },
    };
  },
};
