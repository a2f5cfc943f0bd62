// Runs a real Temporal server (`temporal server start-dev`: the full server with SQLite
// persistence in one process) for tests, `npm start` and the bench.
import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import net from 'net';
import path from 'path';
import { Connection } from '@temporalio/client';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/shared/search-attributes';
import { defaultLog, getFreePort, killWhenParentDies, LineTail, Log, sleep } from './process-utils';

export interface StartTemporalDevServerOptions {
  cliPath: string;
  /** Frontend gRPC port; 0/undefined picks a free one. */
  port?: number;
  /** Web UI port; undefined picks a free one (the CLI's default of port+1000 may be taken). */
  uiPort?: number;
  /** No Web UI (tests, bench). */
  headless?: boolean;
  /** Persist to this SQLite file (WAL mode) instead of memory, so `npm start` keeps workflows across restarts. */
  dbFilename?: string;
  /** Created at start in addition to "default". */
  namespace?: string;
  /**
   * Custom search attributes to register (name → CLI type, e.g. `TenantId: 'Keyword'`); default: every one
   * the workflows set (workflows/shared/search-attributes.ts). A workflow started with an unknown one fails.
   */
  searchAttributes?: Readonly<Record<string, string>>;
  /** Extra `--dynamic-config-value` entries (JSON values), merged over our defaults. */
  dynamicConfig?: Record<string, unknown>;
  /** Give up if not serving after this long (default 60 s: 2-core CI boxes are slow to boot it). */
  startTimeoutMs?: number;
  log?: Log;
  /** Every line the server prints (it logs at warn level); default: kept only for error messages. */
  onOutput?: (line: string) => void;
}

export interface TemporalDevServer {
  /** host:port of the frontend gRPC service, for Connection.connect / NativeConnection.connect. */
  address: string;
  namespace: string;
  uiUrl?: string;
  pid: number;
  stop(): Promise<void>;
}

// Both are already on by default in server 1.29 (CLI 1.5.1); set explicitly so an older `temporal`
// found on PATH behaves the same. They gate update and update-with-start (ExecuteMultiOperation).
const DEFAULT_DYNAMIC_CONFIG: Record<string, unknown> = {
  'frontend.enableUpdateWorkflowExecution': true,
  'frontend.enableExecuteMultiOperation': true,
};

const HOST = '127.0.0.1';
const STOP_GRACE_MS = 10_000;

export async function startTemporalDevServer(opts: StartTemporalDevServerOptions): Promise<TemporalDevServer> {
  const log = opts.log ?? defaultLog;
  const pickPorts = !opts.port;
  // A freshly probed port can be grabbed by someone else before the server binds it: retry.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts, log);
    } catch (err) {
      if (!(err instanceof PortInUseError) || !pickPorts || attempt >= 3) throw err;
      log(`Temporal port was taken meanwhile (${err.message}); retrying with another port…`);
    }
  }
}

class PortInUseError extends Error {}

async function startOnce(opts: StartTemporalDevServerOptions, log: Log): Promise<TemporalDevServer> {
  const port = opts.port || (await getFreePort(HOST));
  const uiPort = opts.headless ? undefined : opts.uiPort || (await getFreePort(HOST));
  const namespace = opts.namespace ?? 'default';
  const address = `${HOST}:${port}`;

  const args = ['server', 'start-dev', '--ip', HOST, '--port', String(port)];
  if (opts.headless) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (opts.dbFilename) {
    const dbFile = path.resolve(opts.dbFilename);
    fs.mkdirSync(path.dirname(dbFile), { recursive: true });
    // WAL: readers (visibility queries) don't block the writer; NORMAL sync is safe with WAL and far
    // fewer fsyncs. The CLI turns each KEY=VALUE into a `_pragma` on the SQLite DSN.
    args.push('--db-filename', dbFile, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  if (namespace !== 'default') args.push('--namespace', namespace);
  for (const [name, type] of Object.entries(opts.searchAttributes ?? CUSTOM_SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);
  for (const [key, value] of Object.entries({ ...DEFAULT_DYNAMIC_CONFIG, ...opts.dynamicConfig })) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  args.push('--log-level', 'warn');

  log(`starting Temporal dev server on ${address}${opts.dbFilename ? ` (db ${opts.dbFilename})` : ' (in-memory)'}…`);
  const started = Date.now();

  const output = new LineTail(80, opts.onOutput);
  const child: ChildProcess = spawn(opts.cliPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: false,
  });
  // Always drain the pipes: a full pipe buffer would block the server.
  child.stdout?.on('data', (d: Buffer) => output.push(d));
  child.stderr?.on('data', (d: Buffer) => output.push(d));

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnErr: Error | undefined;
  child.on('error', (err) => (spawnErr ??= err));
  const exitPromise = new Promise<void>((resolve) => {
    // 'close' (not 'exit'): fires once stdout/stderr are drained, so error messages get the last lines.
    child.once('close', (code, signal) => {
      exited = { code, signal };
      output.flush();
      resolve();
    });
    // A failed spawn (e.g. ENOENT) emits 'error' and never 'exit'.
    child.once('error', () => {
      if (child.pid === undefined) {
        exited = { code: null, signal: null };
        resolve();
      }
    });
  });

  // Belt and braces against orphans: SIGTERM on a normal exit, the watchdog on a hard kill.
  const onExit = (): void => {
    if (!exited) child.kill('SIGTERM');
  };
  process.on('exit', onExit);
  const disarmWatchdog = child.pid ? killWhenParentDies(child.pid, 'SIGTERM', STOP_GRACE_MS) : () => undefined;
  void exitPromise.then(() => {
    disarmWatchdog();
    process.removeListener('exit', onExit);
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (!exited) {
        child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          exitPromise.then(() => false),
          new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), STOP_GRACE_MS))),
        ]);
        clearTimeout(timer); // a pending grace timer would keep the process alive 10 s after stop()
        if (timedOut && !exited) {
          log(`Temporal dev server (pid ${child.pid}) ignored SIGTERM for ${STOP_GRACE_MS / 1000} s; sending SIGKILL`);
          child.kill('SIGKILL');
          await exitPromise;
        }
      }
      disarmWatchdog();
      process.removeListener('exit', onExit);
    })();
    return stopping;
  };

  const failure = (why: string): Error => {
    const text = output.text();
    const msg = `Temporal dev server ${why}.\n  command: ${opts.cliPath} ${args.join(' ')}${text ? `\n  output:\n${text}` : ''}`;
    return /address already in use|can't set (frontend|UI|default UI) port/i.test(text) ? new PortInUseError(msg) : new Error(msg);
  };

  // Only one outcome counts; later exits (e.g. from stop()) must not become unhandled rejections.
  const startup = new Promise<void>((resolve, reject) => {
    waitUntilServing(address, namespace, opts.startTimeoutMs ?? 60_000, log, () => exited !== undefined).then(
      resolve,
      (err: Error) => reject(err instanceof TimeoutError ? failure(err.message) : err),
    );
    void exitPromise.then(() =>
      reject(
        spawnErr
          ? new Error(`Could not run the Temporal CLI ${opts.cliPath}: ${spawnErr.message}`)
          : failure(`exited during start-up (code ${exited?.code}, signal ${exited?.signal})`),
      ),
    );
  });
  try {
    await startup;
  } catch (err) {
    await stop();
    throw err;
  }

  log(`Temporal dev server ready on ${address} in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${child.pid})`);
  return {
    address,
    namespace,
    uiUrl: uiPort ? `http://${HOST}:${uiPort}` : undefined,
    pid: child.pid as number,
    stop,
  };
}

export class TimeoutError extends Error {}

/** Resolves once the frontend answers GetSystemInfo and knows the namespace (when one is given). */
export async function waitUntilServing(
  address: string,
  namespace: string | undefined,
  timeoutMs: number,
  log: Log,
  hasExited: () => boolean,
): Promise<void> {
  const started = Date.now();
  let lastNotice = started;
  let lastError = '';
  while (!hasExited()) {
    let connection: Connection | undefined;
    try {
      // Probe the port first: a gRPC connect to a closed port waits out grpc-js's 1 s reconnect backoff.
      if (!(await isPortOpen(address))) throw new Error(`nothing listening on ${address} yet`);
      connection = await Connection.connect({ address, connectTimeout: '2s' });
      await connection.workflowService.getSystemInfo({});
      if (namespace) await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (err) {
      lastError = (err as Error).message;
    } finally {
      await connection?.close().catch(() => undefined);
    }
    const elapsed = Date.now() - started;
    if (elapsed > timeoutMs) {
      throw new TimeoutError(`did not serve on ${address} within ${Math.round(timeoutMs / 1000)} s (last error: ${lastError})`);
    }
    if (Date.now() - lastNotice >= 5_000) {
      lastNotice = Date.now();
      log(`  … waiting for Temporal on ${address} (${Math.round(elapsed / 1000)} s)`);
    }
    await sleep(100);
  }
  // The child died: the exit handler reports it (with its output), so never settle here.
  return new Promise<void>(() => undefined);
}

function isPortOpen(address: string): Promise<boolean> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
