// npm run bench — performance of the real stack on this machine, in a scratch database.
//
//   BENCH_COMPLAINTS (300)   complaints submitted in the intake section
//   BENCH_CONCURRENCY (16)   concurrent GraphQL clients
//   BENCH_LIST_QUERIES (300) complaints(first: 20) queries in the list section
//   BENCH_LIST_SMALL / BENCH_LIST_LARGE (10000 / 1000000, 0 skips) / BENCH_LIST_SCALE_QUERIES (4000)   the list at two tenant sizes, see sections/list.ts
//   BENCH_PROFILE (dev)      dev: Temporal's dev server; cluster: its services on PostgreSQL (npm run
//                            start:cluster's shape); dev,cluster: both, one after the other, side by side
//   BENCH_VERBOSE=1          echo the worker's and gateway's own output
//   BENCH_NOISY_* / BENCH_LIMITS_ITERATIONS   see sections/noisy-neighbour.ts, sections/limits-cost.ts
//   BENCH_WORK_ORDERS (1000)  work orders issued and completed in the work-orders section
//   BENCH_TEXT_SIZE (1000000) / BENCH_TEXT_QUERIES (300) / …   Chinese text search over a tenant of that size, see sections/text.ts
//   npm run bench -- --only intake,memory    run some sections only
//   npm run bench -- --only scale            100,000 open complaints on one worker (BENCH_SCALE*, see sections/scale.ts; not in the default run)
//
// Starts its own stack (scripts/bench/stack.ts), runs the sections of scripts/bench/sections/ in
// order, prints a table and writes .data/bench-results.json, then stops everything and drops its
// database. Exit code 1 when a section saw errors.
import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { SECTIONS } from './bench/sections';
import { BenchProfile, benchProfiles, startBenchStack } from './bench/stack';
import { intFromEnv } from './bench/stats';
import type { BenchConfig, BenchContext, SectionResult } from './bench/types';
import { DATA_DIR } from './runtime-config';
import { Say, makeSay, paint } from './infra/output';
import { STOP_ORDER, SUPERVISED_ENV, Supervisor, delegateToSupervisor } from './infra/supervisor';

export const RESULTS_FILE = process.env.BENCH_RESULTS_FILE || path.join(DATA_DIR, 'bench-results.json');

function selectedSections(argv: string[]): typeof SECTIONS {
  const i = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
  if (i < 0) return SECTIONS.filter((s) => !s.optIn);
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

interface BenchOutcome { code: number; reason: string; finalWords: () => void }

/** The metrics of each profile's results file, side by side: one row per section and metric. */
export function sideBySide(profiles: { profile: string; sections: Record<string, { metrics?: { label: string; value: string }[] }> }[]): string {
  const rows: { id: string; label: string; values: string[] }[] = [];
  profiles.forEach(({ sections }, p) => {
    for (const [id, section] of Object.entries(sections)) {
      for (const m of section.metrics ?? []) {
        let row = rows.find((r) => r.id === id && r.label === m.label);
        if (!row) rows.push((row = { id, label: m.label, values: profiles.map(() => '—') }));
        row.values[p] = m.value;
      }
    }
  });
  const w0 = Math.max(7, ...rows.map((r) => r.id.length));
  const w1 = Math.max(6, ...rows.map((r) => r.label.length));
  const out = [`  ${'section'.padEnd(w0)}  ${'metric'.padEnd(w1)}  ${profiles.map((p) => p.profile).join('  ‖  ')}`];
  let last = '';
  for (const r of rows) {
    out.push(`  ${(r.id === last ? '' : r.id).padEnd(w0)}  ${r.label.padEnd(w1)}  ${r.values.join('  ‖  ')}`);
    last = r.id;
  }
  return out.join('\n');
}

/** BENCH_PROFILE=dev,cluster: the bench once per profile (a child process each, in turn), then both side by side. */
async function benchProfilesInTurn(sup: Supervisor, say: Say, profiles: BenchProfile[]): Promise<BenchOutcome> {
  const started = Date.now();
  const done: { profile: string; file: string; code: number | null }[] = [];
  for (const profile of profiles) {
    sup.checkpoint();
    const file = path.join(DATA_DIR, `bench-results-${profile}.json`);
    fs.rmSync(file, { force: true });
    say(`profile ${profile}: running the bench…`);
    const env: NodeJS.ProcessEnv = { ...process.env, BENCH_PROFILE: profile, BENCH_RESULTS_FILE: file };
    delete env[SUPERVISED_ENV];
    const child = spawn(process.execPath, [path.join(__dirname, 'run-ts.js'), __filename, ...process.argv.slice(2)], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    sup.onStop(STOP_ORDER.gateway - 2, `bench of profile ${profile}`, async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    done.push({ profile, file, code });
  }
  const read = done.map((d) => ({ profile: d.profile, ...(fs.existsSync(d.file) ? JSON.parse(fs.readFileSync(d.file, 'utf8')) : { sections: {} }) }));
  fs.writeFileSync(RESULTS_FILE, `${JSON.stringify({ startedAt: new Date(started).toISOString(), profiles: read }, null, 2)}\n`);
  const failed = done.filter((d) => d.code !== 0);
  return {
    code: failed.length ? 1 : 0,
    reason: `bench of ${profiles.join(' and ')} finished in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    finalWords: () => {
      process.stdout.write(`\n${paint('Bench results by profile', 'green')} (${path.relative(process.cwd(), RESULTS_FILE)})\n${sideBySide(read)}\n`);
      if (failed.length) process.stdout.write(paint(`errors in profile(s): ${failed.map((f) => f.profile).join(', ')}\n`, 'red'));
    },
  };
}

async function bench(sup: Supervisor, say: Say): Promise<BenchOutcome> {
  const profiles = benchProfiles();
  if (profiles.length > 1) return benchProfilesInTurn(sup, say, profiles);
  const started = Date.now();
  const sections = selectedSections(process.argv.slice(2));
  const config: BenchConfig = {
    complaints: intFromEnv('BENCH_COMPLAINTS', 300),
    concurrency: intFromEnv('BENCH_CONCURRENCY', 16),
    listQueries: intFromEnv('BENCH_LIST_QUERIES', 300),
  };
  say(`profile ${profiles[0]}; sections: ${sections.map((s) => s.id).join(', ')}; ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`);
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
    profile: profiles[0],
    temporal: ctx.stack ? { address: ctx.stack.temporalAddress, taskQueue: ctx.stack.taskQueue } : undefined,
    sections: Object.fromEntries(ctx.results.map((r) => [r.id, { title: r.title, metrics: r.metrics, ...r.data }])),
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
