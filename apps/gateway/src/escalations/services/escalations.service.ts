import { Inject, Injectable } from '@nestjs/common';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { randomUUID } from 'crypto';
import { DataSource, SelectQueryBuilder } from 'typeorm';
import { ComplaintEntity, EscalationEntity } from '../../../../../libs/persistence/src/entities';
import { TenantScopedRepository } from '../../../../../libs/persistence/src/tenant-scoped.repository';
import { ESCALATION_ACK_REFUSED, acknowledgeEscalationUpdate } from '../../../../../workflows/shared/escalation';
import { tenantOf } from '../../auth/auth.service';
import { Principal } from '../../auth/principal';
import { AppError, ForbiddenError, InternalError, NotFoundError, UnavailableError } from '../../common/app-error';
import { InjectDataSource } from '../../common/database.provider';
import { uuidV5 } from '../../common/deterministic-id.util';
import { GATEWAY_CONFIG, GatewayConfig } from '../../common/gateway.config';
import { isDeadlineExceeded, isInfrastructureFailure } from '../../common/infrastructure-errors';
import { TemporalClientProvider } from '../../common/temporal.provider';
import { TenantWriteBudget } from '../../common/write-budget';
import { ComplaintDto } from '../../complaints/dtos/complaint.dto';
import { InvalidTransitionError } from '../../complaints/exceptions/complaint.exception';
import { assertTenantWorkflow } from '../../complaints/services/complaint-engine.service';
import { ComplaintsService, inComplaintScopeOf } from '../../complaints/services/complaints.service';
import { EscalationDto } from '../dtos/escalation.dto';

// Namespace of acknowledgement Update ids: uuidV5(namespace, tenant|escalation|requestId).
const ACK_UPDATE_NS = '2b8e6f4a-1c3d-4e5f-9a7b-6c5d4e3f2a1b';
// The most escalations one list returns (newest first).
const MAX_LIST = 200;

export function toEscalationDto(e: EscalationEntity): EscalationDto {
  return {
    id: e.id, level: e.level as EscalationDto['level'], reason: e.reason, raisedAt: e.raisedAt, ackDueAt: e.ackDueAt,
    acknowledgedAt: e.acknowledgedAt, superseded: e.superseded, tenantId: e.tenantId, complaintId: e.complaintId,
    notifiedUserIds: e.notifiedUserIds, acknowledgedById: e.acknowledgedBy,
  };
}

/**
 * Escalations: a complaint's (for whoever sees its full view), the caller's own, and their
 * acknowledgement — which only a user the escalation is addressed to may give, while it is the open
 * level (a superseded one has been raised to the next level and is answered there).
 */
@Injectable()
export class EscalationsService {
  private readonly escalations: TenantScopedRepository<EscalationEntity>;

  constructor(
    @InjectDataSource() ds: DataSource,
    private readonly complaints: ComplaintsService,
    private readonly temporal: TemporalClientProvider,
    private readonly budget: TenantWriteBudget,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.escalations = new TenantScopedRepository(ds, EscalationEntity);
  }

  /** A complaint's escalations, oldest first; none in the contractor's job view (they are internal). */
  async forComplaint(c: ComplaintDto): Promise<EscalationDto[]> {
    if (c.view !== 'FULL') return [];
    const rows = await this.escalations.read(c.tenantId, 'e', (qb) => qb
      .andWhere('e.complaintId = :id', { id: c.id }).orderBy('e.raisedAt', 'ASC').addOrderBy('e.step', 'ASC').take(MAX_LIST).getMany());
    return rows.map(toEscalationDto);
  }

  /** Escalations addressed to the caller, on complaints they (still) see, newest first. */
  async mine(p: Principal, open: boolean): Promise<EscalationDto[]> {
    const rows = await this.escalations.read(tenantOf(p), 'e', (qb) => {
      qb.innerJoin(ComplaintEntity, 'c', 'c.id = e.complaintId AND c.tenantId = e.tenantId')
        .andWhere(':me = ANY(e.notifiedUserIds)', { me: p.userId });
      // The complaints' own scope filter: a revoked grant hides what it used to show.
      inComplaintScopeOf(p, qb as unknown as SelectQueryBuilder<ComplaintEntity>);
      if (open) qb.andWhere('e.acknowledgedAt IS NULL AND e.superseded = false');
      return qb.orderBy('e.raisedAt', 'DESC').addOrderBy('e.id', 'ASC').take(MAX_LIST).getMany();
    });
    return rows.map(toEscalationDto);
  }

  /**
   * Acknowledges an escalation addressed to the caller: its complaint afterwards. Outside the caller's
   * reach (or another tenant's) NOT_FOUND; seen but not addressed to them FORBIDDEN; superseded
   * INVALID_TRANSITION. Idempotent: once acknowledged (by anyone addressed), it answers the complaint.
   */
  async acknowledge(p: Principal, id: string, requestId: string | null | undefined): Promise<ComplaintEntity> {
    const tenantId = tenantOf(p);
    const row = await this.escalations.findOne(tenantId, { id });
    // The escalation is as visible as its complaint.
    const complaint = row ? await this.complaints.find(p, row.complaintId) : null;
    if (!row || !complaint) throw new NotFoundError('escalation');
    if (!row.notifiedUserIds.includes(p.userId)) throw new ForbiddenError('only a user the escalation is addressed to may acknowledge it');
    if (row.acknowledgedAt !== null) return complaint;
    if (row.superseded) throw new InvalidTransitionError('the escalation was not acknowledged in time and has been raised to the next level');
    await this.budget.take(tenantId);
    assertTenantWorkflow(tenantId, row.workflowId);
    const client = await this.temporal.get();
    const updateId = requestId ? `ack-${uuidV5(ACK_UPDATE_NS, `${tenantId}|${id}|${requestId}`)}` : randomUUID();
    try {
      await client.withDeadline(Date.now() + this.config.actionTimeoutMs, () => client.workflow.getHandle(row.workflowId)
        .executeUpdate(acknowledgeEscalationUpdate, { args: [{ tenantId, escalationId: id, userId: p.userId }], updateId }));
    } catch (err) {
      // Acknowledged meanwhile (a concurrent retry, another addressee) or ended: the row says which.
      const now = await this.escalations.findOne(tenantId, { id });
      if (now?.acknowledgedAt) return this.complaints.get(p, complaint.id);
      throw this.translate(err);
    }
    return this.complaints.get(p, complaint.id);
  }

  private translate(err: unknown): Error {
    if (err instanceof AppError) return err;
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = err.cause as { type?: string; message?: string } | undefined;
      if (cause?.type === ESCALATION_ACK_REFUSED) return new InvalidTransitionError(cause.message ?? 'the escalation is no longer open');
      return new InternalError(`the escalation could not be acknowledged (${cause?.type ?? 'unknown'})`, err);
    }
    // The escalation has ended (its complaint closed): nothing is waiting for an acknowledgement.
    if (err instanceof WorkflowNotFoundError) return new InvalidTransitionError('the escalation has ended; nothing is waiting for an acknowledgement');
    if (isDeadlineExceeded(err)) return new UnavailableError('the complaint engine did not answer in time; the outcome is not known yet');
    if (isInfrastructureFailure(err)) return new UnavailableError('the complaint engine (Temporal) is unreachable');
    return err instanceof Error ? err : new Error(String(err));
  }
}
