export interface WorkerConfig {
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  /** Where the SDK's Prometheus metrics are served (env WORKER_METRICS_PORT; off when unset or 0). Two workers on one machine need two ports. */
  metricsPort?: number;
  /** The address it binds (env WORKER_METRICS_HOST; 127.0.0.1 unless set, e.g. 0.0.0.0 in a container). */
  metricsHost: string;
  /** Sticky cache and workflow-task concurrency (WORKER_MAX_CACHED_WORKFLOWS, WORKER_MAX_CONCURRENT_WORKFLOW_TASKS). */
  cache: WorkerCacheOptions;
}

export interface WorkerCacheOptions {
  maxCachedWorkflows: number;
  maxConcurrentWorkflowTaskExecutions: number;
}

// The sticky cache bounds the worker's memory, not the number of open complaints: a complaint spends
// nearly all its life waiting on a durable timer, so it is evicted and replayed from its (short)
// history when its timer fires or a staff action arrives. The SDK's own default follows the V8 heap
// limit (600 per GiB above 200 MiB: about 2,300 on a 4 GiB heap) and so the machine, not the product.
// Measured (`npm run bench -- --only scale`): a cached complaint costs the worker about 0.8–0.9 MB of
// RSS (273 MB idle; 690 MB with 500 cached, 1.8 GB with 2,000 and 2.3 GB at the SDK's default).
// With 500 the worker stays at 580–800 MB however many are open (4,000 measured), after one peak
// of 1.1 GB before V8's first full collection of the evicted ones. An evicted complaint's next
// timer or action replays its short history: a query took 59 ms at the median against 21 ms cached.
export const DEFAULT_MAX_CACHED_WORKFLOWS = 500;
// The SDK's default (40); it may not exceed the cache.
export const DEFAULT_MAX_CONCURRENT_WORKFLOW_TASKS = 40;

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (npm start sets it; see README "Configuration")`);
  return v;
}

export function workerConfig(): WorkerConfig {
  return {
    databaseUrl: required('DATABASE_URL'),
    temporalAddress: required('TEMPORAL_ADDRESS'),
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: process.env.TEMPORAL_TASK_QUEUE ?? 'complaints',
    metricsPort: metricsPort(process.env.WORKER_METRICS_PORT),
    metricsHost: process.env.WORKER_METRICS_HOST?.trim() || '127.0.0.1',
    cache: workerCacheOptions(),
  };
}

/** The sticky cache's size and the workflow tasks run at once, from the environment (the defaults above when unset). */
export function workerCacheOptions(env: NodeJS.ProcessEnv = process.env): WorkerCacheOptions {
  const maxCachedWorkflows = positiveInt(env, 'WORKER_MAX_CACHED_WORKFLOWS', DEFAULT_MAX_CACHED_WORKFLOWS, 2);
  const maxConcurrentWorkflowTaskExecutions = positiveInt(
    env, 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', Math.min(DEFAULT_MAX_CONCURRENT_WORKFLOW_TASKS, maxCachedWorkflows), 2,
  );
  if (maxConcurrentWorkflowTaskExecutions > maxCachedWorkflows) {
    // The SDK would quietly lower it; say so instead.
    throw new Error(`WORKER_MAX_CONCURRENT_WORKFLOW_TASKS=${maxConcurrentWorkflowTaskExecutions} exceeds WORKER_MAX_CACHED_WORKFLOWS=${maxCachedWorkflows}: a workflow task needs its workflow in the cache`);
  }
  return { maxCachedWorkflows, maxConcurrentWorkflowTaskExecutions };
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name}=${raw} is not an integer >= ${min}`);
  return n;
}

function metricsPort(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '' || value.trim() === '0') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`WORKER_METRICS_PORT=${value} is not a port (1-65535, or 0 for off)`);
  return port;
}
