import { Inject, Injectable } from '@nestjs/common';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { randomUUID } from 'crypto';
import { DataSource } from 'typeorm';
import { CATEGORIES } from '../../../../libs/domain/src/enums';
import { OrganisationAction, organisationRefusal } from '../../../../libs/domain/src/permissions/permission.util';
import { CategoryModelEntity } from '../../../../libs/persistence/src/entities';
import { TenantScopedRepository } from '../../../../libs/persistence/src/tenant-scoped.repository';
import type { categoryModelWorkflow } from '../../../../workflows/category-model.workflow';
import type { CategoryModelTrained } from '../../../../workflows/shared/category-model.activities.types';
import { categoryModelWorkflowId } from '../../../../workflows/shared/ids';
import { tenantSearchAttributes } from '../../../../workflows/shared/search-attributes';
import { tenantOf } from '../auth/auth.service';
import { Principal } from '../auth/principal';
import { AppError, ForbiddenError, InternalError, NotFoundError, UnavailableError } from '../common/app-error';
import { InjectDataSource } from '../common/database.provider';
import { uuidV5 } from '../common/deterministic-id.util';
import { GATEWAY_CONFIG, GatewayConfig } from '../common/gateway.config';
import { isDeadlineExceeded, isInfrastructureFailure } from '../common/infrastructure-errors';
import { TemporalClientProvider } from '../common/temporal.provider';
import { assertTenantWorkflow } from '../common/workflow-engine.util';
import { CategoryModelInfoDto } from './dtos/category-model.dto';

// Namespace of on-demand training keys: uuidV5(namespace, tenant|requestId), so the same request runs once.
const RETRAIN_KEY_NS = '6a3f9c1e-2b4d-4f8a-9e7c-1d2b3c4a5f60';

/** The workflow id of a training started on demand: from tenant and the client's requestId (a fresh one without). */
export function retrainWorkflowId(tenantId: string, requestId: string | null | undefined): string {
  return categoryModelWorkflowId(tenantId, requestId ? uuidV5(RETRAIN_KEY_NS, `${tenantId}|${requestId}`) : randomUUID());
}

function allow(p: Principal, action: OrganisationAction): void {
  const refusal = organisationRefusal(p, action);
  if (refusal) throw new ForbiddenError(refusal);
}

/**
 * The tenant's category classifier: its newest version's figures, and a training on demand. The
 * training itself runs in the worker (`categoryModelWorkflow`), on the tenant's own complaints only.
 */
@Injectable()
export class CategoryModelService {
  private readonly models: TenantScopedRepository<CategoryModelEntity>;

  constructor(
    @InjectDataSource() ds: DataSource,
    private readonly temporal: TemporalClientProvider,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.models = new TenantScopedRepository(ds, CategoryModelEntity);
  }

  /** The newest version (null before the first training): head office and company managers. */
  async current(p: Principal): Promise<CategoryModelInfoDto | null> {
    const tenantId = tenantOf(p);
    allow(p, 'READ_CATEGORY_MODEL');
    const [row] = await this.models.find(tenantId, {}, {
      // The model itself (up to thousands of features) is not part of the answer.
      select: { tenantId: true, version: true, trainedAt: true, trainedOn: true, heldOut: true, accuracy: true, perCategory: true },
      order: { version: 'DESC' }, take: 1,
    });
    return row ? toInfo(row) : null;
  }

  /**
   * Trains now and answers the version it wrote (head office only). The same requestId again attaches
   * to (or reads the outcome of) the first training instead of running another. UNAVAILABLE when
   * Temporal is unreachable or the training does not finish within the action timeout (it goes on;
   * asking again with the same requestId answers its outcome).
   */
  async retrain(p: Principal, requestId: string | null | undefined): Promise<CategoryModelInfoDto> {
    const tenantId = tenantOf(p);
    allow(p, 'RETRAIN_CATEGORY_MODEL');
    const workflowId = retrainWorkflowId(tenantId, requestId);
    assertTenantWorkflow(tenantId, workflowId);
    const client = await this.temporal.get();
    const deadline = Date.now() + this.config.actionTimeoutMs;
    let trained: CategoryModelTrained;
    try {
      trained = await client.withDeadline(deadline, async () => {
        try {
          const handle = await client.workflow.start<typeof categoryModelWorkflow>('categoryModelWorkflow', {
            workflowId, taskQueue: this.config.taskQueue, args: [{ tenantId }], typedSearchAttributes: tenantSearchAttributes(tenantId),
            workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE',
          });
          return await handle.result();
        } catch (err) {
          // The same request finished before: its outcome.
          if (err instanceof WorkflowExecutionAlreadyStartedError) return client.workflow.getHandle<typeof categoryModelWorkflow>(workflowId).result();
          throw err;
        }
      });
    } catch (err) {
      throw translate(err);
    }
    const row = await this.models.findOne(tenantId, { version: trained.version });
    if (!row) throw new NotFoundError('category model version (ten newer trainings have replaced it)');
    return toInfo(row);
  }
}

function translate(err: unknown): Error {
  if (err instanceof AppError) return err;
  if (err instanceof WorkflowFailedError) return new InternalError('the category model training failed; the current model is unchanged', err);
  if (isDeadlineExceeded(err)) return new UnavailableError('the training did not finish in time; it goes on, and the same requestId again answers its outcome');
  if (isInfrastructureFailure(err)) return new UnavailableError('the complaint engine (Temporal) is unreachable');
  return err instanceof Error ? err : new Error(String(err));
}

function toInfo(r: Pick<CategoryModelEntity, 'version' | 'trainedAt' | 'trainedOn' | 'heldOut' | 'accuracy' | 'perCategory'>): CategoryModelInfoDto {
  return {
    version: r.version, trainedAt: r.trainedAt, trainedOn: r.trainedOn, heldOut: r.heldOut, accuracy: r.accuracy,
    perCategory: CATEGORIES.map((category) => {
      const c = r.perCategory[category];
      return { category, samples: c?.samples ?? 0, correct: c?.correct ?? 0, accuracy: c?.accuracy ?? null };
    }),
  };
}
