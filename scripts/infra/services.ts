// The product's own processes, the worker and the gateway, as supervised children: their
// environment, how they are started, and when they count as ready. `npm start` and the bench run
// them the same way; only the environment differs (a task queue, a workflow bundle, GRAPHQL_DEV).
import { HOST } from './backing-services';
import type { ChildService } from './child-service';
import { sleep } from './process-utils';
import { STOP_ORDER, SUPERVISED_ENV, Supervisor, allSettled, startService } from './supervisor';

export const WORKER_ENTRY = 'apps/worker/src/main.ts';
/**
 * The worker's V8 heap limit (each isolate's: the main thread's and the workflow thread's). By
 * default V8 sizes it from the machine's memory (about 4 GB here) and collects lazily: with the
 * sticky cache at 500, evicted workflows piled up to 2 GB of RSS before the first full collection
 * (bench `scale`). The cache itself needs a few hundred MB. Same value in docker/docker-compose.yml.
 */
export const WORKER_NODE_ARGS = ['--max-old-space-size=768'];
export const GATEWAY_ENTRY = 'apps/gateway/src/main.ts';
/** What the worker prints once it polls its task queue. */
export const WORKER_READY = /worker: polling/;
const READY_TIMEOUT_MS = 180_000;
/** The worker finishes the activities it is running before it exits. */
const WORKER_STOP_GRACE_MS = 20_000;

export interface ServiceEnvVars {
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  jwtSecret: string;
  /** The gateway's port (the worker ignores it). */
  port: number;
  /** A task queue of its own (the bench); the default queue otherwise. */
  taskQueue?: string;
  /** Added last: they win over everything above. */
  extra?: NodeJS.ProcessEnv;
}

/** The environment of the gateway and worker children: `base` (our own environment) plus where everything is. */
export function serviceEnv(vars: ServiceEnvVars, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
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

export const graphqlUrlFor = (port: number): string => `http://${HOST}:${port}/graphql`;

export interface AppServicesOptions {
  /** From serviceEnv(); the gateway's port is its PORT. */
  env: NodeJS.ProcessEnv;
  /** Added to the worker's environment only (e.g. WORKFLOW_BUNDLE_PATH). */
  workerEnv?: NodeJS.ProcessEnv;
  /** Print their output prefixed with [worker] / [gateway] (default true). */
  echo?: boolean;
  /** Called right after each is spawned, before it is ready (the bench samples memory from then on). */
  onSpawn?: (service: ChildService) => void;
  /** Their names in output and messages (default worker / gateway; replicas are numbered). */
  names?: { worker: string; gateway: string };
}

export interface AppServices {
  worker: ChildService;
  gateway: ChildService;
  graphqlUrl: string;
}

/**
 * Starts the worker and the gateway (stopped gateway first, then the worker) and waits until the
 * worker polls and the gateway answers `{ health }`.
 */
export async function startAppServices(sup: Supervisor, opts: AppServicesOptions): Promise<AppServices> {
  const port = Number(opts.env.PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`startAppServices: env.PORT=${opts.env.PORT} is not a port`);
  const names = opts.names ?? { worker: 'worker', gateway: 'gateway' };
  const worker = startService(sup, {
    name: names.worker, entry: WORKER_ENTRY, execArgv: WORKER_NODE_ARGS, env: { ...opts.env, ...opts.workerEnv }, color: 'cyan', echo: opts.echo,
    stopOrder: STOP_ORDER.worker, graceMs: WORKER_STOP_GRACE_MS,
  });
  opts.onSpawn?.(worker);
  const gateway = startService(sup, { name: names.gateway, entry: GATEWAY_ENTRY, env: opts.env, color: 'magenta', echo: opts.echo, stopOrder: STOP_ORDER.gateway });
  opts.onSpawn?.(gateway);
  const graphqlUrl = graphqlUrlFor(port);
  await allSettled<[void, void]>([worker.waitForLine(WORKER_READY, READY_TIMEOUT_MS), waitForGateway(graphqlUrl, gateway, sup)]);
  return { worker, gateway, graphqlUrl };
}

/**
 * Several worker + gateway pairs (the cluster profile: replicas behind one task queue and one
 * database), one gateway per port in `ports`; all start together. `env` is shared, PORT excepted.
 */
export async function startAppReplicas(sup: Supervisor, opts: Omit<AppServicesOptions, 'names'> & { ports: number[] }): Promise<AppServices[]> {
  const { ports, ...rest } = opts;
  return allSettled(
    ports.map((port, i) =>
      startAppServices(sup, { ...rest, env: { ...opts.env, PORT: String(port) }, names: { worker: `worker-${i + 1}`, gateway: `gateway-${i + 1}` } }),
    ),
  );
}

/** Waits until the gateway answers `{ health }`. */
export async function waitForGateway(graphqlUrl: string, gateway: ChildService, sup: Supervisor, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
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
