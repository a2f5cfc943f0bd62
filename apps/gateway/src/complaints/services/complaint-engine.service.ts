import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'crypto';
import type { UpdateDefinition } from '@temporalio/common';
import { complaintWorkflowId } from '../../../../../workflows/shared/ids';
import { ComplaintWorkflowInput, INVALID_TRANSITION } from '../../../../../workflows/shared/complaint.types';
import { intakeUpdate, stateQuery } from '../../../../../workflows/shared/updates';
import { GATEWAY_CONFIG, GatewayConfig } from '../../common/gateway.config';
import { TemporalClientProvider } from '../../common/temporal.provider';
import { TenantWriteBudget } from '../../common/write-budget';
import { EngineWording, retryKeyUpdateId, assertTenantWorkflow, executeTenantUpdate, pollQuery, startWithUpdate } from '../../common/workflow-engine.util';

// Namespace of action update ids (a fixed random UUID: ids are uuidV5(namespace, tenant|complaint|requestId)).
const ACTION_UPDATE_NS = '5f0c8d2e-7a41-4c55-9a43-2f6b1d0e9c11';

/** The Update id of a staff action with the client's retry key: the same key on the same complaint, the same id. */
export function actionUpdateId(tenantId: string, complaintId: string, requestId: string): string {
  return retryKeyUpdateId(ACTION_UPDATE_NS, tenantId, complaintId, requestId);
}

// Re-exported where callers have always found it.
export { assertTenantWorkflow };

const WORDING: EngineWording = {
  subject: 'complaint', refusals: [INVALID_TRANSITION], finished: 'the complaint is closed; no further action is possible',
};

/** The gateway's side of the complaint workflows: start at intake, then send staff actions as Updates. */
@Injectable()
export class ComplaintEngineService {
  constructor(
    private readonly temporal: TemporalClientProvider,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly budget: TenantWriteBudget,
  ) {}

  /**
   * Takes one write from the tenant's share of the engine (RATE_LIMITED when used up). Callers
   * admit before their own look-ups, so a refused flood costs little.
   */
  admit(tenantId: string): Promise<void> {
    return this.budget.take(tenantId);
  }

  /**
   * Starts the complaint's workflow and waits until it has written its row (update-with-start),
   * or attaches to the one already running for this id. Returns false when a workflow with this
   * id has already finished (the complaint exists and is closed).
   */
  async start(input: ComplaintWorkflowInput): Promise<boolean> {
    return startWithUpdate(() => this.temporal.get(), {
      tenantId: input.tenantId, workflowId: complaintWorkflowId(input.tenantId, input.complaintId), workflowType: 'complaintWorkflow',
      taskQueue: this.config.taskQueue, args: [input], update: intakeUpdate, deadline: this.deadline(),
    }, WORDING);
  }

  /**
   * Waits until the complaint's workflow has taken in its registration (its state has the
   * reference: what the actions' validators check). A retried submission finds the row as soon as
   * registration commits, a moment before the workflow records it: answering then would let the
   * client's next action be refused as "still being registered". Queries only: a repeat adds
   * nothing to the workflow's history.
   */
  async registered(tenantId: string, complaintId: string): Promise<void> {
    await pollQuery(() => this.temporal.get(), tenantId, complaintWorkflowId(tenantId, complaintId), stateQuery, (st) => st.reference !== null, this.deadline(), WORDING);
  }

  /**
   * Sends a staff action as an Update. With a `requestId` the Update's id is derived from
   * (tenant, complaint, requestId): Temporal attaches a retry to the first attempt (running or
   * finished) and the workflow remembers applied ids across continue-as-new, so the action applies
   * once. Without one, a fresh id: a retry is a new action. The action carries the caller's tenant,
   * which the workflow checks against its own.
   */
  async execute<Ret, A extends object>(
    tenantId: string, complaintId: string, update: UpdateDefinition<Ret, [A]>, requestId: string | null, args: A,
  ): Promise<Ret> {
    const updateId = requestId ? actionUpdateId(tenantId, complaintId, requestId) : randomUUID();
    return executeTenantUpdate<Ret, A>(
      () => this.temporal.get(), tenantId, complaintWorkflowId(tenantId, complaintId), update, updateId, args, this.deadline(), WORDING,
    );
  }

  private deadline(): number {
    return Date.now() + this.config.actionTimeoutMs;
  }
}
