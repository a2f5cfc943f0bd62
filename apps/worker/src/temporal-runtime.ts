import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;

/** Temporal's own logging at warnings and above (once per process; before any worker or connection). */
export function installTemporalRuntime(): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  });
}
