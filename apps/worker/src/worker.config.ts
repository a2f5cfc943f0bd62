export interface WorkerConfig {
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  /** Where the SDK's Prometheus metrics are served (env WORKER_METRICS_PORT; off when unset or 0). Two workers on one machine need two ports. */
  metricsPort?: number;
  /** The address it binds (env WORKER_METRICS_HOST; 127.0.0.1 unless set, e.g. 0.0.0.0 in a container). */
  metricsHost: string;
}

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
  };
}

function metricsPort(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '' || value.trim() === '0') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`WORKER_METRICS_PORT=${value} is not a port (1-65535, or 0 for off)`);
  return port;
}
