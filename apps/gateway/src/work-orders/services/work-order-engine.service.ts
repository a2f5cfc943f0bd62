import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'crypto';
import {
  WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import {
  INVALID_TRANSITION, PROJECTION_FAILED, REGISTRATION_FAILED, RETRY_KEY_UPDATE_PREFIX,
} from '../../../../../workflows/shared/complaint.types';
import { workOrderWorkflowId } from '../../../../../workflows/shared/ids';
import { tenantSearchAttributes } from '../../../../../workflows/shared/search-attributes';
import {
  WORK_ORDER_REFUSED, WorkOrderActionBase, WorkOrderActionResult, WorkOrderWorkflowInput, workOrderIssuedUpdate,
} from '../../../../../workflows/shared/work-order';
import { AppError, InternalError, UnavailableError } from '../../common/app-error';
import { uuidV5 } from '../../common/deterministic-id.util';
import { GATEWAY_CONFIG, GatewayConfig } from '../../common/gateway.config';
import { isDeadlineExceeded, isInfrastructureFailure } from '../../common/infrastructure-errors';
import { TemporalClientProvider } from '../../common/temporal.provider';
import { TenantWriteBudget } from '../../common/write-budget';
import { assertTenantWorkflow } from '../../complaints/services/complaint-engine.service';
import { InvalidTransitionError } from '../../complaints/exceptions/complaint.exception';

// Namespaces (fixed random UUIDs): work-order ids from (tenant, complaint, requestId); action update ids
// from (tenant, work order, requestId).
const WORK_ORDER_ID_NS = '8b0f3c4e-2d61-4f7a-9e15-6c3a1b9d7e42';
const WORK_ORDER_ACTION_NS = 'c4a9e1d2-57b3-4e08-8f6d-0a2b3c4d5e6f';

/** The id of a work order issued with a retry key: the same key on the same complaint, the same order. */
export function workOrderIdFor(tenantId: string, complaintId: string, requestId: string | null | undefined): string {
  return requestId ? uuidV5(WORK_ORDER_ID_NS, `${tenantId}|${complaintId}|${requestId}`) : randomUUID();
}

/** The Update id of a work-order action with the client's retry key: the same key on the same order, the same id. */
export function workOrderActionUpdateId(tenantId: string, workOrderId: string, requestId: string): string {
  return `${RETRY_KEY_UPDATE_PREFIX}${uuidV5(WORK_ORDER_ACTION_NS, `${tenantId}|${workOrderId}|${requestId}`)}`;
}

/** The gateway's side of the work-order workflows: start one at issue (update-with-start), then send actions as Updates. */
@Injectable()
export class WorkOrderEngineService {
  constructor(
    private readonly temporal: TemporalClientProvider,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly budget: TenantWriteBudget,
  ) {}

  /** One write from the tenant's share of the engine (RATE_LIMITED when used up). */
  admit(tenantId: string): Promise<void> {
    return this.budget.take(tenantId);
  }

  /**
   * Starts the work order's workflow and waits until it has written its row, or attaches to the one
   * already running under this id. False when a workflow with this id has already finished.
   */
  async start(input: WorkOrderWorkflowInput): Promise<boolean> {
    const workflowId = workOrderWorkflowId(input.tenantId, input.workOrderId);
    assertTenantWorkflow(input.tenantId, workflowId);
    const client = await this.temporal.get();
    const startWorkflowOperation = new WithStartWorkflowOperation('workOrderWorkflow', {
      workflowId,
      taskQueue: this.config.taskQueue,
      args: [input],
      typedSearchAttributes: tenantSearchAttributes(input.tenantId),
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    try {
      await client.withDeadline(this.deadline(), () => client.workflow.executeUpdateWithStart(workOrderIssuedUpdate, { startWorkflowOperation }));
      return true;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw this.translate(err);
    }
  }

  /**
   * Sends an action as an Update; with a `requestId` its id is derived from (tenant, order, requestId), so a
   * retry attaches to the first attempt and the workflow answers it with the first outcome.
   */
  async execute<A extends WorkOrderActionBase>(
    tenantId: string, workOrderId: string, update: UpdateDefinition<WorkOrderActionResult, [A]>, requestId: string | null, args: Omit<A, 'tenantId'>,
  ): Promise<WorkOrderActionResult> {
    const workflowId = workOrderWorkflowId(tenantId, workOrderId);
    assertTenantWorkflow(tenantId, workflowId);
    const client = await this.temporal.get();
    const handle = client.workflow.getHandle(workflowId);
    const updateId = requestId ? workOrderActionUpdateId(tenantId, workOrderId, requestId) : randomUUID();
    const stamped = { ...args, tenantId } as A;
    try {
      return await client.withDeadline(this.deadline(), () => handle.executeUpdate(update, { args: [stamped], updateId } as never) as Promise<WorkOrderActionResult>);
    } catch (err) {
      throw this.translate(err);
    }
  }

  private deadline(): number {
    return Date.now() + this.config.actionTimeoutMs;
  }

  private translate(err: unknown): Error {
    if (err instanceof AppError) return err;
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = err.cause as { type?: string; message?: string } | undefined;
      if (cause?.type === WORK_ORDER_REFUSED || cause?.type === INVALID_TRANSITION) {
        return new InvalidTransitionError(cause.message ?? 'the work order does not allow this now');
      }
      if (cause?.type === PROJECTION_FAILED) return new InternalError('the action could not be recorded and was not applied; the work order is unchanged', err);
      if (cause?.type === REGISTRATION_FAILED) return new InternalError('the work order could not be recorded; nothing was saved', err);
      return new InternalError(`the work-order engine could not apply the action (${cause?.type ?? 'unknown'})`, err);
    }
    // A finished work order (return visit satisfied, or cancelled): nothing more can happen to it.
    if (err instanceof WorkflowNotFoundError) return new InvalidTransitionError('the work order is finished; no further action is possible');
    if (isDeadlineExceeded(err)) return new UnavailableError('the work-order engine did not answer in time; the outcome is not known yet');
    if (isInfrastructureFailure(err)) return new UnavailableError('the work-order engine (Temporal) is unreachable');
    return err instanceof Error ? err : new Error(String(err));
  }
}
