// A service run as a child process of `npm start` or the bench: its output prefixed with
// `[name]` and its last lines remembered (for the error message when it dies), a readiness wait on
// a printed line, and a stop with SIGTERM, then SIGKILL after a grace period. A watchdog kills it
// if we die without stopping it (see killWhenParentDies).
import { ChildProcess, spawn } from 'child_process';
import path from 'path';
import { ROOT } from '../runtime-config';
import { Color, paint } from './output';
import { killWhenParentDies } from './process-utils';

/** Runs a .ts entry point without a build step. */
export const RUN_TS = path.join(ROOT, 'scripts', 'run-ts.js');

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Where echoed lines go (default process.stdout / process.stderr). */
export interface LineSink {
  write(text: string): unknown;
}

export interface ChildServiceOptions {
  name: string;
  /** A .ts entry point relative to the repo root, run with scripts/run-ts.js … */
  entry?: string;
  /** Node's own options for an `entry` (e.g. its heap limit), before the entry. */
  execArgv?: string[];
  /** … or the arguments to give `node` as they are (e.g. `['-e', '…']`) … */
  nodeArgs?: string[];
  /** … or another program (e.g. a Temporal server service). */
  program?: { file: string; args: string[] };
  env: NodeJS.ProcessEnv;
  color?: Color;
  /** Print the child's output prefixed with `[name]` (default true). */
  echo?: boolean;
  output?: { stdout: LineSink; stderr: LineSink };
  /** Called when the child exits without stop() having been called. */
  onUnexpectedExit?: (service: ChildService, exit: ExitInfo) => void;
}

const KEPT_LINES = 40;

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
  /** The process respawn() started in this one's place (the soak's restarts). */
  private successor: ChildService | undefined;

  constructor(private readonly opts: ChildServiceOptions) {
    this.name = opts.name;
    const entryArgs = opts.entry ? [RUN_TS, opts.entry] : undefined;
    // SERVICE_CPU_PROF_DIR: each service writes a V8 CPU profile there when it stops (profiling the bench).
    const profile = entryArgs && process.env.SERVICE_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SERVICE_CPU_PROF_DIR}`] : [];
    const args = opts.program?.args ?? opts.nodeArgs ?? (entryArgs ? [...(opts.execArgv ?? []), ...profile, ...entryArgs] : undefined);
    if (!args) throw new Error(`${opts.name}: give an entry, nodeArgs or a program`);
    const prefix = `${paint(`[${opts.name}]`, opts.color ?? 'magenta')} `;
    this.child = spawn(opts.program?.file ?? process.execPath, args, { cwd: ROOT, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.on('error', () => undefined); // reported through the exit below
    if (this.child.pid === undefined) throw new Error(`could not start the ${opts.name}`);
    this.pid = this.child.pid;
    // If we are SIGKILLed, the child must not live on.
    this.disarmWatchdog = killWhenParentDies(this.pid, 'SIGTERM', 15_000);
    const out = opts.output ?? { stdout: process.stdout, stderr: process.stderr };
    const attach = (stream: NodeJS.ReadableStream | null, sink: LineSink): void => {
      const echoTo = opts.echo === false ? undefined : sink;
      let partial = '';
      stream?.on('data', (chunk: Buffer) => {
        const parts = (partial + chunk.toString('utf8')).split(/\r?\n/);
        partial = parts.pop() ?? '';
        for (const line of parts) this.line(line, echoTo, prefix);
      });
      stream?.on('end', () => {
        if (partial) this.line(partial, echoTo, prefix);
        partial = '';
      });
    };
    attach(this.child.stdout, out.stdout);
    attach(this.child.stderr, out.stderr);
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

  /**
   * A deliberate kill (e.g. SIGKILL by a chaos test): the exit that follows is not reported as
   * unexpected. Resolves once the process has exited.
   */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<ExitInfo> {
    this.stopRequested = true;
    if (!this.exit) this.child.kill(signal);
    return this.exited;
  }

  /**
   * Starts the same command again (same arguments, environment and so ports) once this process has
   * exited; the new one inherits the options, onUnexpectedExit included. latest() follows the chain.
   */
  respawn(): ChildService {
    if (!this.exit) throw new Error(`${this.name} (pid ${this.pid}) is still running: kill it before respawning`);
    if (this.successor) throw new Error(`${this.name} (pid ${this.pid}) was already respawned as pid ${this.successor.pid}`);
    this.successor = new ChildService(this.opts);
    return this.successor;
  }

  /** This process, or the last one respawned in its place. */
  latest(): ChildService {
    let s: ChildService = this;
    while (s.successor) s = s.successor;
    return s;
  }

  /** SIGTERM, then SIGKILL if it is still running after `graceMs`. */
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

  private line(line: string, out: LineSink | undefined, prefix: string): void {
    if (!line.trim()) return;
    this.lines.push(line);
    if (this.lines.length > KEPT_LINES) this.lines.shift();
    if (out) out.write(`${prefix}${line}\n`);
    for (const l of this.lineListeners) l(line);
  }
}
