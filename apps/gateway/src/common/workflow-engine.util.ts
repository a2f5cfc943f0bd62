import {
  Client, WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { QueryDefinition, UpdateDefinition } from '@temporalio/common';
import { tenantOfWorkflowId } from '../../../../workflows/shared/ids';
import { PROJECTION_FAILED, REGISTRATION_FAILED, RETRY_KEY_UPDATE_PREFIX } from '../../../../workflows/shared/complaint.types';
import { tenantSearchAttributes } from '../../../../workflows/shared/search-attributes';
import { AppError, InternalError, UnavailableError } from './app-error';
import { uuidV5 } from './deterministic-id.util';
import { isDeadlineExceeded, isInfrastructureFailure } from './infrastructure-errors';
import { InvalidTransitionError } from '../complaints/exceptions/complaint.exception';

/**
 * The one check before the gateway addresses a workflow (start, update, signal, query): the workflow id
 * must name the caller's tenant. The record was read through the tenant's scope, so a mismatch is a
 * defect, never the client's doing: INTERNAL (logged with a correlation id), and nothing is sent.
 */
export function assertTenantWorkflow(tenantId: string, workflowId: string): void {
  const owner = tenantOfWorkflowId(workflowId);
  if (!tenantId || owner !== tenantId) {
    throw new InternalError(`refused to address workflow ${workflowId} for tenant ${tenantId || '(none)'}: it is ${owner === null ? 'not a tenant workflow id' : `tenant ${owner}'s`}`);
  }
}

/**
 * The Update id of an action sent with the client's retry key: the same key on the same record, the same
 * id (uuidV5 in the workflow kind's own namespace), marked so the workflow remembers it as a retry key.
 */
export function retryKeyUpdateId(namespace: string, tenantId: string, recordId: string, requestId: string): string {
  return `${RETRY_KEY_UPDATE_PREFIX}${uuidV5(namespace, `${tenantId}|${recordId}|${requestId}`)}`;
}

/** How one kind of workflow's failures read to the client ("the complaint", "the work order"). */
export interface EngineWording {
  /** e.g. 'complaint', 'work order'. */
  subject: string;
  /** Failure types the workflow uses to refuse an action the status does not allow (→ INVALID_TRANSITION). */
  refusals: readonly string[];
  /** Why a finished workflow cannot take the action (its workflow is gone). */
  finished: string;
}

/** A tenant's workflow started with an Update that answers once its first write is done (update-with-start). */
export interface StartWithUpdate<Ret> {
  tenantId: string;
  workflowId: string;
  workflowType: string;
  taskQueue: string;
  args: unknown[];
  update: UpdateDefinition<Ret, []>;
  deadline: number;
}

/**
 * Starts the workflow and waits for its first Update's answer, or attaches to the one already running
 * under this id (a second submission with the same key joins it). False when a workflow with this id has
 * already finished: it is never started again.
 */
export async function startWithUpdate<Ret>(connect: () => Promise<Client>, s: StartWithUpdate<Ret>, wording: EngineWording): Promise<boolean> {
  // The guard runs before anything reaches Temporal.
  assertTenantWorkflow(s.tenantId, s.workflowId);
  const client = await connect();
  const startWorkflowOperation = new WithStartWorkflowOperation(s.workflowType, {
    workflowId: s.workflowId,
    taskQueue: s.taskQueue,
    args: s.args,
    typedSearchAttributes: tenantSearchAttributes(s.tenantId),
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  });
  try {
    await client.withDeadline(s.deadline, () => client.workflow.executeUpdateWithStart(s.update, { startWorkflowOperation }));
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw translateEngineError(err, wording);
  }
}

/**
 * Asks a workflow `query` until `done` holds for its answer (backing off from 20 ms to 200 ms) or
 * the deadline passes (UNAVAILABLE). A workflow that no longer exists (retention) is taken as done.
 */
export async function pollQuery<T>(
  connect: () => Promise<Client>, tenantId: string, workflowId: string, query: QueryDefinition<T, []>, done: (answer: T) => boolean,
  deadline: number, wording: EngineWording,
): Promise<void> {
  assertTenantWorkflow(tenantId, workflowId);
  const client = await connect();
  const handle = client.workflow.getHandle(workflowId);
  for (let wait = 20; ; wait = Math.min(200, wait * 2)) {
    try {
      if (done(await client.withDeadline(deadline, () => handle.query(query)))) return;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return;
      throw translateEngineError(err, wording);
    }
    if (Date.now() + wait >= deadline) throw new UnavailableError(`the ${wording.subject} engine did not answer in time; the outcome is not known yet`);
    await new Promise((r) => setTimeout(r, wait));
  }
}

/**
 * Sends an action as an Update under `updateId` (derived from the client's requestId, so a retry attaches
 * to the first attempt). The args carry the caller's tenant, which the workflow checks against its own.
 */
export async function executeTenantUpdate<Ret, A extends object>(
  connect: () => Promise<Client>, tenantId: string, workflowId: string, update: UpdateDefinition<Ret, [A]>, updateId: string, args: Omit<A, 'tenantId'>,
  deadline: number, wording: EngineWording,
): Promise<Ret> {
  assertTenantWorkflow(tenantId, workflowId);
  const client = await connect();
  const handle = client.workflow.getHandle(workflowId);
  const stamped = { ...args, tenantId } as A;
  try {
    // The client's own deadline bounds every call it makes (the update's long polls included).
    return await client.withDeadline(deadline, () => handle.executeUpdate(update, { args: [stamped], updateId } as never) as Promise<Ret>);
  } catch (err) {
    throw translateEngineError(err, wording);
  }
}

/** A Temporal failure as the API reports it. */
export function translateEngineError(err: unknown, w: EngineWording): Error {
  if (err instanceof AppError) return err;
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause as { type?: string; message?: string } | undefined;
    if (cause?.type && w.refusals.includes(cause.type)) return new InvalidTransitionError(cause.message ?? 'action not allowed now');
    // The database refused the step's data for good: nothing was applied, and a retry cannot succeed.
    if (cause?.type === PROJECTION_FAILED) return new InternalError(`the action could not be recorded and was not applied; the ${w.subject} is unchanged`, err);
    if (cause?.type === REGISTRATION_FAILED) return new InternalError(`the ${w.subject} could not be recorded; nothing was saved`, err);
    // Anything else the workflow refused is a defect, not a reason to retry.
    return new InternalError(`the ${w.subject} engine could not apply the action (${cause?.type ?? 'unknown'})`, err);
  }
  if (err instanceof WorkflowNotFoundError) return new InvalidTransitionError(w.finished);
  if (isDeadlineExceeded(err)) return new UnavailableError(`the ${w.subject} engine did not answer in time; the outcome is not known yet`);
  if (isInfrastructureFailure(err)) return new UnavailableError(`the ${w.subject} engine (Temporal) is unreachable`);
  return err instanceof Error ? err : new Error(String(err));
}
