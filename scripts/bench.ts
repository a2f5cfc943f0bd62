// npm run bench — performance of the real stack on this machine, in a scratch database.
//
//   BENCH_COMPLAINTS (300)   complaints submitted in the intake section
//   BENCH_CONCURRENCY (16)   concurrent GraphQL clients
//   BENCH_LIST_QUERIES (300) complaints(first: 20) queries in the list section
//   BENCH_LIST_SMALL / BENCH_LIST_LARGE (10000 / 1000000, 0 skips) / BENCH_LIST_SCALE_QUERIES (4000)   the list at two tenant sizes, see sections/list.ts
//   BENCH_VERBOSE=1          echo the worker's and gateway's own output
//   BENCH_NOISY_* / BENCH_LIMITS_ITERATIONS   see sections/noisy-neighbour.ts, sections/limits-cost.ts
//   BENCH_WORK_ORDERS (1000)  work orders issued and completed in the work-orders section
//   npm run bench -- --only intake,memory    run some sections only
//
// Starts its own stack (scripts/bench/stack.ts), runs the sections of scripts/bench/sections/ in
// order, prints a table and writes .data/bench-results.json, then stops everything and drops its
// database. Exit code 1 when a section saw errors.
import fs from 'fs';
import os from 'os';
import path from 'path';
import { SECTIONS } from './bench/sections';
import { startBenchStack } from './bench/stack';
import { intFromEnv } from './bench/stats';
import type { BenchConfig, BenchContext, SectionResult } from './bench/types';
import { DATA_DIR } from './runtime-config';
import { Say, makeSay, paint } from './infra/output';
import { STOP_ORDER, Supervisor, delegateToSupervisor } from './infra/supervisor';

export const RESULTS_FILE = path.join(DATA_DIR, 'bench-results.json');

function selectedSections(argv: string[]): typeof SECTIONS {
  const i = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
  if (i < 0) return SECTIONS;
  const list = (argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = list.filter((id) => !SECTIONS.some((s) => s.id === id));
  if (unknown.length || !list.length) throw new Error(`--only: unknown section(s) ${unknown.join(', ') || '(none given)'}; sections: ${SECTIONS.map((s) => s.id).join(', ')}`);
  return SECTIONS.filter((s) => list.includes(s.id));
}

function table(results: SectionResult[]): string {
  const w0 = Math.max(7, ...results.map((r) => r.id.length));
  const w1 = Math.max(6, ...results.flatMap((r) => r.metrics.map((m) => m.label.length)));
  const line = (a: string, b: string, c: string): string => `  ${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`;
  const rule = `  ${'─'.repeat(w0 + w1 + 50)}`;
  const out = [rule, line('section', 'metric', 'value'), rule];
  results.forEach((r, i) => {
    if (i > 0) out.push('');
    r.metrics.forEach((m, j) => out.push(line(j === 0 ? r.id : '', m.label, m.value)));
  });
  out.push(rule);
  return out.join('\n');
}

async function bench(sup: Supervisor, say: Say): Promise<{ code: number; reason: string; finalWords: () => void }> {
  const started = Date.now();
  const sections = selectedSections(process.argv.slice(2));
  const config: BenchConfig = {
    complaints: intFromEnv('BENCH_COMPLAINTS', 300),
    concurrency: intFromEnv('BENCH_CONCURRENCY', 16),
    listQueries: intFromEnv('BENCH_LIST_QUERIES', 300),
  };
  say(`sections: ${sections.map((s) => s.id).join(', ')}; ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`);
  const ctx: BenchContext = { say, config, results: [], stopping: () => sup.stopping };
  if (sections.some((s) => s.needsStack)) {
    // Our keep-alive connections that were busy when the gateway began closing would hold its
    // close open (Fastify keeps them for keepAliveTimeout, 72 s): drop them first.
    sup.onStop(STOP_ORDER.gateway - 1, 'bench HTTP connections', async () => {
      const dispatcher = (globalThis as Record<symbol, { destroy?: () => Promise<void> } | undefined>)[Symbol.for('undici.globalDispatcher.1')];
      await dispatcher?.destroy?.().catch(() => undefined);
    });
    // The per-minute rate limits would throttle the bench's own load (one user submits hundreds of
    // complaints); per-tenant concurrency limits stay on, as fair sharing is what `noisy` measures.
    process.env.RATE_LIMIT_USER_PER_MIN ??= '1000000';
    process.env.RATE_LIMIT_TENANT_PER_MIN ??= '1000000';
    // Likewise the per-tenant write budget: intake and timers measure the engine's capacity for one
    // tenant. (`noisy` runs its own gateway with the product's default budget.)
    process.env.TENANT_WRITES_PER_SEC ??= '1000000';
    // And the per-tenant concurrency (8): the bench's 16 clients are all one tenant.
    process.env.TENANT_CONCURRENCY ??= '64';
    say('starting the bench stack (own Temporal, scratch database, worker + gateway as child processes)…');
    ctx.stack = await startBenchStack(sup, say);
  }
  for (const section of sections) {
    sup.checkpoint();
    ctx.results.push(await section.run(ctx));
  }
  ctx.stack?.rss.stop();

  const report = {
    startedAt: new Date(started).toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 100) / 10,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, totalMemoryMiB: Math.round(os.totalmem() / 2 ** 20), node: process.version, platform: `${os.platform()} ${os.release()}` },
    config,
    temporal: ctx.stack ? { address: ctx.stack.temporalAddress, taskQueue: ctx.stack.taskQueue } : undefined,
    sections: Object.fromEntries(ctx.results.map((r) => [r.id, { title: r.title, ...r.data }])),
  };
  fs.mkdirSync(DATA_DIR, { recursive: true });
  fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
  const failed = ctx.results.filter((r) => Number(r.data.errors ?? 0) > 0).map((r) => r.id);
  const text = table(ctx.results);
  return {
    code: failed.length ? 1 : 0,
    reason: `bench finished in ${report.durationSeconds.toFixed(0)} s`,
    finalWords: () => {
      process.stdout.write(`\n${paint('Bench results', 'green')} (${path.relative(process.cwd(), RESULTS_FILE)})\n${text}\n`);
      if (failed.length) process.stdout.write(paint(`errors in: ${failed.join(', ')}\n`, 'red'));
    },
  };
}

function main(): void {
  if (delegateToSupervisor(__filename)) return;
  const say = makeSay('bench', 'green');
  const sup = new Supervisor(say, { signalExitCode: 130 });
  sup.installSignalHandlers();
  const run = bench(sup, say);
  sup.track(run);
  // Shut down only once the run has settled: shutdown() waits for the tracked start-up.
  run.then((r) => sup.shutdown(r.code, r.reason, r.finalWords), () => undefined);
}

if (require.main === module) main();
