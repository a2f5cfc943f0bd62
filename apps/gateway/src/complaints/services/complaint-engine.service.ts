import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'crypto';
import {
  WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { complaintWorkflowId, tenantOfWorkflowId } from '../../../../../workflows/shared/ids';
import { ComplaintWorkflowInput, INVALID_TRANSITION, PROJECTION_FAILED, REGISTRATION_FAILED, RETRY_KEY_UPDATE_PREFIX } from '../../../../../workflows/shared/complaint.types';
import { tenantSearchAttributes } from '../../../../../workflows/shared/search-attributes';
import { intakeUpdate } from '../../../../../workflows/shared/updates';
import { AppError, InternalError, UnavailableError } from '../../common/app-error';
import { uuidV5 } from '../../common/deterministic-id.util';
import { GATEWAY_CONFIG, GatewayConfig } from '../../common/gateway.config';
import { isDeadlineExceeded, isInfrastructureFailure } from '../../common/infrastructure-errors';
import { TemporalClientProvider } from '../../common/temporal.provider';
import { TenantWriteBudget } from '../../common/write-budget';
import { InvalidTransitionError } from '../exceptions/complaint.exception';

// Namespace of action update ids (a fixed random UUID: ids are uuidV5(namespace, tenant|complaint|requestId)).
const ACTION_UPDATE_NS = '5f0c8d2e-7a41-4c55-9a43-2f6b1d0e9c11';

/** The Update id of a staff action with the client's retry key: the same key on the same complaint, the same id. */
export function actionUpdateId(tenantId: string, complaintId: string, requestId: string): string {
  return `${RETRY_KEY_UPDATE_PREFIX}${uuidV5(ACTION_UPDATE_NS, `${tenantId}|${complaintId}|${requestId}`)}`;
}

/**
 * The one check before the gateway addresses a workflow (start, update, signal, query): the workflow id
 * must name the caller's tenant. The complaint was read through the tenant's scope, so a mismatch is a
 * defect, never the client's doing: INTERNAL (logged with a correlation id), and nothing is sent.
 */
export function assertTenantWorkflow(tenantId: string, workflowId: string): void {
  const owner = tenantOfWorkflowId(workflowId);
  if (!tenantId || owner !== tenantId) {
    throw new InternalError(`refused to address workflow ${workflowId} for tenant ${tenantId || '(none)'}: it is ${owner === null ? 'not a tenant workflow id' : `tenant ${owner}'s`}`);
  }
}

/** The gateway's side of the complaint workflows: start at intake, then send staff actions as Updates. */
@Injectable()
export class ComplaintEngineService {
  constructor(
    private readonly temporal: TemporalClientProvider,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly budget: TenantWriteBudget,
  ) {}

  /**
   * Starts the complaint's workflow and waits until it has written its row (update-with-start),
   * or attaches to the one already running for this id. Returns false when a workflow with this
   * id has already finished (the complaint exists and is closed).
   */
  /**
   * Takes one write from the tenant's share of the engine (RATE_LIMITED when used up). Callers
   * admit before their own look-ups, so a refused flood costs little.
   */
  admit(tenantId: string): Promise<void> {
    return this.budget.take(tenantId);
  }

  async start(input: ComplaintWorkflowInput): Promise<boolean> {
    const workflowId = complaintWorkflowId(input.tenantId, input.complaintId);
    assertTenantWorkflow(input.tenantId, workflowId);
    const client = await this.temporal.get();
    const startWorkflowOperation = new WithStartWorkflowOperation('complaintWorkflow', {
      workflowId,
      taskQueue: this.config.taskQueue,
      args: [input],
      typedSearchAttributes: tenantSearchAttributes(input.tenantId),
      // A second submission with the same key joins the running workflow instead of starting another,
      // and a finished one is never started again.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    try {
      await client.withDeadline(this.deadline(), () => client.workflow.executeUpdateWithStart(intakeUpdate, { startWorkflowOperation }));
      return true;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw this.translate(err);
    }
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
    const workflowId = complaintWorkflowId(tenantId, complaintId);
    assertTenantWorkflow(tenantId, workflowId);
    const client = await this.temporal.get();
    const handle = client.workflow.getHandle(workflowId);
    const updateId = requestId ? actionUpdateId(tenantId, complaintId, requestId) : randomUUID();
    const stamped = { ...args, tenantId };
    try {
      // The client's own deadline bounds every call it makes (the update's long polls included).
      return await client.withDeadline(this.deadline(), () => handle.executeUpdate(update, { args: [stamped], updateId } as never) as Promise<Ret>);
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
      if (cause?.type === INVALID_TRANSITION) return new InvalidTransitionError(cause.message ?? 'action not allowed now');
      // The database refused the step's data for good: nothing was applied, and a retry cannot succeed.
      if (cause?.type === PROJECTION_FAILED) return new InternalError('the action could not be recorded and was not applied; the complaint is unchanged', err);
      if (cause?.type === REGISTRATION_FAILED) return new InternalError('the complaint could not be recorded; nothing was saved', err);
      // Anything else the workflow refused is a defect, not a reason to retry.
      return new InternalError(`the complaint engine could not apply the action (${cause?.type ?? 'unknown'})`, err);
    }
    // The workflow of a closed complaint has completed: nothing more can happen to it.
    if (err instanceof WorkflowNotFoundError) return new InvalidTransitionError('the complaint is closed; no further action is possible');
    if (isDeadlineExceeded(err)) return new UnavailableError('the complaint engine did not answer in time; the outcome is not known yet');
    if (isInfrastructureFailure(err)) return new UnavailableError('the complaint engine (Temporal) is unreachable');
    return err instanceof Error ? err : new Error(String(err));
  }
}
