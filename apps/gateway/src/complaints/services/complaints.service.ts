import { Inject, Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { UpdateDefinition } from '@temporalio/common';
import { DataSource, SelectQueryBuilder } from 'typeorm';
import { isTerminal } from '../../../../../libs/domain/src/lifecycle/lifecycle.util';
import {
  ComplaintPermissionAction, ComplaintView, JobWithheldField, canBeAssigned, complaintPermissionRefusal, complaintView, reachesBranch, viewShows,
  canBeHandedOver,
} from '../../../../../libs/domain/src/permissions/permission.util';
import { ComplaintEntity, ComplaintEventEntity, StoredDeadline } from '../../../../../libs/persistence/src/entities';
import { withTenantLock } from '../../../../../libs/persistence/src/advisory-lock';
import { blockingWorkOrders } from '../../../../../libs/persistence/src/work-order.repository';
import { TenantScopedRepository, countRows } from '../../../../../libs/persistence/src/tenant-scoped.repository';
import { IntakeContextRepository } from '../../../../../libs/persistence/src/intake-context.repository';
import type { ActionBase, ActionResult, ComplaintWorkflowInput } from '../../../../../workflows/shared/complaint.types';
import {
  acknowledgeUpdate, callbackUpdate, dispatchUpdate, followUpUpdate, resolveUpdate, specialReportUpdate, validityUpdate,
  withdrawUpdate, mergeUpdate, handOverUpdate,
} from '../../../../../workflows/shared/updates';
import { tenantOf } from '../../auth/auth.service';
import { Principal } from '../../auth/principal';
import { AppError, BadUserInputError, ErrorCode, ForbiddenError, NotFoundError } from '../../common/app-error';
import { InjectDataSource } from '../../common/database.provider';
import { GATEWAY_CONFIG, GatewayConfig } from '../../common/gateway.config';
import { ComplaintCursors } from '../complaint-cursor.util';
import { EXACT_COUNT_UP_TO, TotalCountCache } from './total-count.cache';
import { uuidV5 } from '../../common/deterministic-id.util';
import { perRequestMemo } from '../../common/request-cache.util';
import { OrganisationService } from '../../organisation/services/organisation.service';
import { PolicyService } from '../../policy/services/policy.service';
import { TextService } from '../../text/services/text.service';
import { ComplaintConnectionDto, ComplaintDto, DeadlineDto, TimelineEventDto } from '../dtos/complaint.dto';
import {
  ActionIdArgs, CallbackArgsInput, ComplaintFilter, DispatchArgsInput, FollowUpArgsInput, ResolveArgsInput, SpecialReportArgsInput,
  SubmitComplaintInput, ValidityArgsInput, WithdrawArgsInput, MergeArgsInput, HandOverArgsInput,
} from '../dtos/complaint.input';
import { InvalidTransitionError } from '../exceptions/complaint.exception';
import { ComplaintEngineService, actionUpdateId } from './complaint-engine.service';
import { FACT_KEYS, FactsPatch } from '../../../../../libs/domain/src/severity/severity-rules.util';
import { facilityRestoredUpdate, reclassifyUpdate, updateFactsUpdate } from '../../../../../workflows/shared/updates';
import { FacilityRestoredArgsInput, ReclassifyArgsInput, UpdateFactsArgsInput } from '../dtos/complaint.input';

// Namespace of complaint ids derived from (tenant, idempotency key).
export const COMPLAINT_ID_NAMESPACE = '5d0b6a52-7a57-4c0c-9a0e-3c1f0f6b2a11';

// Text search ranks the newest this many matches (the window a staff member pages through; older
// ones: narrow the filter by date). What a search costs grows with it, not with the matches.
export const SEARCH_WINDOW = 200;
// A reference typed whole ("GZ01-2026-000123").
const REFERENCE = /^[A-Z0-9]{1,32}-\d{4}-\d{1,12}$/;

/** Search results: most relevant first, then newest, then by id (a total order, so pages neither repeat nor skip). */
function bySearchOrder(a: { id: string; at: string; rank: string }, b: { id: string; at: string; rank: string }): number {
  return Number(b.rank) - Number(a.rank) || (a.at < b.at ? 1 : a.at > b.at ? -1 : 0) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** The list filter's narrowing (all but `text`) of a query of complaints aliased `c`. */
function narrowByFilter(qb: SelectQueryBuilder<ComplaintEntity>, f: ComplaintFilter): SelectQueryBuilder<ComplaintEntity> {
  if (f.companyId) qb.andWhere('c.companyId = :companyId', { companyId: f.companyId });
  if (f.branchId) qb.andWhere('c.branchId = :branchId', { branchId: f.branchId });
  if (f.status?.length) qb.andWhere('c.status IN (:...status)', { status: f.status });
  if (f.severity?.length) qb.andWhere('c.severity IN (:...severity)', { severity: f.severity });
  if (f.category?.length) qb.andWhere('c.category IN (:...category)', { category: f.category });
  if (f.overdue !== undefined && f.overdue !== null) qb.andWhere('c.overdue = :overdue', { overdue: f.overdue });
  if (f.receivedFrom) qb.andWhere('c.receivedAt >= :from', { from: f.receivedFrom });
  if (f.receivedTo) qb.andWhere('c.receivedAt < :to', { to: f.receivedTo });
  if (f.updatedSince) qb.andWhere('c.updatedAt >= :updatedSince', { updatedSince: f.updatedSince });
  return qb;
}

/**
 * What `search_complaints` narrows its matches by: the caller's reach (as inComplaintScopeOf) and the
 * list filter (as narrowByFilter). Both are applied again to what it returns; this only keeps the
 * search from collecting matches that would then be dropped.
 */
function searchNarrowing(p: Principal, f: ComplaintFilter): Record<string, unknown> {
  const s = p.complaintScope;
  return {
    scoped: !s.wholeTenant, scopeBranchIds: s.branchIds, scopeCompanyIds: s.companyIds, me: s.own ? p.userId : null,
    companyId: f.companyId ?? null, branchId: f.branchId ?? null, status: f.status ?? [], severity: f.severity ?? [], category: f.category ?? [],
    overdue: f.overdue ?? null, receivedFrom: f.receivedFrom ?? null, receivedTo: f.receivedTo ?? null, updatedSince: f.updatedSince ?? null,
  };
}

/**
 * Narrows a query of complaints aliased `c` to the caller's `complaintScope` (the SQL of the
 * permission module's `inComplaintScope`). Every read of complaints applies it.
 */
export function inComplaintScopeOf(p: Principal, qb: SelectQueryBuilder<ComplaintEntity>): SelectQueryBuilder<ComplaintEntity> {
  const s = p.complaintScope;
  if (s.wholeTenant) return qb;
  const reach: string[] = [];
  if (s.branchIds.length) reach.push('c.branchId = ANY(:scopeBranchIds)');
  if (s.companyIds.length) reach.push('c.companyId = ANY(:scopeCompanyIds)');
  if (s.own) reach.push('c.assigneeId = :scopeMe', 'c.firstContactOwnerId = :scopeMe', 'c.ownerId = :scopeMe');
  // No reach at all (no tenant role) selects nothing rather than dropping the predicate.
  return qb.andWhere(reach.length ? `(${reach.join(' OR ')})` : 'FALSE', { scopeBranchIds: s.branchIds, scopeCompanyIds: s.companyIds, scopeMe: p.userId });
}

@Injectable()
export class ComplaintsService {
  private readonly complaints: TenantScopedRepository<ComplaintEntity>;
  private readonly events: TenantScopedRepository<ComplaintEventEntity>;
  private readonly intake: IntakeContextRepository;
  private readonly cursors: ComplaintCursors;
  private readonly counts = new TotalCountCache();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly engine: ComplaintEngineService,
    private readonly org: OrganisationService,
    private readonly policies: PolicyService,
    private readonly text: TextService,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.complaints = new TenantScopedRepository(ds, ComplaintEntity);
    this.events = new TenantScopedRepository(ds, ComplaintEventEntity);
    this.intake = new IntakeContextRepository(ds);
    // Every gateway of a deployment shares these, so a cursor from one is good on another.
    this.cursors = new ComplaintCursors(`${config.databaseUrl}\u0000${config.jwtSecret ?? ''}`);
  }

  // --- reads ---------------------------------------------------------------------------------

  /**
   * The caller's complaints: tenant first, then the permission module's `complaintScope` (staff reach
   * OR dispatched to me OR taken by me; handlers and contractors have only the latter). Every read
   * of complaints goes through here, so `inComplaintScope` describes exactly what it selects.
   */
  private visible<R>(p: Principal, build: (qb: SelectQueryBuilder<ComplaintEntity>) => Promise<R>): Promise<R> {
    return this.complaints.read(tenantOf(p), 'c', (qb) => build(inComplaintScopeOf(p, qb)));
  }

  /** A complaint the caller may see, or null (another tenant's, another branch's, or none). */
  find(p: Principal, id: string): Promise<ComplaintEntity | null> {
    return this.visible(p, (qb) => qb.andWhere('c.id = :id', { id }).getOne());
  }

  /** A complaint the caller may see; another tenant's (or another branch's) is simply not found. */
  async get(p: Principal, id: string): Promise<ComplaintEntity> {
    const row = await this.visible(p, (qb) => qb.andWhere('c.id = :id', { id }).getOne());
    if (!row) throw new NotFoundError('complaint');
    return row;
  }

  list(p: Principal, filter: ComplaintFilter | null | undefined, first: number, after?: string | null): Promise<ComplaintConnectionDto> {
    const f = filter ?? {};
    if (f.text) return this.search(p, f, f.text, first, after);
    return this.page(p, `list|${JSON.stringify(f)}`, (qb) => narrowByFilter(qb, f), first, after);
  }

  /**
   * `filter.text`: the complaints whose description, demand, place, reference or complainant's name
   * match every term (words, their synonyms, or the characters in sequence: see TextAnalyzer), most
   * relevant first, among the SEARCH_WINDOW newest matches in the caller's reach and filter (older
   * ones: narrow the filter by date). A reference typed whole finds that complaint first.
   * `search_complaints` finds the newest matches through the GIN index a span of days at a time, so
   * a word in every tenth complaint costs about what a rare name does.
   */
  private async search(p: Principal, f: ComplaintFilter, text: string, first: number, after?: string | null): Promise<ComplaintConnectionDto> {
    const tenantId = tenantOf(p);
    const from = after ? this.cursors.decodeSearch(tenantId, text, after) : null;
    const trimmed = text.trim().toUpperCase();
    const reference = REFERENCE.test(trimmed) ? trimmed : null;
    const query = await this.text.searchQuery(tenantId, text);
    if (!query) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };
    const narrowing = JSON.stringify(searchNarrowing(p, f));
    const call = 'search_complaints(CAST(:q AS tsquery), CAST(:rows AS integer), CAST(:narrowing AS jsonb))';
    // The complaints whose ids `ids` selects (the search's matches), or the reference typed whole.
    const where = (qb: SelectQueryBuilder<ComplaintEntity>, ids: string, rows: number | null): SelectQueryBuilder<ComplaintEntity> => {
      const hit = `c.id IN (${ids})`;
      return narrowByFilter(qb, f).andWhere(reference ? `(${hit} OR c.reference = :ref)` : hit, { q: query, rows, narrowing, ref: reference });
    };
    // The newest `rows` matches (all of them: null) within the caller's reach and filter, which the
    // function applies as it searches and the query applies again (the permission module's scope is
    // what decides; the function's copy only keeps it from reading what would be dropped).
    const matches = (rows: number | null) => (qb: SelectQueryBuilder<ComplaintEntity>): SelectQueryBuilder<ComplaintEntity> =>
      where(qb, `SELECT s.id FROM ${call} s`, rows);
    // The window: the function's rows once (a CTE), with the number of all matches when it has it.
    const hits: { id: string; at: string; rank: string; total: string | null }[] = await this.visible(p, (qb) =>
      where(qb.addCommonTableExpression(`SELECT s.id, s.total FROM ${call} s`, 'search_hits'), 'SELECT h.id FROM search_hits h', SEARCH_WINDOW)
      .select('c.id', 'id')
      .addSelect(`to_char(c.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`, 'at')
      // float4 printed by PostgreSQL: the cursor carries the same text back.
      .addSelect(`(CASE WHEN c.reference = :ref THEN 1000 ELSE ts_rank(c.search_vector, CAST(:q AS tsquery)) END)::text`, 'rank')
      .addSelect('(SELECT max(h.total) FROM search_hits h)::text', 'total')
      .orderBy('c.receivedAt', 'DESC').addOrderBy('c.id', 'DESC')
      .limit(SEARCH_WINDOW + 1)
      .getRawMany());
    const ordered = hits.slice(0, SEARCH_WINDOW).sort(bySearchOrder);
    const start = from ? ordered.findIndex((h) => bySearchOrder(h, { id: from.id, at: from.receivedAt, rank: from.rank }) > 0) : 0;
    const rest = start < 0 ? [] : ordered.slice(start);
    const page = rest.slice(0, first);
    const rows = page.length
      ? await this.visible(p, (qb) => qb.andWhere('c.id IN (:...ids)', { ids: page.map((h) => h.id) }).getMany())
      : [];
    const byId = new Map(rows.map((c) => [c.id, c]));
    const shown = page.filter((h) => byId.has(h.id));
    const countKey = `${tenantId}|${JSON.stringify(p.complaintScope)}|${p.complaintScope.own ? p.userId : ''}|search|${JSON.stringify(f)}`;
    // Fewer than the window (a reference found outside it may add one): every match is here; or the
    // search read every match and counted them; else counted as the lists are.
    const counted = hits[0]?.total;
    const totalCount = hits.length < SEARCH_WINDOW ? hits.length
      : counted !== null && counted !== undefined ? Math.max(Number(counted), hits.length) : await this.searchCount(p, countKey, matches);
    const cursor = (h: { id: string; at: string; rank: string }): string => this.cursors.encodeSearch(tenantId, text, { rank: h.rank, receivedAt: h.at, id: h.id });
    return {
      edges: shown.map((h) => ({ cursor: cursor(h), node: toDto(byId.get(h.id) as ComplaintEntity, p) })),
      pageInfo: { hasNextPage: rest.length > first, endCursor: page.length ? cursor(page[page.length - 1]) : null },
      totalCount,
    };
  }

  /**
   * How many complaints a search matches once its window is full: exact up to EXACT_COUNT_UP_TO
   * (the newest EXACT_COUNT_UP_TO + 1 matches, counted), above that as TotalCountCache answers (every
   * match counted once, then at most a minute old), as the lists count.
   */
  private async searchCount(
    p: Principal, countKey: string,
    matches: (rows: number | null) => (qb: SelectQueryBuilder<ComplaintEntity>) => SelectQueryBuilder<ComplaintEntity>,
  ): Promise<number> {
    const known = this.counts.fresh(countKey);
    if (known !== undefined) return known;
    const bounded = await this.visible(p, (qb) => countRows(matches(EXACT_COUNT_UP_TO + 1)(qb), EXACT_COUNT_UP_TO));
    if (bounded <= EXACT_COUNT_UP_TO) return bounded;
    return this.counts.above(countKey, () => this.visible(p, (qb) => countRows(matches(null)(qb))));
  }

  /** Dispatched to me and not yet resolved, or taken by me and waiting for dispatch or callback (within my scope, like every read). */
  queue(p: Principal, first: number, after?: string | null): Promise<ComplaintConnectionDto> {
    return this.page(p, 'queue', (qb) => qb.andWhere(
      // 首问责任制: whoever follows it through now (the first-contact owner until a hand-over).
      `((c.assigneeId = :me AND c.status IN ('DISPATCHED','IN_PROGRESS')) OR (c.ownerId = :me AND c.status IN ('RECEIVED','CALLBACK_PENDING')))`,
      { me: p.userId },
    ), first, after);
  }

  /**
   * A page of the caller's complaints, newest first: keyset pagination on (receivedAt, id), so a
   * page costs the same on the first page as deep in a million complaints, and complaints that
   * arrive between two pages neither repeat nor push others off the next one. `totalCount`: see
   * TotalCountCache (exact up to EXACT_COUNT_UP_TO, else a count at most a minute old).
   */
  private async page(
    p: Principal, list: string, narrow: (qb: SelectQueryBuilder<ComplaintEntity>) => SelectQueryBuilder<ComplaintEntity>,
    first: number, after?: string | null,
  ): Promise<ComplaintConnectionDto> {
    const tenantId = tenantOf(p);
    const from = after ? this.cursors.decode(tenantId, after) : null;
    const s = p.complaintScope;
    const countKey = `${tenantId}|${JSON.stringify(s)}|${s.own ? p.userId : ''}|${list}${list === 'queue' ? `|${p.userId}` : ''}`;
    const known = this.counts.fresh(countKey);
    // One round trip for the count (unless known) and the page, in one snapshot (readOnce).
    const { entities, raw, count } = await this.complaints.readOnce(tenantId, 'c', (qb) => {
      narrow(inComplaintScopeOf(p, qb));
      const countOf = known === undefined ? qb.clone() : undefined;
      if (from) qb.andWhere('(c.receivedAt, c.id) < (CAST(:afterAt AS timestamptz), CAST(:afterId AS uuid))', { afterAt: from.receivedAt, afterId: from.id });
      // received_at to the microsecond for the cursor: a JS Date keeps milliseconds only.
      const rows = qb
        .addSelect(`to_char(c.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`, 'cursor_at')
        .orderBy('c.receivedAt', 'DESC').addOrderBy('c.id', 'DESC').limit(first + 1);
      return { rows, countOf, countAtMost: EXACT_COUNT_UP_TO };
    });
    const at = new Map(raw.map((r) => [r.c_id as string, r.cursor_at as string]));
    const rows = entities.map((c) => ({ c, receivedAt: at.get(c.id) as string }));
    const counted = known ?? (count as number);
    const totalCount = counted <= EXACT_COUNT_UP_TO
      ? counted
      : await this.counts.above(countKey, () => this.visible(p, (qb) => countRows(narrow(qb))));
    const page = rows.slice(0, first);
    const cursor = (r: { c: ComplaintEntity; receivedAt: string }): string => this.cursors.encode(tenantId, { receivedAt: r.receivedAt, id: r.c.id });
    return {
      edges: page.map((r) => ({ cursor: cursor(r), node: toDto(r.c, p) })),
      pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? cursor(page[page.length - 1]) : null },
      totalCount,
    };
  }

  /** The timelines of a page of complaints in one query per request. */
  timeline(ctx: object, tenantId: string, complaintId: string): Promise<TimelineEventDto[]> {
    const loader = perRequestMemo(ctx, `timeline:${tenantId}`, () => new DataLoader<string, TimelineEventDto[]>(async (ids) => {
      const rows = await this.events.read(tenantId, 'e', (qb) => qb.andWhere('e.complaintId IN (:...ids)', { ids: [...ids] }).orderBy('e.seq', 'ASC').getMany());
      const byComplaint = new Map<string, TimelineEventDto[]>(ids.map((id) => [id, []]));
      for (const e of rows) byComplaint.get(e.complaintId)?.push({ seq: e.seq, at: e.at, type: e.type, actor: e.actor, data: e.data });
      return ids.map((id) => byComplaint.get(id) ?? []);
    }));
    return loader.load(complaintId);
  }

  // --- intake --------------------------------------------------------------------------------

  async submit(p: Principal, input: SubmitComplaintInput): Promise<ComplaintEntity> {
    const tenantId = tenantOf(p);
    // One round trip: the complaint already submitted under this key, the branch, the policy version.
    const known = await this.intake.intakeContext(tenantId, input.idempotencyKey, input.branchId);
    if (known.existingId) {
      // A retry of a submission that was recorded: answer once its workflow has taken it in. The
      // caller's scope first: someone else's key reaches nothing, not even the workflow's query.
      await this.get(p, known.existingId);
      await this.engine.registered(tenantId, known.existingId);
      return this.get(p, known.existingId);
    }
    await this.engine.admit(tenantId);

    const receivedAt = input.receivedAt ?? new Date();
    if (input.customerDeadline && input.customerDeadline.getTime() <= receivedAt.getTime()) {
      throw new BadUserInputError([{ field: 'input.customerDeadline', message: 'customerDeadline must be after receivedAt' }]);
    }
    if (input.facilityOutage && input.facilityOutage.since.getTime() > receivedAt.getTime() + 2 * 60_000) {
      throw new BadUserInputError([{ field: 'input.facilityOutage.since', message: 'facilityOutage.since must not be after receivedAt (2 minutes of clock difference allowed)' }]);
    }
    const { branch } = known;
    if (!branch || !reachesBranch(p, branch)) throw new NotFoundError('branch');
    if (complaintPermissionRefusal(p, 'SUBMIT', { branchId: branch.id, companyId: branch.companyId, assigneeId: null })) {
      throw new ForbiddenError('only staff of this branch take complaints for it');
    }

    if (known.policyVersion === null) throw new NotFoundError('policy version');
    const policy = { version: known.policyVersion, document: await this.policies.versionDocument(tenantId, known.policyVersion) };
    const complaintId = uuidV5(COMPLAINT_ID_NAMESPACE, `${tenantId}\u0000${input.idempotencyKey}`);
    const workflowInput: ComplaintWorkflowInput = {
      tenantId,
      complaintId,
      policy: policy.document,
      policyVersion: policy.version,
      calendar: branch.calendar,
      intake: {
        idempotencyKey: input.idempotencyKey,
        branchId: branch.id,
        companyId: branch.companyId,
        branchCode: branch.code,
        channel: input.channel,
        kind: input.kind,
        category: input.category,
        description: input.description,
        demand: input.demand ?? null,
        location: input.location ?? null,
        complainant: {
          name: input.complainant.name, phone: input.complainant.phone ?? null, unit: input.complainant.unit ?? null,
          ...(input.complainant.email ? { email: input.complainant.email.toLowerCase() } : {}), ...(input.complainant.wechat ? { wechat: input.complainant.wechat } : {}),
        },
        householdsAffected: input.householdsAffected ?? 1,
        lossAmountYuan: input.lossAmountYuan ?? null,
        injury: input.injury ?? false,
        mediaExposure: input.mediaExposure ?? false,
        litigation: input.litigation ?? false,
        emergency: input.emergency ?? false,
        receivedAt: receivedAt.getTime(),
        firstContactOwnerId: p.userId,
        customerDeadline: input.customerDeadline ? input.customerDeadline.getTime() : null,
        ...(input.facilityOutage ? { facilityOutage: { kind: input.facilityOutage.kind, since: input.facilityOutage.since.getTime() } } : {}),
      },
    };
    // The workflow writes the row itself before the update returns, so a crash anywhere leaves
    // either no workflow (the client retries with its key) or one workflow that owns one row.
    const started = await this.engine.start(workflowInput);
    if (!started) {
      // The workflow for this key has finished: the complaint exists (and is closed), or its
      // registration was refused for good and nothing was written.
      const existing = await this.complaints.findOne(tenantId, { id: complaintId });
      if (!existing) {
        throw new AppError(ErrorCode.CONFLICT, 'an earlier submission with this idempotencyKey could not be recorded; submit it again with a new idempotencyKey');
      }
    }
    return this.get(p, complaintId);
  }

  // --- actions -------------------------------------------------------------------------------

  private async act<A extends ActionBase>(
    p: Principal,
    complaint: string | ComplaintEntity,
    action: ComplaintPermissionAction,
    update: UpdateDefinition<ActionResult, [A]>,
    args: Omit<A, 'actorId'>,
    requestId: string | null | undefined,
  ): Promise<ComplaintEntity> {
    const c = typeof complaint === 'string' ? await this.get(p, complaint) : complaint;
    const refusal = complaintPermissionRefusal(p, action, c);
    if (refusal) throw new ForbiddenError(refusal);
    await this.engine.admit(c.tenantId);
    if (isTerminal(c.status)) {
      // A retry of the action that ended the complaint: its workflow is gone, its events are not.
      if (requestId && (await this.appliedBefore(c, requestId))) return c;
      throw new InvalidTransitionError(`the complaint is ${c.status}; no further action is possible`);
    }
    try {
      await this.engine.execute(c.tenantId, c.id, update, requestId ?? null, { ...args, actorId: p.userId } as A);
    } catch (err) {
      // The first attempt ended the complaint while this retry was on its way.
      if (err instanceof InvalidTransitionError && requestId && (await this.appliedBefore(c, requestId))) return this.get(p, c.id);
      throw err;
    }
    return this.get(p, c.id);
  }

  /** True when an action with this retry key was applied to the complaint (its events carry the key). */
  private async appliedBefore(c: ComplaintEntity, requestId: string): Promise<boolean> {
    const key = actionUpdateId(c.tenantId, c.id, requestId);
    const found = await this.events.read(c.tenantId, 'e', (qb) => qb
      .andWhere('e.complaintId = :id', { id: c.id })
      .andWhere(`e.data ->> 'retryKey' = :key`, { key })
      .getCount());
    return found > 0;
  }

  async dispatch(p: Principal, a: DispatchArgsInput): Promise<ComplaintEntity> {
    const c = await this.get(p, a.id);
    const assignee = await this.org.user(c.tenantId, a.assigneeId);
    const roles = assignee ? await this.org.rolesOf(c.tenantId, assignee.id) : [];
    if (!assignee || !canBeAssigned({ roles }, c)) {
      throw new BadUserInputError([{ field: 'assigneeId', message: 'assigneeId must be a user who works in the complaint\'s branch' }]);
    }
    const assigneeIsContractor = roles.some((r) => r.role === 'CONTRACTOR');
    return this.act(p, c, 'DISPATCH', dispatchUpdate, { assigneeId: a.assigneeId, note: a.note ?? null, assigneeIsContractor }, a.requestId);
  }

  acknowledge(p: Principal, a: ActionIdArgs): Promise<ComplaintEntity> {
    return this.act(p, a.id, 'ACKNOWLEDGE', acknowledgeUpdate, {}, a.requestId);
  }

  followUp(p: Principal, a: FollowUpArgsInput): Promise<ComplaintEntity> {
    return this.act(p, a.id, 'FOLLOW_UP', followUpUpdate, { note: a.note, customerInformed: a.customerInformed, ...(a.messageCustomer ? { messageCustomer: true } : {}) }, a.requestId);
  }

  determineValidity(p: Principal, a: ValidityArgsInput): Promise<ComplaintEntity> {
    const fields = [];
    if ((a.validity === 'UNDETERMINED') !== (a.responsibility === 'UNDETERMINED')) {
      fields.push({ field: 'responsibility', message: 'validity and responsibility are decided together' });
    }
    if (a.validity === 'UNDETERMINED') fields.push({ field: 'validity', message: 'validity must be VALID or INVALID' });
    if (fields.length) throw new BadUserInputError(fields);
    return this.act(p, a.id, 'DETERMINE_VALIDITY', validityUpdate, { validity: a.validity, responsibility: a.responsibility, reason: a.reason }, a.requestId);
  }

  /**
   * A REPAIR complaint is not resolved while one of its work orders is open or completed but unsigned,
   * unless staff give `workOrderOverrideReason` (recorded on the RESOLVED event).
   */
  async resolve(p: Principal, a: ResolveArgsInput): Promise<ComplaintEntity> {
    const c = await this.staffReach(p, a.id, 'RESOLVE');
    const override = a.workOrderOverrideReason ?? null;
    if (c.kind === 'REPAIR' && !override) {
      const blocking = await blockingWorkOrders(this.ds, c.tenantId, c.id);
      if (blocking.length) {
        const list = blocking.map((w) => `${w.id} (${w.trade}, ${w.status === 'COMPLETED' ? 'completed, not signed by the customer' : w.status})`).join('; ');
        throw new InvalidTransitionError(
          `the repair cannot be resolved while its work orders are open or unsigned: ${list}; finish them, or give workOrderOverrideReason`,
        );
      }
    }
    return this.act(p, c, 'RESOLVE', resolveUpdate, {
      resolution: a.resolution, customerSigned: a.customerSigned ?? null, ...(override ? { workOrderOverrideReason: override } : {}),
    }, a.requestId);
  }

  callback(p: Principal, a: CallbackArgsInput): Promise<ComplaintEntity> {
    return this.act(p, a.id, 'CALLBACK', callbackUpdate, { method: a.method, satisfied: a.satisfied, comment: a.comment ?? null }, a.requestId);
  }

  specialReport(p: Principal, a: SpecialReportArgsInput): Promise<ComplaintEntity> {
    return this.act(p, a.id, 'SPECIAL_REPORT', specialReportUpdate, { whatHappened: a.whatHappened, rootCause: a.rootCause, preventiveMeasures: a.preventiveMeasures }, a.requestId);
  }

  // --- severity that follows the facts -----------------------------------------------------------

  /** Staff correct the facts severity is judged by (at least one); the level follows upward, with the reason on the timeline. */
  async updateFacts(p: Principal, a: UpdateFactsArgsInput): Promise<ComplaintEntity> {
    // Who may act first: outside the caller's reach it is NOT_FOUND whatever the arguments say.
    const c = await this.staffReach(p, a.id, 'UPDATE_FACTS');
    const facts: FactsPatch = {};
    for (const key of FACT_KEYS) {
      const v = a[key];
      // lossAmountYuan may be cleared with null; the other facts are left as they are when absent.
      if (v !== undefined && (v !== null || key === 'lossAmountYuan')) (facts as Record<string, unknown>)[key] = v;
    }
    if (Object.keys(facts).length === 0) {
      throw new BadUserInputError([{ field: 'householdsAffected', message: `give at least one fact to update (${FACT_KEYS.join(', ')})` }]);
    }
    return this.act(p, c, 'UPDATE_FACTS', updateFactsUpdate, { facts, reason: a.reason }, a.requestId);
  }

  /** Staff set the category and/or the level explicitly (any level, with a reason: never silently). */
  async reclassify(p: Principal, a: ReclassifyArgsInput): Promise<ComplaintEntity> {
    const c = await this.staffReach(p, a.id, 'RECLASSIFY');
    if (!a.category && !a.severity) throw new BadUserInputError([{ field: 'severity', message: 'give a category or a severity (or both)' }]);
    return this.act(p, c, 'RECLASSIFY', reclassifyUpdate, { category: a.category ?? null, severity: a.severity ?? null, reason: a.reason }, a.requestId);
  }

  /** The complaint, when the caller may take the action on it (else NOT_FOUND / FORBIDDEN, before the arguments are judged). */
  private async staffReach(p: Principal, id: string, action: ComplaintPermissionAction): Promise<ComplaintEntity> {
    const c = await this.get(p, id);
    const refusal = complaintPermissionRefusal(p, action, c);
    if (refusal) throw new ForbiddenError(refusal);
    return c;
  }

  /** The facility outage the complaint records is over: its severity timer stops. */
  facilityRestored(p: Principal, a: FacilityRestoredArgsInput): Promise<ComplaintEntity> {
    return this.act(p, a.id, 'RECORD_FACILITY_RESTORED', facilityRestoredUpdate, { restoredAt: a.restoredAt.getTime() }, a.requestId);
  }

  withdraw(p: Principal, a: WithdrawArgsInput): Promise<ComplaintEntity> {
    return this.act(p, a.id, 'WITHDRAW', withdrawUpdate, { reason: a.reason }, a.requestId);
  }

  /**
   * `id` becomes MERGED into `intoId`: an open complaint the caller sees, of the same branch and the same
   * matter (linked to one matter, or, until a matter links them, from the same complainant). Its workflow
   * closes its deadlines, ends, and tells the survivor (MERGE_RECEIVED).
   */
  /**
   * Merges are serialised per branch (an advisory lock held from the checks until the merge has
   * applied): A→B and B→A sent at once would otherwise both pass the checks and leave two
   * complaints merged into each other, neither open.
   */
  async merge(p: Principal, a: MergeArgsInput): Promise<ComplaintEntity> {
    const first = await this.get(p, a.id);
    return withTenantLock(this.ds, first.tenantId, `merge:${first.branchId}`, () => this.mergeLocked(p, a));
  }

  private async mergeLocked(p: Principal, a: MergeArgsInput): Promise<ComplaintEntity> {
    const c = await this.get(p, a.id);
    const refusal = complaintPermissionRefusal(p, 'MERGE', c);
    if (refusal) throw new ForbiddenError(refusal);
    const bad = (message: string): BadUserInputError => new BadUserInputError([{ field: 'intoId', message }]);
    if (a.intoId === c.id) throw bad('a complaint cannot be merged into itself');
    const into = await this.find(p, a.intoId);
    if (!into || into.branchId !== c.branchId) throw bad('intoId must be a complaint of the same branch');
    // Not into a merged one (no chains, no cycles), nor into one that has ended.
    if (isTerminal(into.status)) throw bad(`intoId is ${into.status}: a complaint is merged only into an open one`);
    if (!sameMatter(c, into)) {
      throw bad('intoId must be the same matter: linked to the same matter, or from the same complainant (same phone, or same name and unit)');
    }
    return this.act(p, c, 'MERGE', mergeUpdate, { intoId: into.id, intoReference: into.reference, reason: a.reason }, a.requestId);
  }

  /**
   * 首问责任制: an explicit hand-over, with a note, to a colleague who works in the complaint's branch.
   * Answers the complaint and who follows it through now: a handler who hands it on no longer sees it
   * afterwards, so they get the record as they last saw it, with its new owner.
   */
  async handOver(p: Principal, a: HandOverArgsInput): Promise<{ complaint: ComplaintEntity; ownerId: string }> {
    const c = await this.get(p, a.id);
    const refusal = complaintPermissionRefusal(p, 'HAND_OVER', c);
    if (refusal) throw new ForbiddenError(refusal);
    const target = await this.org.user(c.tenantId, a.toUserId);
    const roles = target ? await this.org.rolesOf(c.tenantId, target.id) : [];
    if (!target || !canBeHandedOver({ roles }, c)) {
      throw new BadUserInputError([{ field: 'toUserId', message: 'toUserId must be a colleague who works in the complaint\'s branch' }]);
    }
    // The same request again, after it applied, answers with its first outcome (act), not with this refusal.
    if (a.toUserId === (c.ownerId ?? c.firstContactOwnerId) && !(a.requestId && (await this.appliedBefore(c, a.requestId)))) {
      throw new BadUserInputError([{ field: 'toUserId', message: 'toUserId already follows this complaint through' }]);
    }
    try {
      const after = await this.act(p, c, 'HAND_OVER', handOverUpdate, { toUserId: a.toUserId, note: a.note }, a.requestId);
      return { complaint: after, ownerId: after.ownerId };
    } catch (err) {
      // Given an entity, act() looks the complaint up only after the action applied: out of sight now.
      if (err instanceof NotFoundError) return { complaint: c, ownerId: a.toUserId };
      throw err;
    }
  }
}

const instant = (s: string | null): Date | null => (s ? new Date(s) : null);

const digits = (phone: string | null): string => (phone ?? '').replace(/\D/g, '');

/** One matter: linked to the same matter, or (until a matter links them) the same complainant — same phone, or same name and unit. */
function sameMatter(a: ComplaintEntity, b: ComplaintEntity): boolean {
  if (a.matterId !== null && a.matterId === b.matterId) return true;
  if (digits(a.complainantPhone) !== '' && digits(a.complainantPhone) === digits(b.complainantPhone)) return true;
  return a.complainantUnit !== null && a.complainantName === b.complainantName && a.complainantUnit === b.complainantUnit;
}

export function toDeadlineDto(d: StoredDeadline): DeadlineDto {
  return { kind: d.kind, round: d.round, dueAt: new Date(d.dueAt), metAt: instant(d.metAt), breachedAt: instant(d.breachedAt) };
}

/**
 * The complaint as the caller may see it: whole (FULL), or what an outside firm's job needs (JOB:
 * the fields of `JOB_VIEW_WITHHELD` empty; the timeline resolver reads `view`).
 */
export function toDto(c: ComplaintEntity, p: Principal, granted?: ComplaintView): ComplaintDto {
  // `granted`: a view the caller holds through something else (a work order's contractor: the job view).
  const view = granted ?? complaintView(p, c);
  // Rows come from `visible`, which selects exactly what has a view: this only guards a new caller.
  if (!view) throw new NotFoundError('complaint');
  const shows = (field: JobWithheldField): boolean => viewShows(view, field);
  return {
    id: c.id,
    view,
    tenantId: c.tenantId,
    branchId: c.branchId,
    reference: c.reference,
    channel: c.channel,
    kind: c.kind,
    category: c.category,
    severity: c.severity,
    emergency: c.emergency,
    validity: c.validity,
    responsibility: c.responsibility,
    status: c.status,
    round: c.round,
    description: c.description,
    demand: shows('demand') ? c.demand : null,
    location: c.location,
    householdsAffected: c.householdsAffected,
    complainant: { name: c.complainantName, phone: c.complainantPhone, unit: c.complainantUnit, email: c.complainantEmail ?? null },
    receivedAt: c.receivedAt,
    deadlines: c.deadlines.map(toDeadlineDto),
    satisfied: shows('satisfied') ? c.satisfied : null,
    workflowId: c.workflowId,
    policyVersion: c.policyVersion,
    matterId: shows('matterId') ? c.matterId : null,
    customerDeadline: shows('customerDeadline') ? c.customerDeadline : null,
    specialReport: c.specialReport && shows('specialReport')
      ? { ...c.specialReport, submittedAt: new Date(c.specialReport.submittedAt), submittedById: c.specialReport.submittedBy, tenantId: c.tenantId }
      : null,
    firstContactOwnerId: c.firstContactOwnerId,
    ownerId: c.ownerId ?? c.firstContactOwnerId,
    mergedIntoId: c.mergedIntoId,
    assigneeId: c.assigneeId,
  };
}
