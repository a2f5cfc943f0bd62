/**
 * Bundled into every worker's workflow code (apps/worker/src/observability/workflow-interceptor-modules.ts):
 * the request id that started the workflow, or that sent an update or a signal, goes on in the
 * headers of the activities, child workflows and continue-as-new that it causes, and into the
 * workflow's own `log` lines. Headers only: the commands, and so the histories, are unchanged.
 */
import { AsyncLocalStorage, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import type { Headers } from '@temporalio/common';
import { requestIdFromHeaders, withRequestId } from './shared/request-context';

export const interceptors: WorkflowInterceptorsFactory = () => {
  // Per workflow: the id of the start, update or signal whose code is running (handlers run concurrently).
  const current = new AsyncLocalStorage<string | undefined>();
  const carry = <T extends { headers: Headers }>(input: T): T => {
    const requestId = current.getStore();
    return requestId ? { ...input, headers: withRequestId(input.headers, requestId) } : input;
  };
  return {
    inbound: [
      {
        execute: (input, next) => current.run(requestIdFromHeaders(input.headers), () => next(input)),
        handleUpdate: (input, next) => current.run(requestIdFromHeaders(input.headers), () => next(input)),
        handleSignal: (input, next) => current.run(requestIdFromHeaders(input.headers), () => next(input)),
      },
    ],
    outbound: [
      {
        scheduleActivity: (input, next) => next(carry(input)),
        scheduleLocalActivity: (input, next) => next(carry(input)),
        startChildWorkflowExecution: (input, next) => next(carry(input)),
        signalWorkflow: (input, next) => next(carry(input)),
        continueAsNew: (input, next) => next(carry(input)),
        getLogAttributes: (input, next) => {
          const requestId = current.getStore();
          return next(requestId ? { ...input, requestId } : input);
        },
      },
    ],
  };
};
