import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { UpdateDefinition } from '@temporalio/common';
import { DataSource, SelectQueryBuilder } from 'typeorm';
import { isTerminal } from '../../../../../libs/domain/src/lifecycle/lifecycle.util';
import {
  STAFF_ROLES, WorkOrderAction, WorkOrderRef, canTakeWorkOrders, holdsRole, reachesWholeTenant, workOrderActionRefusal,
  workOrderComplaintView, workOrderScope, workOrderView,
} from '../../../../../libs/domain/src/permissions/permission.util';
import { presetPolicy } from '../../../../../libs/domain/src/policy/policy.util';
import type { Policy, PolicyPresetName } from '../../../../../libs/domain/src/policy/policy.types';
import { periodBounds } from '../../../../../libs/domain/src/work-order/period.util';
import {
  OPEN_WORK_ORDER_STATUSES, Trade, WorkOrderPolicy, WorkOrderState,
} from '../../../../../libs/domain/src/work-order/work-order.types';
import {
  ComplaintEntity, WorkOrderEntity, WorkOrderEventEntity, WorkOrderSignatureEntity,
} from '../../../../../libs/persistence/src/entities';
import { TenantScopedRepository } from '../../../../../libs/persistence/src/tenant-scoped.repository';
import { tenantTransaction } from '../../../../../libs/persistence/src/tenant-transaction';
import { contractorScorecard, contractorTrades } from '../../../../../libs/persistence/src/work-order.repository';
import {
  CancelArgs, CompleteArgs, ContactArgs, ReassignArgs, ReturnVisitArgs, SignArgs, WorkOrderActionBase, WorkOrderActionResult,
  WorkOrderWorkflowInput, cancelWorkOrderUpdate, completeWorkOrderUpdate, contractorContactUpdate, onSiteUpdate, reassignWorkOrderUpdate,
  returnVisitUpdate, signWorkOrderUpdate,
} from '../../../../../workflows/shared/work-order';
import { tenantOf } from '../../auth/auth.service';
import { Principal } from '../../auth/principal';
import { AppError, BadUserInputError, ErrorCode, ForbiddenError, NotFoundError } from '../../common/app-error';
import { InjectDataSource } from '../../common/database.provider';
import { uuidV5 } from '../../common/deterministic-id.util';
import { perRequestMemo } from '../../common/request-cache.util';
import { InvalidTransitionError } from '../../complaints/exceptions/complaint.exception';
import { ComplaintsService } from '../../complaints/services/complaints.service';
import { OrganisationService } from '../../organisation/services/organisation.service';
import { PolicyService } from '../../policy/services/policy.service';
import { ContractorScoreDto, CustomerSignatureDto, WorkOrderAttemptDto, WorkOrderDto, WorkOrderEventDto } from '../dtos/work-order.dto';
import {
  CancelArgsInput, CompleteArgsInput, ContactArgsInput, IssueWorkOrderArgs, ReassignArgsInput, ReturnVisitArgsInput, ScorecardArgs,
  SignArgsInput, SignatureImageInput, WorkOrderActionArgs, WorkOrderFilter,
} from '../dtos/work-order.input';
import { checkSignatureImage, dataUrl } from './signature-image.util';
import { WorkOrderEngineService, workOrderActionUpdateId, workOrderIdFor } from './work-order-engine.service';

// Namespace of signature image ids derived from (tenant, order, requestId): a retried upload is one row.
const SIGNATURE_ID_NS = '1e7d9c55-3b2a-4f60-8d1e-9a7b6c5d4e3f';

/** The work-order section of a tenant's policy (a policy stored before work orders takes its preset's). */
export function workOrderPolicyOf(doc: Policy): WorkOrderPolicy {
  if (doc.workOrders) return doc.workOrders;
  const preset = presetPolicy(doc.preset as PolicyPresetName);
  if (preset.workOrders) return preset.workOrders;
  throw new AppError(ErrorCode.INTERNAL, 'the tenant\'s policy has no work-order section');
}

const instant = (ms: number | null | undefined): Date | null => (ms === null || ms === undefined ? null : new Date(ms));

/** The permission module's view of an order and its complaint. */
function refOf(w: WorkOrderEntity, c: ComplaintEntity): WorkOrderRef {
  return {
    branchId: w.branchId, companyId: w.companyId, contractorId: w.contractorId,
    complaint: {
      branchId: c.branchId, companyId: c.companyId, assigneeId: c.assigneeId, firstContactOwnerId: c.firstContactOwnerId, ownerId: c.ownerId,
    },
  };
}

/** Work orders: issue and act through their workflows, read them within the caller's scope. */
@Injectable()
export class WorkOrdersService {
  private readonly orders: TenantScopedRepository<WorkOrderEntity>;
  private readonly events: TenantScopedRepository<WorkOrderEventEntity>;
  private readonly signatures: TenantScopedRepository<WorkOrderSignatureEntity>;
  private readonly complaintRows: TenantScopedRepository<ComplaintEntity>;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly engine: WorkOrderEngineService,
    private readonly complaints: ComplaintsService,
    private readonly org: OrganisationService,
    private readonly policies: PolicyService,
  ) {
    this.orders = new TenantScopedRepository(ds, WorkOrderEntity);
    this.events = new TenantScopedRepository(ds, WorkOrderEventEntity);
    this.signatures = new TenantScopedRepository(ds, WorkOrderSignatureEntity);
    this.complaintRows = new TenantScopedRepository(ds, ComplaintEntity);
  }

  // --- reads ---------------------------------------------------------------------------------

  /**
   * The caller's work orders (`workOrderScope`): employees see the orders of the complaints they see
   * (staff reach, or the complaint is theirs); a contractor only the orders where they are the current
   * contractor. Every read of work orders goes through here.
   */
  private visible<R>(p: Principal, build: (qb: SelectQueryBuilder<WorkOrderEntity>) => Promise<R>): Promise<R> {
    const scope = workOrderScope(p);
    return this.orders.read(tenantOf(p), 'w', (qb) => {
      qb.innerJoin(ComplaintEntity, 'c', 'c.id = w.complaintId AND c.tenantId = w.tenantId');
      const s = scope.staff;
      const reach: string[] = [];
      if (s.wholeTenant) reach.push('TRUE');
      if (s.branchIds.length) reach.push('w.branchId = ANY(:woBranchIds)');
      if (s.companyIds.length) reach.push('w.companyId = ANY(:woCompanyIds)');
      if (s.own) reach.push('c.assigneeId = :woMe', 'c.firstContactOwnerId = :woMe', 'c.ownerId = :woMe');
      if (scope.asContractor) reach.push('w.contractorId = :woMe');
      qb.andWhere(reach.length ? `(${reach.join(' OR ')})` : 'FALSE', { woBranchIds: s.branchIds, woCompanyIds: s.companyIds, woMe: p.userId });
      return build(qb);
    });
  }

  /** The orders' complaints (one query per request), tenant-scoped: the order's visibility is checked on the pair. */
  private complaintLoader(ctx: object, tenantId: string): DataLoader<string, ComplaintEntity | null> {
    return perRequestMemo(ctx, `wo-complaints:${tenantId}`, () => new DataLoader<string, ComplaintEntity | null>(async (ids) => {
      const rows = await this.complaintRows.read(tenantId, 'c', (qb) => qb.andWhere('c.id IN (:...ids)', { ids: [...ids] }).getMany());
      return ids.map((id) => rows.find((r) => r.id === id) ?? null);
    }));
  }

  private async withComplaints(p: Principal, rows: WorkOrderEntity[], ctx: object = {}): Promise<WorkOrderDto[]> {
    // One query for the page's complaints (the loads are batched).
    const found = await Promise.all(rows.map((w) => this.complaintLoader(ctx, w.tenantId).load(w.complaintId)));
    return rows.flatMap((w, i) => {
      const c = found[i];
      const dto = c ? toWorkOrderDto(w, c, p) : null;
      return dto ? [dto] : [];
    });
  }

  async find(p: Principal, id: string): Promise<WorkOrderDto | null> {
    const w = await this.visible(p, (qb) => qb.andWhere('w.id = :id', { id }).getOne());
    return w ? (await this.withComplaints(p, [w]))[0] ?? null : null;
  }

  async get(p: Principal, id: string): Promise<WorkOrderDto> {
    const w = await this.find(p, id);
    if (!w) throw new NotFoundError('work order');
    return w;
  }

  async list(p: Principal, filter: WorkOrderFilter | null | undefined, first: number): Promise<WorkOrderDto[]> {
    const f = filter ?? {};
    const rows = await this.visible(p, (qb) => {
      if (f.complaintId) qb.andWhere('w.complaintId = :complaintId', { complaintId: f.complaintId });
      if (f.branchId) qb.andWhere('w.branchId = :branchId', { branchId: f.branchId });
      if (f.contractorId) qb.andWhere('w.contractorId = :contractorId', { contractorId: f.contractorId });
      if (f.status) qb.andWhere('w.status = :status', { status: f.status });
      if (f.open === true) qb.andWhere('w.status IN (:...open)', { open: [...OPEN_WORK_ORDER_STATUSES] });
      if (f.open === false) qb.andWhere('w.status NOT IN (:...open)', { open: [...OPEN_WORK_ORDER_STATUSES] });
      if (f.awaitingDispatcher !== undefined && f.awaitingDispatcher !== null) qb.andWhere('w.awaitingDispatcher = :ad', { ad: f.awaitingDispatcher });
      return qb.orderBy('w.issuedAt', 'DESC').addOrderBy('w.id', 'DESC').take(first).getMany();
    });
    return this.withComplaints(p, rows);
  }

  /** A contractor's own orders (where they are the current contractor), newest first; nobody else's. */
  async mine(p: Principal, open: boolean): Promise<WorkOrderDto[]> {
    const tenantId = tenantOf(p);
    if (!holdsRole(p, ['CONTRACTOR'])) return [];
    const rows = await this.orders.read(tenantId, 'w', (qb) => {
      qb.andWhere('w.contractorId = :me', { me: p.userId });
      if (open) qb.andWhere('w.status IN (:...open)', { open: [...OPEN_WORK_ORDER_STATUSES] });
      return qb.orderBy('w.issuedAt', 'DESC').addOrderBy('w.id', 'DESC').take(200).getMany();
    });
    return this.withComplaints(p, rows);
  }

  /** A complaint's work orders the caller sees, oldest first. */
  async forComplaint(ctx: object, p: Principal, complaintId: string): Promise<WorkOrderDto[]> {
    const loader = perRequestMemo(ctx, `wo-by-complaint:${p.userId}`, () => new DataLoader<string, WorkOrderEntity[]>(async (ids) => {
      const rows = await this.visible(p, (qb) => qb.andWhere('w.complaintId IN (:...ids)', { ids: [...ids] })
        .orderBy('w.issuedAt', 'ASC').addOrderBy('w.id', 'ASC').getMany());
      return ids.map((id) => rows.filter((r) => r.complaintId === id));
    }));
    return this.withComplaints(p, await loader.load(complaintId), ctx);
  }

  /** The order's complaint as the caller sees it (the contractor: the job view). */
  async complaintOf(ctx: object, w: WorkOrderDto): Promise<ComplaintEntity> {
    const c = await this.complaintLoader(ctx, w.tenantId).load(w.complaintId);
    if (!c) throw new NotFoundError('complaint');
    return c;
  }

  /** The order's timeline; the contractor sees only their own time on it, without staff's notes and reasons. */
  async timeline(ctx: object, w: WorkOrderDto, p: Principal): Promise<WorkOrderEventDto[]> {
    const loader = perRequestMemo(ctx, `wo-timeline:${w.tenantId}`, () => new DataLoader<string, WorkOrderEventEntity[]>(async (ids) => {
      const rows = await this.events.read(w.tenantId, 'e', (qb) => qb.andWhere('e.workOrderId IN (:...ids)', { ids: [...ids] }).orderBy('e.seq', 'ASC').getMany());
      return ids.map((id) => rows.filter((r) => r.workOrderId === id));
    }));
    const rows = await loader.load(w.id);
    if (w.view === 'FULL') return rows.map((e) => ({ seq: e.seq, type: e.type, at: e.at, payload: e.payload ?? {}, tenantId: e.tenantId, actorId: e.actorId }));
    const since = Math.min(...w.ownAttempts.map((a) => a.startedAt.getTime()));
    return rows
      .filter((e) => e.at.getTime() >= since)
      .map((e) => ({ seq: e.seq, type: e.type, at: e.at, payload: {}, tenantId: e.tenantId, actorId: e.actorId === p.userId ? e.actorId : null }));
  }

  async signature(w: WorkOrderDto): Promise<CustomerSignatureDto | null> {
    const s = w.signatureRow;
    if (!s) return null;
    let image: WorkOrderSignatureEntity | null = null;
    if (s.imageId) image = await this.signatures.findOne(w.tenantId, { id: s.imageId, workOrderId: w.id });
    return {
      signedBy: s.signedBy, signedAt: s.signedAt, imageId: s.imageId, tenantId: w.tenantId,
      imageContentType: image?.contentType ?? null, image: image ? dataUrl(image.contentType, image.bytes) : null,
    };
  }

  // --- scorecard -------------------------------------------------------------------------------

  /** Each contractor's scorecard for the period within the caller's staff reach, in ranking order. */
  async scorecard(p: Principal, a: ScorecardArgs): Promise<ContractorScoreDto[]> {
    const tenantId = tenantOf(p);
    if (!holdsRole(p, STAFF_ROLES)) throw new ForbiddenError('scorecards are for staff');
    const staff = { roles: p.roles.filter((g) => STAFF_ROLES.includes(g.role)) };
    const whole = reachesWholeTenant(staff);
    const branches = await this.org.visibleBranches(p, undefined, whole
      ? { wholeTenant: true, branchIds: [], companyIds: [] }
      : { wholeTenant: false, branchIds: p.complaintScope.branchIds, companyIds: p.complaintScope.companyIds });
    if (branches.length === 0) return [];
    // The period runs on the branches' time zone (the group's first branch's when they differ).
    const timeZone = branches[0].timezone ?? 'Asia/Shanghai';
    const bounds = periodBounds(a.period, timeZone);
    if (!bounds) throw new BadUserInputError([{ field: 'period', message: 'period must be a year, a quarter or a month, e.g. 2026, 2026-Q3 or 2026-10' }]);
    const rows = await contractorScorecard(this.ds, tenantId, {
      fromMs: bounds.fromMs, toMs: bounds.toMs, contractorId: a.contractorId ?? null, branchIds: whole ? null : branches.map((b) => b.id),
    });
    return rows.map((r) => ({
      rank: r.rank, period: a.period, orders: r.orders, onTimeContactRate: r.onTimeContactRate, onTimeCompletionRate: r.onTimeCompletionRate,
      firstTimeFixRate: r.firstTimeFixRate, satisfactionRate: r.satisfactionRate, misses: r.misses, contactsDecided: r.contactsDecided,
      completionsDecided: r.completionsDecided, completed: r.completed, returnVisits: r.returnVisits, tenantId, contractorId: r.contractorId,
      byCategory: r.byCategory.map((b) => ({
        category: b.category as ContractorScoreDto['byCategory'][number]['category'], orders: b.orders, onTimeContactRate: b.onTimeContactRate,
        onTimeCompletionRate: b.onTimeCompletionRate, firstTimeFixRate: b.firstTimeFixRate, satisfactionRate: b.satisfactionRate, misses: b.misses,
      })),
    }));
  }

  // --- issue -----------------------------------------------------------------------------------

  async issue(p: Principal, a: IssueWorkOrderArgs): Promise<WorkOrderDto> {
    const c = await this.complaints.find(p, a.complaintId);
    if (!c) {
      // A contractor knows the complaint of their own order (its job view): refused, not unknown.
      const theirs = holdsRole(p, ['CONTRACTOR'])
        && (await this.visible(p, (qb) => qb.andWhere('w.complaintId = :cid', { cid: a.complaintId }).getCount())) > 0;
      if (theirs) throw new ForbiddenError('only staff of this branch (or the handler whose complaint it is) issue work orders');
      throw new NotFoundError('complaint');
    }
    const refusal = workOrderActionRefusal(p, 'ISSUE', { complaint: c, contractorId: null });
    if (refusal) throw new ForbiddenError(refusal);
    const tenantId = c.tenantId;
    const workOrderId = workOrderIdFor(tenantId, c.id, a.requestId);
    // The same request again: the order it issued, whatever became of it since.
    if (a.requestId) {
      const existing = await this.orders.findOne(tenantId, { id: workOrderId });
      if (existing) return this.get(p, existing.id);
    }
    await this.engine.admit(tenantId);
    if (isTerminal(c.status)) throw new InvalidTransitionError(`the complaint is ${c.status}; no work order can be issued for it`);
    const branch = await this.org.branch(tenantId, c.branchId);
    if (!branch) throw new NotFoundError('branch');
    const trade = await this.contractorTradeFor(tenantId, a.contractorId, branch, a.trade ?? null);
    const policy = await this.policies.policy(tenantId);
    const input: WorkOrderWorkflowInput = {
      tenantId,
      workOrderId,
      branchId: branch.id,
      companyId: branch.companyId,
      issuedBy: p.userId,
      contractorId: a.contractorId,
      trade,
      description: a.description,
      context: {
        complaintId: c.id,
        complaintReceivedAt: c.receivedAt.getTime(),
        complaintCategory: c.category,
        policy: workOrderPolicyOf(policy.document),
        contactRule: policy.document.deadlines.CONTRACTOR_CONTACT,
      },
      calendar: branch.calendar,
    };
    const started = await this.engine.start(input);
    if (!started && !(await this.orders.findOne(tenantId, { id: workOrderId }))) {
      throw new AppError(ErrorCode.CONFLICT, 'an earlier issue with this requestId could not be recorded; issue it again with a new requestId');
    }
    return this.get(p, workOrderId);
  }

  /**
   * The trade the contractor takes the order in: a CONTRACTOR of the complaint's branch (BAD_USER_INPUT
   * contractorId otherwise) listed for `trade` when given; by default their first trade, else GENERAL_REPAIR.
   */
  private async contractorTradeFor(tenantId: string, contractorId: string, branch: { id: string; companyId: string }, trade: Trade | null): Promise<Trade> {
    const user = await this.org.user(tenantId, contractorId);
    const roles = user ? await this.org.rolesOf(tenantId, user.id) : [];
    if (!user || !canTakeWorkOrders({ roles }, branch)) {
      throw new BadUserInputError([{ field: 'contractorId', message: 'contractorId must be a CONTRACTOR who works for the complaint\'s branch' }]);
    }
    const trades = (await contractorTrades(this.ds, tenantId, [user.id])).get(user.id) ?? [];
    if (trade === null) return trades[0]?.trade ?? 'GENERAL_REPAIR';
    if (trades.length > 0 && !trades.some((t) => t.trade === trade)) {
      throw new BadUserInputError([{ field: 'contractorId', message: `contractorId is not listed for ${trade} (their trades: ${trades.map((t) => t.trade).join(', ')})` }]);
    }
    return trade;
  }

  // --- actions ---------------------------------------------------------------------------------

  /** The order, when the caller may take the action on it: NOT_FOUND outside their reach, FORBIDDEN when seen but not theirs to act on. */
  private async reach(p: Principal, id: string, action: WorkOrderAction): Promise<WorkOrderDto> {
    const w = await this.get(p, id);
    const refusal = workOrderActionRefusal(p, action, { complaint: w.complaintRef, contractorId: w.contractorId });
    if (refusal) throw new ForbiddenError(refusal);
    return w;
  }

  private async act<A extends WorkOrderActionBase>(
    p: Principal, w: WorkOrderDto, update: UpdateDefinition<WorkOrderActionResult, [A]>, args: Omit<A, 'tenantId' | 'actorId'>, requestId: string | null | undefined,
  ): Promise<WorkOrderDto> {
    try {
      await this.engine.execute<A>(w.tenantId, w.id, update, requestId ?? null, { ...args, actorId: p.userId } as unknown as Omit<A, 'tenantId'>);
    } catch (err) {
      // The first attempt of this request ended the order (cancelled, or a satisfied return visit) and its workflow with it.
      if (err instanceof InvalidTransitionError && requestId) {
        // The workflow that would answer the retry with its first outcome has finished: when the timeline holds
        // this request's events, the order as it ended answers it; any other action on it is refused.
        const key = workOrderActionUpdateId(w.tenantId, w.id, requestId);
        const seen = await this.events.read(w.tenantId, 'e', (qb) => qb
          .andWhere('e.workOrderId = :id', { id: w.id }).andWhere(`e.payload ->> 'retryKey' = :key`, { key }).select('e.seq').getOne());
        const now = seen ? await this.find(p, w.id) : null;
        if (now) return now;
      }
      throw err;
    }
    // After a reassignment the staff still see it; a contractor sees their order as it now stands.
    return (await this.find(p, w.id)) ?? w;
  }

  async contact(p: Principal, a: ContactArgsInput): Promise<WorkOrderDto> {
    const w = await this.reach(p, a.id, 'CONTACT');
    await this.engine.admit(w.tenantId);
    return this.act<ContactArgs>(p, w, contractorContactUpdate, { bookedFor: a.bookedFor.getTime() }, a.requestId);
  }

  async onSite(p: Principal, a: WorkOrderActionArgs): Promise<WorkOrderDto> {
    const w = await this.reach(p, a.id, 'ON_SITE');
    await this.engine.admit(w.tenantId);
    return this.act<WorkOrderActionBase>(p, w, onSiteUpdate, {}, a.requestId);
  }

  async complete(p: Principal, a: CompleteArgsInput): Promise<WorkOrderDto> {
    const w = await this.reach(p, a.id, 'COMPLETE');
    await this.engine.admit(w.tenantId);
    if (!a.customerSigned && (a.signedBy || a.signatureImage)) {
      throw new BadUserInputError([{ field: 'customerSigned', message: 'customerSigned must be true when signedBy or signatureImage is given' }]);
    }
    let signature: CompleteArgs['signature'] = null;
    if (a.customerSigned) {
      const complainant = (await this.complaintOf({}, w)).complainantName;
      const imageId = a.signatureImage ? await this.storeImage(p, w, 'signatureImage', a.signatureImage, a.requestId) : null;
      signature = { signedBy: a.signedBy ?? complainant, signedAt: Date.now(), imageId };
    }
    const materials = (a.materials ?? []).map((m) => ({ name: m.name, source: m.source, amountYuan: m.amountYuan ?? null, checkPassed: m.checkPassed ?? null }));
    return this.act<CompleteArgs>(p, w, completeWorkOrderUpdate, { materials, chargeYuan: a.chargeYuan ?? null, signature }, a.requestId);
  }

  async sign(p: Principal, a: SignArgsInput): Promise<WorkOrderDto> {
    const w = await this.reach(p, a.id, 'SIGN');
    await this.engine.admit(w.tenantId);
    const imageId = a.signatureImage ? await this.storeImage(p, w, 'signatureImage', a.signatureImage, a.requestId) : null;
    return this.act<SignArgs>(p, w, signWorkOrderUpdate, { signature: { signedBy: a.signedBy, signedAt: Date.now(), imageId } }, a.requestId);
  }

  async reassign(p: Principal, a: ReassignArgsInput): Promise<WorkOrderDto> {
    const w = await this.reach(p, a.id, 'REASSIGN');
    await this.engine.admit(w.tenantId);
    await this.contractorTradeFor(w.tenantId, a.contractorId, { id: w.branchId, companyId: w.companyId }, w.trade);
    // The job goes to another contractor (a retry of this very reassignment finds it done and is answered by the workflow).
    const current = w.attempts.find((t) => t.attempt === w.attempt);
    if (a.contractorId === w.contractorId && !(a.requestId && current?.cause === 'STAFF_REASSIGNED')) {
      throw new BadUserInputError([{ field: 'contractorId', message: 'contractorId already has this work order; reassign it to another contractor' }]);
    }
    return this.act<ReassignArgs>(p, w, reassignWorkOrderUpdate, { contractorId: a.contractorId, reason: a.reason }, a.requestId);
  }

  async cancel(p: Principal, a: CancelArgsInput): Promise<WorkOrderDto> {
    const w = await this.reach(p, a.id, 'CANCEL');
    await this.engine.admit(w.tenantId);
    return this.act<CancelArgs>(p, w, cancelWorkOrderUpdate, { reason: a.reason }, a.requestId);
  }

  async returnVisit(p: Principal, a: ReturnVisitArgsInput): Promise<WorkOrderDto> {
    const w = await this.reach(p, a.id, 'RETURN_VISIT');
    await this.engine.admit(w.tenantId);
    return this.act<ReturnVisitArgs>(p, w, returnVisitUpdate, { method: a.method, satisfied: a.satisfied, comment: a.comment ?? null }, a.requestId);
  }

  /**
   * Checks the image (BAD_USER_INPUT naming `field`) and stores it in work_order_signatures in a tenant
   * transaction; with a requestId its id is derived from it, so a retry stores it once.
   */
  private async storeImage(p: Principal, w: WorkOrderDto, field: string, input: SignatureImageInput, requestId: string | null | undefined): Promise<string> {
    const image = checkSignatureImage(field, input);
    const id = requestId ? uuidV5(SIGNATURE_ID_NS, `${w.tenantId}|${w.id}|${requestId}`) : uuidV5(SIGNATURE_ID_NS, `${w.tenantId}|${w.id}|${image.sha256}|${Date.now()}|${Math.random()}`);
    await tenantTransaction(this.ds, w.tenantId, async (m) => {
      const repo = this.signatures.withManager(m);
      if (await repo.findOne(w.tenantId, { id })) return;
      await repo.insert(w.tenantId, {
        id, workOrderId: w.id, contentType: image.contentType, bytes: image.bytes, sha256: image.sha256, uploadedBy: p.userId, uploadedAt: new Date(),
      });
    });
    return id;
  }
}

/** The order as the caller may see it (null when they may not): FULL, or the contractor's view of their own part. */
export function toWorkOrderDto(w: WorkOrderEntity, c: ComplaintEntity, p: Principal): WorkOrderDto | null {
  const ref = refOf(w, c);
  const view = workOrderView(p, ref);
  const complaintView = workOrderComplaintView(p, ref);
  if (!view || !complaintView) return null;
  const s: WorkOrderState = w.state;
  const allAttempts: WorkOrderAttemptDto[] = s.attempts.map((t) => ({
    attempt: t.attempt, cause: t.cause, startedAt: new Date(t.startedAt), contactDueAt: new Date(t.contactDueAt), contactedAt: instant(t.contactedAt),
    bookedFor: instant(t.bookedFor), completedAt: instant(t.completedAt), missed: t.missed, ended: t.ended, reopened: t.reopened,
    returnVisitSatisfied: t.returnVisitSatisfied, tenantId: w.tenantId, contractorId: t.contractorId,
  }));
  const ownAttempts = allAttempts.filter((t) => t.contractorId === p.userId);
  const attempts = view === 'FULL' ? allAttempts : ownAttempts;
  const shownAttempts = new Set(attempts.map((t) => t.attempt));
  const current = s.attempts.find((t) => t.attempt === s.attempt);
  const returnVisitDue = [...s.deadlines].reverse().find((d) => d.kind === 'RETURN_VISIT');
  return {
    id: w.id,
    status: w.status,
    trade: w.trade,
    description: w.description,
    issuedAt: w.issuedAt,
    contactDueAt: w.contactDueAt ?? new Date(current?.contactDueAt ?? s.issuedAt),
    contactedAt: instant(s.contactedAt),
    bookedFor: instant(s.bookedFor),
    onSiteAt: instant(s.onSiteAt),
    completedAt: instant(s.completedAt),
    materials: s.materials.map((m) => ({ name: m.name, source: m.source, amountYuan: m.amountYuan, checkPassed: m.checkPassed })),
    chargeYuan: s.chargeYuan,
    customerSigned: s.signature !== null,
    attempt: s.attempt,
    returnVisitDueAt: w.returnVisitDueAt ?? instant(returnVisitDue?.dueAt),
    returnVisitAt: instant(s.returnVisit?.at),
    returnVisitSatisfied: s.returnVisit ? s.returnVisit.satisfied : null,
    awaitingDispatcher: s.awaitingDispatcher,
    cancelledReason: s.cancelledReason,
    deadlines: s.deadlines
      .filter((d) => view === 'FULL' || shownAttempts.has(d.attempt))
      .map((d) => ({ kind: d.kind, attempt: d.attempt, startedAt: new Date(d.startedAt), dueAt: new Date(d.dueAt), metAt: instant(d.metAt), breachedAt: instant(d.breachedAt) })),
    tenantId: w.tenantId,
    complaintId: w.complaintId,
    branchId: w.branchId,
    companyId: w.companyId,
    contractorId: w.contractorId,
    view,
    complaintView,
    signatureRow: s.signature ? { signedBy: s.signature.signedBy, signedAt: new Date(s.signature.signedAt), imageId: s.signature.imageId } : null,
    attempts,
    ownAttempts,
    complaintRef: ref.complaint,
  };
}
