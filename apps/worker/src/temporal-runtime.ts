import { Runtime } from '@temporalio/worker';
import { workerLogger } from './observability/logger';
import { PinoTemporalLogger } from './observability/temporal-logger';

let installed = false;

/**
 * Temporal's runtime, once per process, before any worker or connection: its log lines (the
 * workflows' `log`, the SDK's warnings) go through the worker's JSON logger; with `metricsPort`, the
 * SDK's own metrics (task latencies, sticky cache, schedule-to-start) are served at
 * http://<metricsHost>:<metricsPort>/metrics (host 127.0.0.1 unless set) in the Prometheus text format.
 */
export function installTemporalRuntime(opts: { metricsPort?: number; metricsHost?: string } = {}): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new PinoTemporalLogger(workerLogger()),
    telemetryOptions: {
      logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} },
      // The SDK's default names and units (durations in ms), as Temporal's published SDK dashboards expect.
      ...(opts.metricsPort ? { metrics: { prometheus: { bindAddress: `${opts.metricsHost ?? '127.0.0.1'}:${opts.metricsPort}` } } } : {}),
    },
  });
}
