import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { requestIdFromHeaders } from '../../../../workflows/shared/request-context';
import { activityLogContext, workerLogger } from './logger';

/** A failure's kind for the log: its ApplicationFailure type or error class, never its message (it can quote a value). */
function failureKind(err: unknown): string {
  const e = err as { type?: unknown; name?: unknown } | null;
  return typeof e?.type === 'string' ? e.type : typeof e?.name === 'string' ? e.name : 'Error';
}

/**
 * Runs each activity with its request id (from the headers the workflow interceptor set) in the log
 * context, and logs one line when it completes or fails.
 */
export const requestIdActivityInterceptors: ActivityInterceptorsFactory = (ctx: Context) => ({
  inbound: {
    execute: (input, next) => {
      const { activityType, attempt, workflowExecution } = ctx.info;
      const context = { requestId: requestIdFromHeaders(input.headers), workflowId: workflowExecution?.workflowId ?? '', activityType };
      return activityLogContext.run(context, async () => {
        const started = performance.now();
        try {
          const result = await next(input);
          workerLogger().info({ attempt, durationMs: Math.round(performance.now() - started) }, 'activity completed');
          return result;
        } catch (err) {
          workerLogger().warn({ attempt, durationMs: Math.round(performance.now() - started), failure: failureKind(err) }, 'activity failed');
          throw err;
        }
      });
    },
  },
});
