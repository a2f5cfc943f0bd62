import { Inject, Injectable } from '@nestjs/common';
import {
  WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { complaintWorkflowId } from '../../../../../workflows/shared/ids';
import { ComplaintWorkflowInput, INVALID_TRANSITION } from '../../../../../workflows/shared/complaint.types';
import { intakeUpdate } from '../../../../../workflows/shared/updates';
import { AppError, UnavailableError } from '../../common/app-error';
import { GATEWAY_CONFIG, GatewayConfig } from '../../common/gateway.config';
import { isInfrastructureFailure } from '../../common/infrastructure-errors';
import { TemporalClientProvider } from '../../common/temporal.provider';
import { InvalidTransitionError } from '../exceptions/complaint.exception';

/** The gateway's side of the complaint workflows: start at intake, then send staff actions as Updates. */
@Injectable()
export class ComplaintEngineService {
  constructor(
    private readonly temporal: TemporalClientProvider,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * Starts the complaint's workflow and waits until it has written its row (update-with-start),
   * or attaches to the one already running for this id. Returns false when a workflow with this
   * id has already finished (the complaint exists and is closed).
   */
  async start(input: ComplaintWorkflowInput): Promise<boolean> {
    const client = await this.temporal.get();
    const startWorkflowOperation = new WithStartWorkflowOperation('complaintWorkflow', {
      workflowId: complaintWorkflowId(input.tenantId, input.complaintId),
      taskQueue: this.config.taskQueue,
      args: [input],
      // A second submission with the same key joins the running workflow instead of starting another,
      // and a finished one is never started again.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    try {
      await this.withTimeout(client.workflow.executeUpdateWithStart(intakeUpdate, { startWorkflowOperation }));
      return true;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw this.translate(err);
    }
  }

  async execute<Ret, Args extends [unknown, ...unknown[]]>(tenantId: string, complaintId: string, update: UpdateDefinition<Ret, Args>, ...args: Args): Promise<Ret> {
    const client = await this.temporal.get();
    const handle = client.workflow.getHandle(complaintWorkflowId(tenantId, complaintId));
    try {
      return await this.withTimeout(handle.executeUpdate(update, { args } as never) as Promise<Ret>);
    } catch (err) {
      throw this.translate(err);
    }
  }

  private async withTimeout<T>(p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UnavailableError('the complaint engine did not answer in time')), this.config.actionTimeoutMs);
    });
    try {
      return await Promise.race([p, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private translate(err: unknown): Error {
    if (err instanceof AppError) return err;
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = err.cause as { type?: string; message?: string } | undefined;
      if (cause?.type === INVALID_TRANSITION) return new InvalidTransitionError(cause.message ?? 'action not allowed now');
      return new UnavailableError(`the complaint engine refused the action (${cause?.message ?? err.message})`);
    }
    // The workflow of a closed complaint has completed: nothing more can happen to it.
    if (err instanceof WorkflowNotFoundError) return new InvalidTransitionError('the complaint is closed; no further action is possible');
    if (isInfrastructureFailure(err)) return new UnavailableError('the complaint engine (Temporal) is unreachable');
    return err instanceof Error ? err : new Error(String(err));
  }
}
