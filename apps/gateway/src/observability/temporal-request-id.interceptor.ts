import type {
  Next, WorkflowClientInterceptor, WorkflowSignalInput, WorkflowSignalWithStartInput, WorkflowStartInput, WorkflowStartOutput,
  WorkflowStartUpdateInput, WorkflowStartUpdateOutput, WorkflowStartUpdateWithStartInput, WorkflowStartUpdateWithStartOutput,
} from '@temporalio/client';
import { withRequestId } from '../../../../workflows/shared/request-context';
import { currentRequestId } from './request-context';

/**
 * Puts the current HTTP request's id in the Temporal headers of every workflow start, update and
 * signal the gateway sends; the worker's interceptors hand it on to the activities.
 */
export class RequestIdClientInterceptor implements WorkflowClientInterceptor {
  startWithDetails(input: WorkflowStartInput, next: Next<WorkflowClientInterceptor, 'startWithDetails'>): Promise<WorkflowStartOutput> {
    return next({ ...input, headers: withRequestId(input.headers, currentRequestId()) });
  }

  startUpdate(input: WorkflowStartUpdateInput, next: Next<WorkflowClientInterceptor, 'startUpdate'>): Promise<WorkflowStartUpdateOutput> {
    return next({ ...input, headers: withRequestId(input.headers, currentRequestId()) });
  }

  startUpdateWithStart(
    input: WorkflowStartUpdateWithStartInput, next: Next<WorkflowClientInterceptor, 'startUpdateWithStart'>,
  ): Promise<WorkflowStartUpdateWithStartOutput> {
    const requestId = currentRequestId();
    return next({ ...input, workflowStartHeaders: withRequestId(input.workflowStartHeaders, requestId), updateHeaders: withRequestId(input.updateHeaders, requestId) });
  }

  signal(input: WorkflowSignalInput, next: Next<WorkflowClientInterceptor, 'signal'>): Promise<void> {
    return next({ ...input, headers: withRequestId(input.headers, currentRequestId()) });
  }

  signalWithStart(input: WorkflowSignalWithStartInput, next: Next<WorkflowClientInterceptor, 'signalWithStart'>): Promise<string> {
    return next({ ...input, headers: withRequestId(input.headers, currentRequestId()) });
  }
}
