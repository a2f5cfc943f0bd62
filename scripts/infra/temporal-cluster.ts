// The Temporal server as production runs it, on this machine: the real server binary (not the
// CLI's dev server) with its four services — frontend, history, matching, worker — as separate
// processes, persistence and SQL visibility on PostgreSQL. `npm run start:cluster` and the cluster
// end-to-end test use it.
//
// The server and its SQL tool are compiled from source once (`go install`, like the CLI in
// temporal-cli.ts) into ~/.cache/complaint-platform/temporal-server-v<version>/bin. The schema the
// SQL tool applies is the one embedded in that same binary (--schema-name), so it always matches.
import { execFile } from 'child_process';
import fs from 'fs';
import path from 'path';
import { Client } from 'pg';
import { Connection, isGrpcServiceError } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { ensureCustomSearchAttributes } from '../../libs/temporal-client/src/search-attributes';
import { HOST } from './backing-services';
import type { ChildService } from './child-service';
import { withFileLock } from './file-lock';
import { buildCacheDir, goInstall } from './go-install';
import { Say, paint } from './output';
import { getFreePort, isExecutableFile, isPortFree } from './process-utils';
import { withDatabase } from './postgres';
import { STOP_ORDER, Supervisor, startService } from './supervisor';
import { waitUntilServing } from './temporal-server';

export const TEMPORAL_SERVER_VERSION = '1.29.1';
const SERVER_MODULE = 'go.temporal.io/server';

/** The server's services, each its own process; stopped in this order (no new requests first). */
export const TEMPORAL_SERVICES = ['frontend', 'worker', 'matching', 'history'] as const;
export type TemporalServiceName = (typeof TEMPORAL_SERVICES)[number];

/** The ports a local cluster prefers (the server's own defaults); a taken one is replaced by a free one. */
const PREFERRED_PORTS: Record<TemporalServiceName, { grpc: number; membership: number }> = {
  frontend: { grpc: 7233, membership: 6933 },
  history: { grpc: 7234, membership: 6934 },
  matching: { grpc: 7235, membership: 6935 },
  worker: { grpc: 7239, membership: 6939 },
};

/** Schemas embedded in the SQL tool, per store. */
const SCHEMAS = { default: 'postgresql/v12/temporal', visibility: 'postgresql/v12/visibility' } as const;
const PLUGIN = 'postgres12';
const NUM_HISTORY_SHARDS = 4;
const RETENTION = '3 days';
const START_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 15_000;

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
}

export function temporalServerCacheDir(): string {
  return buildCacheDir(`temporal-server-v${TEMPORAL_SERVER_VERSION}`);
}

/** The cached server and SQL tool, built now (a few minutes, once per machine, under a lock) when missing. */
export async function findTemporalServer(say: Say): Promise<TemporalServerBinaries> {
  const dir = temporalServerCacheDir();
  const bins: TemporalServerBinaries = { server: path.join(dir, 'bin', 'temporal-server'), sqlTool: path.join(dir, 'bin', 'temporal-sql-tool') };
  const ready = (): boolean => isExecutableFile(bins.server) && isExecutableFile(bins.sqlTool);
  if (ready()) return bins;
  return withFileLock(path.join(dir, 'build.lock'), { what: `building Temporal server v${TEMPORAL_SERVER_VERSION}`, log: say }, async () => {
    // Someone else may have finished the build while we waited for the lock.
    if (ready()) return bins;
    await goInstall({
      what: `Temporal server v${TEMPORAL_SERVER_VERSION} and its SQL tool`,
      packages: [`${SERVER_MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION}`, `${SERVER_MODULE}/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`],
      ldflags: '-s -w',
      targets: [{ built: 'server', target: bins.server }, { built: 'sql', target: bins.sqlTool }],
      stagingDir: path.join(dir, `bin.tmp-${process.pid}`),
      alternatives: ['run `npm start` instead (the dev server: one process, SQLite);', 'point at an existing Temporal cluster with TEMPORAL_ADDRESS=host:7233.'],
      log: say,
    });
    return bins;
  });
}

/** Temporal's two databases on one PostgreSQL server. */
export interface TemporalDatabaseNames {
  default: string;
  visibility: string;
}

/**
 * Creates (first time) and migrates Temporal's databases on the server of `pgUrl` with the SQL tool:
 * create-database and setup-schema -v 0.0 only when missing, update-schema every time (a no-op when
 * up to date). Returns "<db> <version>" per database.
 */
export async function ensureTemporalDatabases(pgUrl: string, names: TemporalDatabaseNames, sqlTool: string, say: Say): Promise<string[]> {
  const u = new URL(pgUrl);
  // The password goes through the environment, not the command line (ps shows arguments).
  const env = { ...process.env, SQL_PASSWORD: decodeURIComponent(u.password) };
  const connArgs = ['--plugin', PLUGIN, '--endpoint', u.hostname, '--port', u.port || '5432', '--user', decodeURIComponent(u.username)];
  const versions: string[] = [];
  for (const store of ['default', 'visibility'] as const) {
    const db = names[store];
    const tool = (...args: string[]): Promise<string> => runTool(sqlTool, [...connArgs, '--db', db, ...args], env);
    const before = await schemaVersion(pgUrl, db);
    if (before === 'no-database') {
      say(`creating database ${db}…`);
      await tool('create-database');
    }
    if (before === 'no-database' || before === 'no-schema') await tool('setup-schema', '-v', '0.0');
    await tool('update-schema', '--schema-name', SCHEMAS[store]);
    const after = await schemaVersion(pgUrl, db);
    if (after !== before) say(`database ${db}: schema ${before.startsWith('no-') ? 'created at' : `${before} →`} ${after}`);
    versions.push(`${db} ${after}`);
  }
  return versions;
}

async function schemaVersion(pgUrl: string, db: string): Promise<string> {
  const admin = new Client({ connectionString: pgUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
    if (exists.rowCount === 0) return 'no-database';
  } finally {
    await admin.end();
  }
  const client = new Client({ connectionString: withDatabase(pgUrl, db) });
  await client.connect();
  try {
    const table = await client.query(`SELECT to_regclass('schema_version') AS t`);
    if (!table.rows[0]?.t) return 'no-schema';
    const { rows } = await client.query<{ v: string }>('SELECT curr_version AS v FROM schema_version WHERE version_partition = 0 AND db_name = $1', [db]);
    return rows[0]?.v ?? 'no-schema';
  } finally {
    await client.end();
  }
}

function runTool(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout: 120_000, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(file)} ${args.filter((a) => a !== env.SQL_PASSWORD).join(' ')} failed: ${err.message}\n${`${stdout}\n${stderr}`.trim().split('\n').slice(-20).join('\n')}`));
      else resolve(stdout);
    });
  });
}

export type ClusterPorts = Record<TemporalServiceName, { grpc: number; membership: number }>;

export interface ClusterConfigInput {
  pgUrl: string;
  databases: TemporalDatabaseNames;
  ports: ClusterPorts;
  dynamicConfigFile: string;
}

/**
 * The server configuration (config/<env>.yaml). JSON is YAML, so it is written with JSON.stringify
 * under a comment; the server reads it with yaml.v3.
 */
export function clusterConfig(o: ClusterConfigInput): Record<string, unknown> {
  const u = new URL(o.pgUrl);
  const sql = (databaseName: string, maxConns: number): Record<string, unknown> => ({
    sql: {
      pluginName: PLUGIN, databaseName, connectAddr: `${u.hostname}:${u.port || '5432'}`, connectProtocol: 'tcp',
      user: decodeURIComponent(u.username), password: decodeURIComponent(u.password),
      maxConns, maxIdleConns: maxConns, maxConnLifetime: '1h',
    },
  });
  const frontend = `${HOST}:${o.ports.frontend.grpc}`;
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: NUM_HISTORY_SHARDS,
      // Four processes share the PostgreSQL with the application: keep each pool small.
      datastores: { 'postgres-default': sql(o.databases.default, 10), 'postgres-visibility': sql(o.databases.visibility, 4) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: HOST } },
    services: Object.fromEntries(
      TEMPORAL_SERVICES.map((s) => [s, { rpc: { grpcPort: o.ports[s].grpc, membershipPort: o.ports[s].membership, bindOnLocalHost: true } }]),
    ),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: frontend } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    // The worker service (system workflows) reaches the frontend through this.
    publicClient: { hostPort: frontend },
    dynamicConfigClient: { filepath: o.dynamicConfigFile, pollInterval: '10s' },
  };
}

/** Dynamic config: the same switches as the dev server (scripts/infra/temporal-server.ts), plus what a fresh namespace needs. */
export const CLUSTER_DYNAMIC_CONFIG: Record<string, unknown> = {
  // On by default in 1.29; explicit, as for the dev server. They gate update and update-with-start.
  'frontend.enableUpdateWorkflowExecution': true,
  'frontend.enableExecuteMultiOperation': true,
  // A search attribute added at start-up is usable at once, not after the cache's next refresh.
  'system.forceSearchAttributesCacheRefreshOnRead': true,
  // Lists (the gateway's workflow lookups, the console) go through visibility: the dev server's limit, not 10/s.
  'frontend.namespaceRPS.visibility': 100,
};

export interface StartTemporalClusterOptions {
  /** A PostgreSQL URL whose user may create databases (the maintenance database of the embedded cluster, or DATABASE_URL). */
  pgUrl: string;
  databases: TemporalDatabaseNames;
  /** Where the generated configuration goes (e.g. .data/temporal-cluster). */
  dir: string;
  namespace: string;
  /** Prefer the server's usual ports (7233, …) when free; else any free ones (tests). */
  preferDefaultPorts: boolean;
  /** Print the services' own output (warn level); it is always kept for error messages. */
  echo?: boolean;
}

export interface TemporalClusterInfo {
  /** The frontend's host:port, for clients and workers. */
  address: string;
  namespace: string;
  services: { name: TemporalServiceName; grpcPort: number; membershipPort: number; pid: number }[];
  /** "<database> <schema version>" of each of Temporal's databases. */
  schema: string[];
  /** The service processes, in TEMPORAL_SERVICES order (the soak kills and respawns them). */
  processes: ChildService[];
}

/**
 * Builds (once) and starts the cluster under `sup`: databases, configuration, the four service
 * processes (stopped at STOP_ORDER.temporal…, SIGTERM then SIGKILL), then the namespace and the
 * custom search attributes. Resolves once the frontend serves the namespace.
 */
export async function startTemporalCluster(sup: Supervisor, say: Say, opts: StartTemporalClusterOptions): Promise<TemporalClusterInfo> {
  const bins = await findTemporalServer(say);
  sup.checkpoint();
  const schema = await ensureTemporalDatabases(opts.pgUrl, opts.databases, bins.sqlTool, say);
  sup.checkpoint();

  const ports = await chooseClusterPorts(opts.preferDefaultPorts, say);
  const configDir = path.join(opts.dir, 'config');
  const dynamicConfigFile = path.join(opts.dir, 'dynamicconfig.yaml');
  fs.mkdirSync(configDir, { recursive: true });
  const dynamic = Object.fromEntries(Object.entries(CLUSTER_DYNAMIC_CONFIG).map(([k, value]) => [k, [{ value }]]));
  writeYamlAsJson(dynamicConfigFile, dynamic);
  // Holds the database password: written 0600.
  writeYamlAsJson(path.join(configDir, 'cluster.yaml'), clusterConfig({ pgUrl: opts.pgUrl, databases: opts.databases, ports, dynamicConfigFile }));

  const address = `${HOST}:${ports.frontend.grpc}`;
  say(`starting Temporal server v${TEMPORAL_SERVER_VERSION}: ${TEMPORAL_SERVICES.map((s) => `${s} :${ports[s].grpc}`).join(', ')}…`);
  const started = Date.now();
  const start = (name: TemporalServiceName, i: number): ChildService =>
    startService(sup, {
      name: `temporal-${name}`,
      program: {
        file: bins.server,
        args: ['--root', opts.dir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start', '--service', name],
      },
      env: process.env,
      color: 'gray',
      echo: !!opts.echo,
      stopOrder: STOP_ORDER.temporal + i,
      graceMs: STOP_GRACE_MS,
    });
  // On fresh databases every service writes the cluster's metadata at start: started together, one
  // of them can lose that race and die on the unique key (SaveClusterMetadata). The first one goes
  // alone until the row is there; the others then only read it.
  const first = start(TEMPORAL_SERVICES[0], 0);
  await waitForClusterMetadata(opts.pgUrl, opts.databases.default, first, START_TIMEOUT_MS);
  sup.checkpoint();
  const services: ChildService[] = [first, ...TEMPORAL_SERVICES.slice(1).map((name, i) => start(name, i + 1))];
  const died = Promise.race(
    services.map((s) => s.exited.then((): never => {
      throw new Error(`Temporal ${s.name} exited during start-up (${s.describeExit()}); its last output:\n${s.lastLines()}`);
    })),
  );
  died.catch(() => undefined);
  const anyExited = (): boolean => services.some((s) => s.exit !== undefined);

  await Promise.race([waitUntilServing(address, undefined, START_TIMEOUT_MS, say, anyExited), died]);
  sup.checkpoint();
  await ensureNamespace(address, opts.namespace, say);
  // The frontend knows a new namespace at its cache's next refresh (2 s).
  await Promise.race([waitUntilServing(address, opts.namespace, START_TIMEOUT_MS, say, anyExited), died]);
  const connection = await Connection.connect({ address });
  try {
    const added = await ensureCustomSearchAttributes(connection, opts.namespace);
    if (added.length) say(`search attributes registered in ${opts.namespace}: ${added.join(', ')}`);
  } finally {
    await connection.close();
  }
  say(`Temporal cluster ready on ${address} in ${((Date.now() - started) / 1000).toFixed(1)} s (namespace ${opts.namespace})`);
  return {
    address,
    namespace: opts.namespace,
    services: TEMPORAL_SERVICES.map((name, i) => ({ name, grpcPort: ports[name].grpc, membershipPort: ports[name].membership, pid: services[i].pid })),
    schema,
    processes: services,
  };
}

/** Resolves once the cluster's metadata row exists in `database` (written by the first service at its start). */
async function waitForClusterMetadata(pgUrl: string, database: string, service: ChildService, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  const client = new Client({ connectionString: withDatabase(pgUrl, database) });
  await client.connect();
  try {
    for (;;) {
      const { rowCount } = await client.query('SELECT 1 FROM cluster_metadata_info LIMIT 1');
      if (rowCount) return;
      if (service.exit !== undefined) throw new Error(`Temporal ${service.name} exited during start-up (${service.describeExit()}); its last output:\n${service.lastLines()}`);
      if (Date.now() > until) throw new Error(`Temporal ${service.name} wrote no cluster metadata within ${timeoutMs / 1000} s; its last output:\n${service.lastLines()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await client.end();
  }
}

async function chooseClusterPorts(preferDefaults: boolean, say: Say): Promise<ClusterPorts> {
  const wants = TEMPORAL_SERVICES.flatMap((name) => [
    { port: preferDefaults ? PREFERRED_PORTS[name].grpc : 0, what: `Temporal ${name} gRPC` },
    { port: preferDefaults ? PREFERRED_PORTS[name].membership : 0, what: `Temporal ${name} membership` },
  ]);
  // The server records its hosts' ports in cluster_membership.rpc_port, a PostgreSQL smallint: a port
  // above 32767 (most of Linux's ephemeral range) makes a service die at start ("out of range").
  const chosen = await chooseDistinctPorts(wants, say, freePortBelow32768);
  return Object.fromEntries(TEMPORAL_SERVICES.map((name, i) => [name, { grpc: chosen[2 * i], membership: chosen[2 * i + 1] }])) as ClusterPorts;
}

async function freePortBelow32768(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await isPortFree(port, HOST)) return port;
  }
  throw new Error('no free TCP port between 20000 and 32000 on 127.0.0.1');
}

/**
 * choosePort for several servers started together: none is listening yet, so a free port must not
 * be handed out twice. `pickFree` finds a free port when the wanted one is 0, taken or already chosen.
 */
export async function chooseDistinctPorts(
  wants: { port: number; what: string }[],
  say: Say,
  pickFree: () => Promise<number> = () => getFreePort(HOST),
): Promise<number[]> {
  const chosen: number[] = [];
  for (const want of wants) {
    let port = want.port > 0 && !chosen.includes(want.port) && (await isPortFree(want.port, HOST)) ? want.port : 0;
    if (!port && want.port > 0) {
      port = await pickFree();
      say(paint(`port ${want.port} (${want.what}) is in use; using ${port} instead`, 'yellow'));
    }
    while (!port || chosen.includes(port)) port = await pickFree();
    chosen.push(port);
  }
  return chosen;
}

/** Registers the namespace unless it exists (its data survives restarts in PostgreSQL). */
async function ensureNamespace(address: string, namespace: string, say: Say): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(RETENTION) });
    say(`namespace ${namespace} registered (retention ${RETENTION})`);
  } catch (err) {
    // 6 = ALREADY_EXISTS
    if (!(isGrpcServiceError(err) && err.code === 6)) throw err;
  } finally {
    await connection.close();
  }
}

function writeYamlAsJson(file: string, content: unknown): void {
  const text = `# Generated by scripts/infra/temporal-cluster.ts at each start; edits are overwritten.\n${JSON.stringify(content, null, 2)}\n`;
  fs.writeFileSync(file, text, { mode: 0o600 });
}
