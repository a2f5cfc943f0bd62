// `npm run soak`: the production shape under steady load while a chaos loop kill -9's a worker, a
// gateway or a Temporal service every 30–60 s and starts it again; then the books are balanced
// (accepted = rows = workflows, no duplicated timeline events, nothing stuck), intake recovery after
// each kill is measured, and deadline timers due during a 60 s stop of the whole Temporal cluster
// must fire within 30 s of its return. Prints a table, writes .data/soak-results.json, and exits
// non-zero when a check fails.
//
//   SOAK_MINUTES / --minutes N   load + chaos duration (default 10)
//   SOAK_RATE                    complaints per second (default 4); every other one gets staff actions
//   SOAK_SEED                    seeds the chaos loop (default: the clock; printed, to repeat a run)
//   SOAK_TIMERS                  complaints due during the cluster stop (default 100)
//   SOAK_KILL_MIN_S / _MAX_S, SOAK_DOWN_S, SOAK_CLUSTER_DOWN_S   the chaos timings (30 / 60 / 3 / 60)
//   SOAK_VERBOSE=1               echo the workers' and gateways' output
//   DATABASE_URL                 a PostgreSQL to use instead of the embedded one
import { randomBytes } from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { ChildService } from './infra/child-service';
import { Say, makeSay } from './infra/output';
import { WORKER_READY, waitForGateway } from './infra/services';
import { Supervisor, delegateToSupervisor } from './infra/supervisor';
import { waitUntilServing } from './infra/temporal-server';
import { DATA_DIR } from './runtime-config';
import { ChaosTarget, KillRecord, runChaos } from './soak/chaos';
import { timersAcrossClusterStop } from './soak/cluster-stop';
import { SoakConfig, seededRandom, soakConfig } from './soak/config';
import { SoakLoad } from './soak/load';
import { countIn, recoveryAfterKill } from './soak/recovery';
import { startSoakStack } from './soak/stack';
import { KillOutcome, SoakOutcome, TimerOutcome, renderTable, soakChecks } from './soak/verdicts';
import { reconcile } from './soak/verify';

const RESULTS_FILE = path.join(DATA_DIR, 'soak-results.json');
const STATUS_EVERY_MS = 30_000;
/** After the load stops: in-flight workflow tasks and visibility catch up before the books are checked. */
const SETTLE_MS = 10_000;
/** No kill closer to the end of the load than this: its recovery must be observable. */
const LAST_KILL_MARGIN_MS = 35_000;
const READY_TIMEOUT_MS = 180_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function soak(sup: Supervisor, say: Say, config: SoakConfig): Promise<void> {
  say(`soak: ${config.minutes} min at ${config.rate} complaints/s, a kill every ${config.killEvery.min}–${config.killEvery.max} s (SOAK_SEED=${config.seed}); load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const stack = await startSoakStack(sup, say);
  const stopping = (): boolean => sup.stopping;
  const run = randomBytes(3).toString('hex');
  const keyPrefix = `soak-${run}`;

  const exitedDuring = (s: ChildService): Promise<never> => s.exited.then(() => { throw new Error(`${s.name} exited again (${s.describeExit()})`); });
  const targets: ChaosTarget[] = [
    ...stack.replicas.map((r): ChaosTarget => ({ kind: 'worker', service: r.worker, ready: (s) => s.waitForLine(WORKER_READY, READY_TIMEOUT_MS) })),
    ...stack.replicas.map((r): ChaosTarget => ({ kind: 'gateway', service: r.gateway, ready: (s) => waitForGateway(r.graphqlUrl, s, sup) })),
    ...stack.temporal.processes.map((p): ChaosTarget => ({
      kind: 'temporal', service: p,
      // The frontend is ready when it serves the namespace; the others print nothing at warn level.
      ready: (s) => (s.name === 'temporal-frontend'
        ? Promise.race([waitUntilServing(stack.temporal.address, stack.temporal.namespace, READY_TIMEOUT_MS, () => undefined, () => s.exit !== undefined), exitedDuring(s)])
        : Promise.resolve()),
    })),
  ];

  const load = new SoakLoad(stack.graphqlUrls, stack.branches, keyPrefix, stopping);
  const loadStart = Date.now();
  const loadEnd = loadStart + config.minutes * 60_000;
  load.start(config.rate);
  say(`load started: ${config.rate} complaints/s over ${stack.graphqlUrls.length} gateways until ${new Date(loadEnd).toISOString().slice(11, 19)}`);
  let kills: KillRecord[] = [];
  const status = setInterval(() => {
    const now = Date.now();
    const s = load.stats;
    const recent = countIn(load.intakeAcceptedAt, now - STATUS_EVERY_MS, now) / (STATUS_EVERY_MS / 1000);
    say(`[${fmtElapsed(now - loadStart)}] intake ${s.intakeAccepted} accepted (${recent.toFixed(1)}/s last 30 s), ${s.intakeFailed} failed; staff actions ${s.staffAccepted} accepted, ${s.staffFailed} failed; ${s.inFlight} in flight; load average ${os.loadavg()[0].toFixed(2)}`);
  }, STATUS_EVERY_MS);
  const chaos = runChaos(targets, {
    random: seededRandom(config.seed), killEvery: config.killEvery, downSeconds: config.downSeconds,
    lastKillBy: loadEnd - LAST_KILL_MARGIN_MS, stopping, say,
  }).then((k) => (kills = k));
  const loadAverages: number[] = [];
  while (Date.now() < loadEnd && !stopping()) {
    await sleep(Math.min(5_000, loadEnd - Date.now()));
    loadAverages.push(os.loadavg()[0]);
  }
  load.stopArrivals();
  await chaos;
  say('load stopped; waiting for the mutations in flight to be answered or given up…');
  await load.drain();
  clearInterval(status);
  sup.checkpoint();
  await sleep(SETTLE_MS);

  say('balancing the books: rows, workflows, timeline events…');
  const rec = await reconcile({
    databaseUrl: stack.databaseUrl, temporalAddress: stack.temporal.address, namespace: stack.temporal.namespace, tenantId: stack.tenantId,
    keyPrefix, acceptedIntakeKeys: load.acceptedIntakeKeys, acceptedActions: load.acceptedActions,
  });
  for (const line of rec.samples) say(`  ${line}`);
  const killOutcomes: KillOutcome[] = kills.map((k, idx) => {
    const until = Math.min(kills[idx + 1]?.at ?? loadEnd, loadEnd);
    const r = recoveryAfterKill(load.intakeAcceptedAt, k.at, until);
    return {
      kind: k.kind, target: k.target, atSeconds: Math.round((k.at - loadStart) / 1000), downSeconds: (k.respawnedAt - k.at) / 1000,
      baselinePerSecond: r.baselinePerSecond, recoveredAfterMs: r.recoveredAfterMs,
    };
  });
  for (const k of killOutcomes) {
    say(`  kill of ${k.target} at +${k.atSeconds} s: baseline ${k.baselinePerSecond.toFixed(1)}/s, ${k.recoveredAfterMs === null ? 'did not recover' : `back to ≥ 90 % after ${(k.recoveredAfterMs / 1000).toFixed(1)} s`}`);
  }

  sup.checkpoint();
  let timers: TimerOutcome | undefined;
  try {
    timers = await timersAcrossClusterStop({
      urls: stack.graphqlUrls, branches: stack.branches, databaseUrl: stack.databaseUrl, temporal: stack.temporal,
      timers: config.timers, downSeconds: config.clusterDownSeconds, keyPrefix: `${keyPrefix}-timer`, say, stopping,
    });
  } catch (err) {
    say(`timers: the check failed: ${(err as Error).message}`);
  }

  const outcome: SoakOutcome = {
    minutes: config.minutes, rate: config.rate, seed: config.seed,
    intake: {
      accepted: load.acceptedIntakeKeys.size, failed: load.stats.intakeFailed, rows: rec.rows, workflows: rec.workflows,
      rowsWithoutWorkflow: rec.rowsWithoutWorkflow, workflowsWithoutRow: rec.workflowsWithoutRow, attempts: load.stats.intakeAttempts,
    },
    staff: {
      accepted: load.acceptedActions.size, failed: load.stats.staffFailed, applied: rec.appliedActions, appliedNotAccepted: rec.appliedNotAccepted,
      acceptedNotApplied: rec.acceptedNotApplied, duplicatedEvents: rec.duplicatedEvents, attempts: load.stats.staffAttempts,
    },
    kills: killOutcomes,
    timers,
  };
  const checks = soakChecks(outcome);
  const failed = checks.filter((c) => !c.pass).length;
  const meanLoad = loadAverages.length ? loadAverages.reduce((a, b) => a + b, 0) / loadAverages.length : os.loadavg()[0];
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  fs.writeFileSync(RESULTS_FILE, `${JSON.stringify({
    finishedAt: new Date().toISOString(), config, offeredIntakes: load.offered, outcome, checks, samples: rec.samples, failureSamples: load.failures.slice(0, 20),
    machine: { cpus: os.cpus().length, loadAverageDuringLoad: { mean: meanLoad, max: Math.max(0, ...loadAverages) } },
  }, null, 2)}\n`);
  const table = renderTable(checks);
  const summary = `soak: ${config.minutes} min, ${config.rate} complaints/s, SOAK_SEED=${config.seed}, ${os.cpus().length} CPUs, load average during the load ${meanLoad.toFixed(2)} (max ${Math.max(0, ...loadAverages).toFixed(2)}); intake ${load.stats.intakeAccepted} of ${load.offered} offered accepted; ${failed ? `${failed} check(s) FAILED` : 'all checks passed'}`;
  if (load.failures.length) say(`mutations never accepted, e.g.: ${load.failures.slice(0, 3).join(' | ')}`);
  // Not awaited: the shutdown waits for this (tracked) function to return first.
  void sup.shutdown(failed ? 1 : 0, 'soak finished', () => {
    process.stdout.write(`\n${table}\n${summary}\nresults: ${path.relative(process.cwd(), RESULTS_FILE)}\n`);
  });
}

function fmtElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function main(): void {
  let config: SoakConfig;
  try {
    config = soakConfig();
  } catch (err) {
    process.stderr.write(`soak: ${(err as Error).message}\n`);
    process.exit(2);
  }
  if (delegateToSupervisor(__filename)) return;
  const say = makeSay('soak');
  const sup = new Supervisor(say, { signalExitCode: 130 });
  sup.installSignalHandlers();
  sup.track(soak(sup, say, config));
}

if (require.main === module) main();
