import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'crypto';
import type { UpdateDefinition } from '@temporalio/common';
import { INVALID_TRANSITION } from '../../../../../workflows/shared/complaint.types';
import { workOrderWorkflowId } from '../../../../../workflows/shared/ids';
import {
  WORK_ORDER_REFUSED, WorkOrderActionBase, WorkOrderActionResult, WorkOrderWorkflowInput, workOrderIssuedUpdate,
} from '../../../../../workflows/shared/work-order';
import { uuidV5 } from '../../common/deterministic-id.util';
import { GATEWAY_CONFIG, GatewayConfig } from '../../common/gateway.config';
import { TemporalClientProvider } from '../../common/temporal.provider';
import { TenantWriteBudget } from '../../common/write-budget';
import { EngineWording, retryKeyUpdateId, executeTenantUpdate, startWithUpdate } from '../../common/workflow-engine.util';

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
  return retryKeyUpdateId(WORK_ORDER_ACTION_NS, tenantId, workOrderId, requestId);
}

const WORDING: EngineWording = {
  subject: 'work order', refusals: [WORK_ORDER_REFUSED, INVALID_TRANSITION],
  // A finished work order (return visit satisfied, or cancelled): nothing more can happen to it.
  finished: 'the work order is finished; no further action is possible',
};

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
    return startWithUpdate(() => this.temporal.get(), {
      tenantId: input.tenantId, workflowId: workOrderWorkflowId(input.tenantId, input.workOrderId), workflowType: 'workOrderWorkflow',
      taskQueue: this.config.taskQueue, args: [input], update: workOrderIssuedUpdate, deadline: this.deadline(),
    }, WORDING);
  }

  /**
   * Sends an action as an Update; with a `requestId` its id is derived from (tenant, order, requestId), so a
   * retry attaches to the first attempt and the workflow answers it with the first outcome.
   */
  async execute<A extends WorkOrderActionBase>(
    tenantId: string, workOrderId: string, update: UpdateDefinition<WorkOrderActionResult, [A]>, requestId: string | null, args: Omit<A, 'tenantId'>,
  ): Promise<WorkOrderActionResult> {
    const updateId = requestId ? workOrderActionUpdateId(tenantId, workOrderId, requestId) : randomUUID();
    return executeTenantUpdate<WorkOrderActionResult, A>(
      () => this.temporal.get(), tenantId, workOrderWorkflowId(tenantId, workOrderId), update, updateId, args, this.deadline(), WORDING,
    );
  }

  private deadline(): number {
    return Date.now() + this.config.actionTimeoutMs;
  }
}
