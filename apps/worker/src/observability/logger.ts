import { AsyncLocalStorage } from 'node:async_hooks';
import { createLogger, type Logger } from '../../../../libs/observability/src/logger';

/** What every log line written while an activity runs carries (activity-interceptors.ts sets it). */
export interface ActivityLogContext {
  requestId?: string;
  workflowId: string;
  activityType: string;
}

export const activityLogContext = new AsyncLocalStorage<ActivityLogContext>();

let logger: Logger | null = null;

/** The worker's JSON log (LOG_LEVEL): inside an activity, each line names its request id, workflow and activity. */
export function workerLogger(): Logger {
  logger ??= createLogger('worker', { mixin: () => ({ ...activityLogContext.getStore() }) });
  return logger;
}
