import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { DataSource, SelectQueryBuilder } from 'typeorm';
import { reachesBranch } from '../../../../../libs/domain/src/permissions/permission.util';
import { ComplaintEntity, EscalationEntity } from '../../../../../libs/persistence/src/entities';
import { COMPLAINT_UPDATED_CHANNEL, ESCALATION_RAISED_CHANNEL } from '../../../../../libs/persistence/src/notifications';
import { TenantScopedRepository } from '../../../../../libs/persistence/src/tenant-scoped.repository';
import { AuthService, tenantOf } from '../../auth/auth.service';
import { Principal } from '../../auth/principal';
import { AppError, ErrorCode, NotFoundError, RateLimitedError } from '../../common/app-error';
import { InjectDataSource } from '../../common/database.provider';
import { forgetRequestMemo } from '../../common/request-cache.util';
import { ComplaintDto } from '../../complaints/dtos/complaint.dto';
import { ComplaintsService, inComplaintScopeOf, toDto } from '../../complaints/services/complaints.service';
import { EscalationDto } from '../../escalations/dtos/escalation.dto';
import { toEscalationDto } from '../../escalations/services/escalations.service';
import { OrganisationService } from '../../organisation/services/organisation.service';
import { ChangeListenerService, ChangeNotice } from './change-listener.service';
import { SubscriberQueue } from './subscriber-queue.util';

/** A subscriber's roles are re-read from the database when older than this: a revoked grant stops deliveries within seconds. */
export const PRINCIPAL_REFRESH_MS = 2_000;
/** Updates a subscriber may fall behind before its subscription is ended. */
const SUBSCRIBER_BACKLOG = 200;
/** Subscriptions one user may hold open on one gateway: each costs a read per change of its tenant. */
export const MAX_SUBSCRIPTIONS_PER_USER = 20;

/** The GraphQL context of a subscription (what `onConnect` put there). */
export interface SubscriptionContext {
  principal?: Principal;
  subscriptionAuthorization?: string;
}

interface Subscriber {
  tenantId: string;
  principal: Principal;
  loadedAt: number;
  authorization: string;
  ctx: SubscriptionContext;
  /** Reads what this subscriber receives for a notice, under its own scope (null: nothing). */
  read: (p: Principal, n: ChangeNotice) => Promise<unknown>;
  queue: SubscriberQueue<unknown>;
  /** Notices are handled one after another per subscriber, in the order they arrived. */
  chain: Promise<void>;
}

/**
 * Live updates: every subscription of this gateway, fed by the change listener. A notice names ids
 * only; each subscriber of the notice's tenant reads the record again with its own (recently
 * re-loaded) principal through the same service as the queries, and receives nothing it could not
 * query.
 */
@Injectable()
export class SubscriptionsService implements OnModuleDestroy {
  private readonly logger = new Logger('Subscriptions');
  private readonly byTenant = new Map<string, Set<Subscriber>>();
  private readonly unlisten: () => void;
  private readonly escalations: TenantScopedRepository<EscalationEntity>;

  constructor(
    @InjectDataSource() ds: DataSource,
    listener: ChangeListenerService,
    private readonly auth: AuthService,
    private readonly complaints: ComplaintsService,
    private readonly org: OrganisationService,
  ) {
    this.escalations = new TenantScopedRepository(ds, EscalationEntity);
    this.unlisten = listener.onNotice((n) => this.dispatch(n));
  }

  onModuleDestroy(): void {
    this.unlisten();
    for (const set of this.byTenant.values()) for (const s of set) void s.queue.return();
  }

  /** `complaintUpdated(branchId)`: a branch the caller does not reach is NOT_FOUND, like every read. */
  async complaintUpdated(p: Principal, ctx: SubscriptionContext, branchId: string | null | undefined): Promise<AsyncIterableIterator<unknown>> {
    const tenantId = tenantOf(p);
    if (branchId) {
      const branch = await this.org.branch(tenantId, branchId);
      if (!branch || !reachesBranch(p, branch)) throw new NotFoundError('branch');
    }
    return this.subscribe(p, ctx, async (principal, n) => {
      if (n.channel !== COMPLAINT_UPDATED_CHANNEL) return null;
      if (branchId && n.notice.branchId !== branchId) return null;
      const row = await this.complaints.get(principal, n.notice.complaintId);
      return toDto(row, principal) satisfies ComplaintDto;
    });
  }

  /** `escalationRaised`: only escalations addressed to the subscriber, read under its own scope. */
  escalationRaised(p: Principal, ctx: SubscriptionContext): AsyncIterableIterator<unknown> {
    return this.subscribe(p, ctx, async (principal, n) => {
      if (n.channel !== ESCALATION_RAISED_CHANNEL || !n.notice.userIds.includes(principal.userId)) return null;
      return this.escalationFor(principal, n.notice.escalationId);
    });
  }

  /** The escalation as `myEscalations` shows it: addressed to the caller, on a complaint the caller (still) sees. */
  private async escalationFor(p: Principal, id: string): Promise<EscalationDto | null> {
    const row = await this.escalations.read(tenantOf(p), 'e', (qb) => {
      qb.innerJoin(ComplaintEntity, 'c', 'c.id = e.complaintId AND c.tenantId = e.tenantId')
        .andWhere('e.id = :id', { id })
        .andWhere(':me = ANY(e.notifiedUserIds)', { me: p.userId });
      inComplaintScopeOf(p, qb as unknown as SelectQueryBuilder<ComplaintEntity>);
      return qb.getOne();
    });
    return row ? toEscalationDto(row) : null;
  }

  /** Subscribers on this gateway (tests, bench). */
  get count(): number {
    let n = 0;
    for (const set of this.byTenant.values()) n += set.size;
    return n;
  }

  private subscribe(p: Principal, ctx: SubscriptionContext, read: Subscriber['read']): AsyncIterableIterator<unknown> {
    const tenantId = tenantOf(p);
    const authorization = ctx.subscriptionAuthorization;
    // onConnect authenticated the connection and left both here; anything else is a defect.
    if (!authorization) throw new AppError(ErrorCode.UNAUTHENTICATED, 'a valid bearer token is required in connection_init');
    let set = this.byTenant.get(tenantId);
    if ([...(set ?? [])].filter((x) => x.principal.userId === p.userId).length >= MAX_SUBSCRIPTIONS_PER_USER) {
      throw new RateLimitedError(`too many subscriptions: at most ${MAX_SUBSCRIPTIONS_PER_USER} open at once per user on one gateway`, 5);
    }
    if (!set) this.byTenant.set(tenantId, (set = new Set()));
    const tenantSet = set;
    const s: Subscriber = {
      tenantId, principal: p, loadedAt: Date.now(), authorization, ctx, read, chain: Promise.resolve(),
      queue: new SubscriberQueue<unknown>(SUBSCRIBER_BACKLOG, () => {
        tenantSet.delete(s);
        if (tenantSet.size === 0 && this.byTenant.get(tenantId) === tenantSet) this.byTenant.delete(tenantId);
      }),
    };
    tenantSet.add(s);
    return s.queue;
  }

  private dispatch(n: ChangeNotice): void {
    const set = this.byTenant.get(n.notice.tenantId);
    if (!set) return;
    for (const s of set) s.chain = s.chain.then(() => this.deliver(s, n));
  }

  private async deliver(s: Subscriber, n: ChangeNotice): Promise<void> {
    if (s.queue.closed) return;
    try {
      const principal = await this.currentPrincipal(s);
      if (!principal) return;
      const value = await s.read(principal, n);
      if (value === null || value === undefined || s.queue.closed) return;
      // The event's field resolvers run in this subscription's context: fresh principal, fresh loaders.
      forgetRequestMemo(s.ctx);
      s.ctx.principal = principal;
      s.queue.push(value);
    } catch (err) {
      // Outside the subscriber's scope now (or never): nothing is sent.
      if (err instanceof AppError && (err.code === ErrorCode.NOT_FOUND || err.code === ErrorCode.FORBIDDEN)) return;
      this.logger.warn(`a live update was not delivered: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** The subscriber's principal, re-loaded from the database when stale; null when its token or user is no longer valid (the subscription ends). */
  private async currentPrincipal(s: Subscriber): Promise<Principal | null> {
    if (Date.now() - s.loadedAt < PRINCIPAL_REFRESH_MS) return s.principal;
    try {
      const fresh = await this.auth.authenticate({ headers: { authorization: s.authorization } });
      if (fresh.tenantId !== s.tenantId) throw new AppError(ErrorCode.UNAUTHENTICATED, 'the token no longer names this tenant');
      s.principal = fresh;
      s.loadedAt = Date.now();
      return fresh;
    } catch (err) {
      if (err instanceof AppError && err.code === ErrorCode.UNAUTHENTICATED) {
        s.queue.fail(err);
        return null;
      }
      throw err;
    }
  }
}
