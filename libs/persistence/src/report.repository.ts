import { DataSource, type EntityManager } from 'typeorm';
import { instantToZoned, localDate } from '../../domain/src/calendar/zoned-time.util';
import { DEADLINE_KINDS, type DeadlineKind, type Severity } from '../../domain/src/enums';
import { TenantSource, UUID, inTenant } from './tenant-transaction';

// The reports of domain.md §7 over the reporting facts (migration 1763920000000-reporting), through
// the tenant's transaction (row-level security). Definitions (binding; the GraphQL descriptions
// repeat them), for a period [from, to):
// - received: complaints received in the period (withdrawn and merged ones left out of every count);
//   valid / invalid: of those, validity VALID / INVALID.
// - resolved: of the valid received in the period, those first resolved before the end (cohort);
//   processingRate = resolved ÷ valid.  closed: received in the period and closed before its end.
// - timelinessRate = stages (deadlines) completed in the period within their due time ÷ stages completed in the period.
// - callbackRate = valid complaints first resolved in the period that were called back before the end ÷ those resolved.
// - satisfactionRate = satisfied ÷ callbacks, over complaints first called back in the period (their last verdict).
// - reopenRate = complaints first resolved in the period that were reopened ÷ complaints first resolved in the period.
// - firstTimeFixRate = work-order attempts completed in the period and not reopened ÷ attempts completed in the period.
// - overdueOpen: open complaints (not closed, withdrawn or merged) with a deadline breached and not met, now.
// - A rate with nothing to count is 0; the counts are returned with it.

/** What a report covers: a period, a time zone (for its days and months), and a scope. */
export interface ReportQuery {
  /** [fromMs, toMs): epoch milliseconds. */
  fromMs: number;
  toMs: number;
  /** Only these companies (null/undefined: no company restriction). An empty list: nothing. */
  companyIds?: readonly string[] | null;
  /** Only these branches (null/undefined: no branch restriction). An empty list: nothing. */
  branchIds?: readonly string[] | null;
  /** The zone the period's bounds were computed in (months of the escalation review are named in it). */
  timeZone: string;
}

/** One category's or severity's figures. */
export interface FigureBreakdown {
  received: number;
  valid: number;
  resolved: number;
  processingRate: number;
  callbacks: number;
  satisfied: number;
  satisfactionRate: number;
}

export interface ReportFigures {
  fromMs: number;
  toMs: number;
  timeZone: string;
  received: number;
  valid: number;
  invalid: number;
  /** Of the valid received in the period, first resolved before its end (cohort). */
  resolved: number;
  closed: number;
  processingRate: number;
  stagesCompleted: number;
  stagesOnTime: number;
  timelinessRate: number;
  /** Complaints first resolved in the period (any validity): the reopen rate's denominator. */
  resolvedInPeriod: number;
  /** Valid complaints first resolved in the period: the callback rate's denominator. */
  validResolvedInPeriod: number;
  /** Of those, called back before the end of the period. */
  calledBack: number;
  callbackRate: number;
  /** Complaints first called back in the period. */
  callbacks: number;
  /** Of those, whose last verdict is satisfied. */
  satisfied: number;
  satisfactionRate: number;
  /** Complaints first resolved in the period that were reopened. */
  reopened: number;
  reopenRate: number;
  workOrdersCompleted: number;
  workOrdersFixedFirstTime: number;
  firstTimeFixRate: number;
  overdueOpen: number;
  byCategory: Record<string, FigureBreakdown>;
  bySeverity: Record<string, FigureBreakdown>;
}

export interface BranchFigures {
  branchId: string;
  branchCode: string;
  branchName: string;
  companyId: string;
  figures: ReportFigures;
}

/** A branch's place in the ranking (003 第三部分). */
export interface RankedBranch extends BranchFigures {
  /** 1-based: satisfaction rate desc, then processing rate desc, then branch code. */
  rank: number;
  /** One of the last three (marked only when at least 4 branches are ranked). */
  bottomThree: boolean;
  /** One of the three largest satisfaction increases vs the previous period of the same length (increase > 0). */
  topImprover: boolean;
  /** Satisfaction rate now minus in the previous period; null when either period had no callbacks. */
  satisfactionChange: number | null;
}

export type EscalationStatus = 'NONE' | 'OPEN' | 'ACKNOWLEDGED';

export interface EscalationReviewItem {
  complaintId: string;
  branchId: string;
  companyId: string;
  severity: Severity;
  peakSeverity: Severity;
  hotOrMajorAt: Date | null;
  receivedAt: Date;
  closedAt: Date | null;
  /** Whole days from receipt to closure (or to now while open). */
  ageDays: number;
  /** NONE: never escalated; OPEN: an escalation awaits acknowledgement; ACKNOWLEDGED: all acknowledged (or superseded). */
  escalationStatus: EscalationStatus;
  escalations: number;
  specialReportSubmitted: boolean;
  specialReportAt: Date | null;
  /** "YYYY-MM" (in the report's zone) of its first HOT/MAJOR in the quarter, else of its receipt. */
  month: string;
}

export interface EscalationReviewData {
  items: EscalationReviewItem[];
  /** { "YYYY-MM": { complaints, hot, major, escalated, specialReports } } */
  byMonth: Record<string, { complaints: number; hot: number; major: number; escalated: number; specialReports: number }>;
}

export interface SpecialistScoreRow {
  userId: string;
  name: string;
  /** Complaints received in the period that this specialist follows through (not withdrawn or merged). */
  received: number;
  /** Of those, closed before the end of the period. */
  closed: number;
  closureRate: number;
}

export interface StageTimeRow {
  kind: DeadlineKind;
  /** Stages of this kind completed in the period. */
  completed: number;
  onTime: number;
  /** completed_at − started_at, calendar minutes. */
  averageMinutes: number;
  /** 90th percentile (continuous) of the same. */
  p90Minutes: number;
  onTimeRate: number;
}

export const rateOf = (n: number, d: number): number => (d > 0 ? n / d : 0);

const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

/** Parameters and a WHERE fragment for a table alias; null when the scope is empty (nothing to report). */
class Sql {
  readonly params: unknown[] = [];
  add(v: unknown): string {
    this.params.push(v);
    return `$${this.params.length}`;
  }
}

function scopeIds(q: Pick<ReportQuery, 'companyIds' | 'branchIds'>): ScopeIds | null {
  const companyIds = q.companyIds == null ? null : q.companyIds.filter(isUuid);
  const branchIds = q.branchIds == null ? null : q.branchIds.filter(isUuid);
  if ((companyIds && companyIds.length === 0) || (branchIds && branchIds.length === 0)) return null;
  return { companyIds, branchIds };
}

/**
 * A company scope as the company's branches (one small query): every pass then filters by branch,
 * which the (tenant, branch, instant) indexes serve; null when nothing is in scope.
 */
async function narrowScope(source: TenantSource, tenantId: string, q: Pick<ReportQuery, 'companyIds' | 'branchIds'>): Promise<ScopeIds | null> {
  const scope = scopeIds(q);
  if (!scope || !scope.companyIds) return scope;
  const companyIds = scope.companyIds;
  const rows: { id: string }[] = await inTenant(source, tenantId, (m) =>
    m.query(`SELECT id FROM branches WHERE tenant_id = $1 AND company_id = ANY($2::uuid[]) ORDER BY id`, [tenantId, companyIds]));
  const ids = rows.map((r) => r.id).filter((id) => !scope.branchIds || scope.branchIds.includes(id));
  return ids.length > 0 ? { companyIds: null, branchIds: ids } : null;
}

function scopeWhere(sql: Sql, alias: string, tenantId: string, scope: ScopeIds): string {
  const parts = [`${alias}.tenant_id = ${sql.add(tenantId)}::uuid`];
  if (scope.companyIds) parts.push(`${alias}.company_id = ANY(${sql.add(scope.companyIds)}::uuid[])`);
  if (scope.branchIds) parts.push(`${alias}.branch_id = ANY(${sql.add(scope.branchIds)}::uuid[])`);
  return parts.join(' AND ');
}

/** A query's parameters so far: the period's bounds ($1, $2) and the scope's WHERE for `alias`. */
function periodSql(q: ReportQuery, alias: string, tenantId: string, scope: ScopeIds): { sql: Sql; from: string; to: string; where: string } {
  const sql = new Sql();
  const from = sql.add(new Date(q.fromMs).toISOString());
  const to = sql.add(new Date(q.toMs).toISOString());
  return { sql, from, to, where: scopeWhere(sql, alias, tenantId, scope) };
}

function validPeriod(q: ReportQuery): boolean {
  return Number.isFinite(q.fromMs) && Number.isFinite(q.toMs) && q.toMs > q.fromMs;
}

interface ComplaintCounts {
  received: number; valid: number; invalid: number; resolved: number; closed: number; resolved_in_period: number;
  valid_resolved_in_period: number; called_back: number; callbacks: number; satisfied: number; reopened: number;
}
interface StageCounts { completed: number; on_time: number }
interface WorkOrderCounts { completed: number; first_time: number }

const ZERO_COMPLAINTS: ComplaintCounts = {
  received: 0, valid: 0, invalid: 0, resolved: 0, closed: 0, resolved_in_period: 0, valid_resolved_in_period: 0,
  called_back: 0, callbacks: 0, satisfied: 0, reopened: 0,
};

type ScopeIds = { companyIds: string[] | null; branchIds: string[] | null };
type ComplaintCountRow = ComplaintCounts & { branch_id: string | null; category: string | null; severity: string | null; g_branch: number; g_category: number };

/**
 * The complaint-fact counts of the period straight from the facts, in one pass over the facts
 * received, first resolved or first called back in it (three index ranges), per branch, per category
 * and per severity (GROUPING SETS; every count is additive, so the total is the sum of the branches).
 * Used for the branches whose days the rollups do not count in the report's zone.
 */
async function complaintCounts(m: EntityManager, tenantId: string, q: ReportQuery, scope: ScopeIds): Promise<ComplaintCountRow[]> {
  const { sql, from, to, where } = periodSql(q, 'f', tenantId, scope);
  const inPeriod = (col: string): string => `(f.${col} >= ${from}::timestamptz AND f.${col} < ${to}::timestamptz)`;
  return m.query(
    `SELECT f.branch_id, f.category, f.severity,
            GROUPING(f.branch_id)::int AS g_branch, GROUPING(f.category)::int AS g_category,
            count(*) FILTER (WHERE x.rec)::int AS received,
            count(*) FILTER (WHERE x.rec AND f.valid)::int AS valid,
            count(*) FILTER (WHERE x.rec AND f.invalid)::int AS invalid,
            count(*) FILTER (WHERE x.rec AND f.valid AND f.resolved_at < ${to}::timestamptz)::int AS resolved,
            count(*) FILTER (WHERE x.rec AND f.closed_at < ${to}::timestamptz)::int AS closed,
            count(*) FILTER (WHERE x.res)::int AS resolved_in_period,
            count(*) FILTER (WHERE x.res AND f.reopened)::int AS reopened,
            count(*) FILTER (WHERE x.res AND f.valid)::int AS valid_resolved_in_period,
            count(*) FILTER (WHERE x.res AND f.valid AND f.called_back_at < ${to}::timestamptz)::int AS called_back,
            count(*) FILTER (WHERE x.cb)::int AS callbacks,
            count(*) FILTER (WHERE x.cb AND f.satisfied)::int AS satisfied
       FROM report_complaint_facts f
       CROSS JOIN LATERAL (SELECT ${inPeriod('received_at')} AS rec, ${inPeriod('resolved_at')} AS res, ${inPeriod('called_back_at')} AS cb) x
      WHERE ${where} AND NOT f.withdrawn AND NOT f.merged
        AND (${inPeriod('received_at')} OR ${inPeriod('resolved_at')} OR ${inPeriod('called_back_at')})
      GROUP BY GROUPING SETS ((f.branch_id), (f.category), (f.severity))`,
    sql.params,
  );
}

/** The period as local days [fromDay, toDay) of its zone when both bounds are local midnights there; else null. */
export function periodDays(q: Pick<ReportQuery, 'fromMs' | 'toMs' | 'timeZone'>): { fromDay: string; toDay: string } | null {
  const midnight = (ms: number): string | null => {
    const l = instantToZoned(ms, q.timeZone);
    return l.hour === 0 && l.minute === 0 && l.second === 0 && l.millisecond === 0 ? localDate(ms, q.timeZone) : null;
  };
  const fromDay = midnight(q.fromMs);
  const toDay = midnight(q.toMs);
  return fromDay && toDay ? { fromDay, toDay } : null;
}

/**
 * The same counts from the day rollups (migration 1763930000000-report-rollups) for branches that
 * count their days in the report's zone. The additive counts are sums of days; the cohort counts are
 * the period's count minus those still pending at its end (received in the period and not resolved,
 * not closed; resolved in it and not called back), found through the pending-interval GiST indexes
 * by `report_pending_counts` (the transaction's tenant only).
 */
async function rolledComplaintCounts(
  m: EntityManager, tenantId: string, q: ReportQuery, days: { fromDay: string; toDay: string }, branchIds: string[],
): Promise<ComplaintCountRow[]> {
  const sql = new Sql();
  const tenant = sql.add(tenantId);
  const branches = sql.add(branchIds);
  const zone = sql.add(q.timeZone);
  const fromDay = sql.add(days.fromDay);
  const toDay = sql.add(days.toDay);
  const start = sql.add(new Date(q.fromMs).toISOString());
  const end = sql.add(new Date(q.toMs).toISOString());
  const parts = [
    `SELECT d.branch_id, d.category, d.severity, sum(d.received) AS received, sum(d.valid) AS valid, sum(d.invalid) AS invalid,
            sum(d.resolved) AS resolved_in_period, sum(d.reopened) AS reopened, sum(d.valid_resolved) AS valid_resolved,
            sum(d.callbacks) AS callbacks, sum(d.satisfied) AS satisfied, 0 AS pending_resolution, 0 AS pending_closure, 0 AS pending_callback
       FROM report_day_counts d
      WHERE d.tenant_id = ${tenant}::uuid AND d.zone = ${zone} AND d.day >= ${fromDay}::date AND d.day < ${toDay}::date
        AND d.branch_id = ANY(${branches}::uuid[])
      GROUP BY d.branch_id, d.category, d.severity`,
    // Pending at the period's end, received (resolved, for callbacks) in it: the transaction's tenant only (see the migration).
    `SELECT p.branch_id, p.category, p.severity, 0, 0, 0, 0, 0, 0, 0, 0, p.pending_resolution, p.pending_closure, p.pending_callback
       FROM report_pending_counts(${branches}::uuid[], ${start}::timestamptz, ${end}::timestamptz) p`,
  ];
  return m.query(
    `SELECT u.branch_id, u.category, u.severity, GROUPING(u.branch_id)::int AS g_branch, GROUPING(u.category)::int AS g_category,
            sum(u.received)::int AS received, sum(u.valid)::int AS valid, sum(u.invalid)::int AS invalid,
            (sum(u.valid) - sum(u.pending_resolution))::int AS resolved,
            (sum(u.received) - sum(u.pending_closure))::int AS closed,
            sum(u.resolved_in_period)::int AS resolved_in_period, sum(u.reopened)::int AS reopened,
            sum(u.valid_resolved)::int AS valid_resolved_in_period,
            (sum(u.valid_resolved) - sum(u.pending_callback))::int AS called_back,
            sum(u.callbacks)::int AS callbacks, sum(u.satisfied)::int AS satisfied
       FROM (${parts.join(' UNION ALL ')}) u
      GROUP BY GROUPING SETS ((u.branch_id), (u.category), (u.severity))`,
    sql.params,
  );
}

/** Stages completed in the period, per branch, from the stage day rollups (branches counting days in the report's zone). */
async function rolledStageCounts(
  m: EntityManager, tenantId: string, q: ReportQuery, days: { fromDay: string; toDay: string }, branchIds: string[],
): Promise<(StageCounts & { branch_id: string })[]> {
  return m.query(
    `SELECT d.branch_id, sum(d.completed)::int AS completed, sum(d.on_time)::int AS on_time
       FROM report_stage_day_counts d
      WHERE d.tenant_id = $1::uuid AND d.zone = $2 AND d.day >= $3::date AND d.day < $4::date AND d.branch_id = ANY($5::uuid[])
      GROUP BY d.branch_id`,
    [tenantId, q.timeZone, days.fromDay, days.toDay, branchIds],
  );
}

/** Stages completed in the period, per branch. */
async function stageCounts(m: EntityManager, tenantId: string, q: ReportQuery, scope: ScopeIds): Promise<(StageCounts & { branch_id: string })[]> {
  const { sql, from, to, where } = periodSql(q, 's', tenantId, scope);
  return m.query(
    `SELECT s.branch_id, count(*)::int AS completed, count(*) FILTER (WHERE s.met_on_time)::int AS on_time
       FROM report_stage_facts s
      WHERE ${where} AND s.completed_at >= ${from}::timestamptz AND s.completed_at < ${to}::timestamptz
      GROUP BY s.branch_id`,
    sql.params,
  );
}

/** Work-order attempts completed in the period, per branch. */
async function workOrderCounts(m: EntityManager, tenantId: string, q: ReportQuery, scope: ScopeIds): Promise<(WorkOrderCounts & { branch_id: string })[]> {
  const { sql, from, to, where } = periodSql(q, 'a', tenantId, scope);
  return m.query(
    `SELECT a.branch_id, count(*)::int AS completed, count(*) FILTER (WHERE NOT a.reopened)::int AS first_time
       FROM work_order_attempts a
      WHERE ${where} AND a.completed_at >= ${from}::timestamptz AND a.completed_at < ${to}::timestamptz
      GROUP BY a.branch_id`,
    sql.params,
  );
}

/** Open complaints with a deadline breached and not met (now), per branch. */
async function overdueCounts(m: EntityManager, tenantId: string, scope: ScopeIds): Promise<{ branch_id: string; overdue: number }[]> {
  const sql = new Sql();
  const where = scopeWhere(sql, 'f', tenantId, scope);
  return m.query(
    `SELECT f.branch_id, count(*)::int AS overdue FROM report_complaint_facts f WHERE ${where} AND f.overdue AND f.open GROUP BY f.branch_id`,
    sql.params,
  );
}

function addCounts<T extends object>(into: T, r: T): T {
  const out = { ...into } as Record<string, unknown>;
  for (const [k, v] of Object.entries(r)) if (typeof v === 'number') out[k] = ((out[k] as number | undefined) ?? 0) + v;
  return out as T;
}

function breakdownOf(c: ComplaintCounts): FigureBreakdown {
  return {
    received: c.received, valid: c.valid, resolved: c.resolved, processingRate: rateOf(c.resolved, c.valid),
    callbacks: c.callbacks, satisfied: c.satisfied, satisfactionRate: rateOf(c.satisfied, c.callbacks),
  };
}

function figuresOf(
  q: ReportQuery, c: ComplaintCounts, s: StageCounts | undefined, w: WorkOrderCounts | undefined, overdue: number,
  byCategory: Record<string, FigureBreakdown>, bySeverity: Record<string, FigureBreakdown>,
): ReportFigures {
  const stagesCompleted = s?.completed ?? 0;
  const stagesOnTime = s?.on_time ?? 0;
  const workOrdersCompleted = w?.completed ?? 0;
  const workOrdersFixedFirstTime = w?.first_time ?? 0;
  return {
    fromMs: q.fromMs, toMs: q.toMs, timeZone: q.timeZone,
    received: c.received, valid: c.valid, invalid: c.invalid, resolved: c.resolved, closed: c.closed,
    processingRate: rateOf(c.resolved, c.valid),
    stagesCompleted, stagesOnTime, timelinessRate: rateOf(stagesOnTime, stagesCompleted),
    resolvedInPeriod: c.resolved_in_period, validResolvedInPeriod: c.valid_resolved_in_period,
    calledBack: c.called_back, callbackRate: rateOf(c.called_back, c.valid_resolved_in_period),
    callbacks: c.callbacks, satisfied: c.satisfied, satisfactionRate: rateOf(c.satisfied, c.callbacks),
    reopened: c.reopened, reopenRate: rateOf(c.reopened, c.resolved_in_period),
    workOrdersCompleted, workOrdersFixedFirstTime, firstTimeFixRate: rateOf(workOrdersFixedFirstTime, workOrdersCompleted),
    overdueOpen: overdue,
    byCategory, bySeverity,
  };
}

/** Figures with nothing counted (an empty scope, or a period that is not one). */
export function emptyFigures(q: ReportQuery): ReportFigures {
  return figuresOf(q, ZERO_COMPLAINTS, undefined, undefined, 0, {}, {});
}

/** The period's figures for the scope (the whole tenant when no company or branch is named). */
export async function reportFigures(source: TenantSource, tenantId: string, q: ReportQuery): Promise<ReportFigures> {
  return (await reportFiguresWithBranches(source, tenantId, q)).figures;
}

/**
 * Each branch's figures for the period (every branch of the scope, those with nothing counted too),
 * by branch code; byCategory and bySeverity are left empty here (ask reportFigures for one branch).
 */
export async function branchFigures(source: TenantSource, tenantId: string, q: ReportQuery): Promise<BranchFigures[]> {
  return (await reportFiguresWithBranches(source, tenantId, q)).branches;
}

/**
 * The figures of the scope and of each of its branches, from the same passes: the day rollups where
 * they count in the report's zone, the facts elsewhere (`rollups: false`: the facts everywhere — the
 * same figures, slower; the rollups' tests compare the two).
 */
export async function reportFiguresWithBranches(
  source: TenantSource, tenantId: string, q: ReportQuery, options: { rollups?: boolean } = {},
): Promise<{ figures: ReportFigures; branches: BranchFigures[] }> {
  const scope = await narrowScope(source, tenantId, q);
  if (!scope) return { figures: emptyFigures(q), branches: [] };
  const each = <T>(work: (m: EntityManager) => Promise<T>): Promise<T> => inTenant(source, tenantId, work);
  const branchRows = await each((m) => branchesOf(m, tenantId, scope));
  // Branches counting their days in the report's zone are read from the rollups; any other (a
  // tenant with branches in several zones, reported in one) straight from the facts.
  const days = validPeriod(q) && options.rollups !== false ? periodDays(q) : null;
  const rolled = days ? branchRows.filter((b) => b.timezone === q.timeZone).map((b) => b.id) : [];
  const raw = branchRows.map((b) => b.id).filter((id) => !rolled.includes(id));
  const rawScope: ScopeIds = { companyIds: null, branchIds: raw };
  const some = raw.length > 0 && validPeriod(q);
  // The passes are independent: from a data source each runs in its own tenant transaction, at once
  // (the report's latency is the slowest pass, not their sum); inside a caller's transaction, in turn.
  const concurrent = source instanceof DataSource;
  const none = <T>(): Promise<T[]> => Promise.resolve([]);
  const passes = [
    () => (days && rolled.length ? each((m) => rolledComplaintCounts(m, tenantId, q, days, rolled)) : none<ComplaintCountRow>()),
    () => (some ? each((m) => complaintCounts(m, tenantId, q, rawScope)) : none<ComplaintCountRow>()),
    () => (days && rolled.length ? each((m) => rolledStageCounts(m, tenantId, q, days, rolled)) : none<StageCounts & { branch_id: string }>()),
    () => (some ? each((m) => stageCounts(m, tenantId, q, rawScope)) : none<StageCounts & { branch_id: string }>()),
    () => (validPeriod(q) && branchRows.length ? each((m) => workOrderCounts(m, tenantId, q, scope)) : none<WorkOrderCounts & { branch_id: string }>()),
    () => (validPeriod(q) && branchRows.length ? each((m) => overdueCounts(m, tenantId, scope)) : none<{ branch_id: string; overdue: number }>()),
  ] as const;
  const results: unknown[] = [];
  if (concurrent) results.push(...(await Promise.all(passes.map((p) => p()))));
  else for (const p of passes) results.push(await p());
  const [rolledRows, rawRows, rolledStages, rawStages, orders, overdue] = results as [
    ComplaintCountRow[], ComplaintCountRow[], (StageCounts & { branch_id: string })[], (StageCounts & { branch_id: string })[],
    (WorkOrderCounts & { branch_id: string })[], { branch_id: string; overdue: number }[],
  ];
  const rows = [...rolledRows, ...rawRows];
  const stages = [...rolledStages, ...rawStages];
  const complaints = new Map<string, ComplaintCounts>();
  const categoryCounts: Record<string, ComplaintCounts> = {};
  const severityCounts: Record<string, ComplaintCounts> = {};
  let total: ComplaintCounts = ZERO_COMPLAINTS;
  for (const r of rows) {
    const counts = countsOnly(r);
    if (r.g_branch === 0 && r.branch_id) {
      complaints.set(r.branch_id, counts);
      total = addCounts(total, counts);
    } else if (r.g_category === 0 && r.category) categoryCounts[r.category] = addCounts(categoryCounts[r.category] ?? ZERO_COMPLAINTS, counts);
    else if (r.severity) severityCounts[r.severity] = addCounts(severityCounts[r.severity] ?? ZERO_COMPLAINTS, counts);
  }
  const breakdowns = (o: Record<string, ComplaintCounts>): Record<string, FigureBreakdown> =>
    Object.fromEntries(Object.entries(o).map(([k, c]) => [k, breakdownOf(c)]));
  const byCategory = breakdowns(categoryCounts);
  const bySeverity = breakdowns(severityCounts);
  const stageMap = byBranch(stages);
  const orderMap = byBranch(orders);
  const overdueMap = byBranch(overdue);
  const sum = <T extends object>(list: T[], zero: T): T => list.reduce((a, r) => addCounts(a, r), zero);
  const figures = figuresOf(
    q, total, sum(stages.map(({ completed, on_time }) => ({ completed, on_time })), { completed: 0, on_time: 0 }),
    sum(orders.map(({ completed, first_time }) => ({ completed, first_time })), { completed: 0, first_time: 0 }),
    overdue.reduce((a, r) => a + r.overdue, 0), sortKeys(byCategory), sortKeys(bySeverity),
  );
  const branches = branchRows.map((b) => ({
    branchId: b.id, branchCode: b.code, branchName: b.name, companyId: b.company_id,
    figures: figuresOf(q, complaints.get(b.id) ?? ZERO_COMPLAINTS, stageMap.get(b.id), orderMap.get(b.id), overdueMap.get(b.id)?.overdue ?? 0, {}, {}),
  }));
  return { figures, branches };
}

interface BranchRow { id: string; code: string; name: string; company_id: string; timezone: string }

function branchesOf(m: EntityManager, tenantId: string, scope: ScopeIds): Promise<BranchRow[]> {
  const sql = new Sql();
  const conds = [`b.tenant_id = ${sql.add(tenantId)}::uuid`];
  if (scope.companyIds) conds.push(`b.company_id = ANY(${sql.add(scope.companyIds)}::uuid[])`);
  if (scope.branchIds) conds.push(`b.id = ANY(${sql.add(scope.branchIds)}::uuid[])`);
  return m.query(`SELECT b.id, b.code, b.name, b.company_id, b.timezone FROM branches b WHERE ${conds.join(' AND ')} ORDER BY b.code, b.id`, sql.params);
}

function countsOnly(r: ComplaintCountRow): ComplaintCounts {
  return {
    received: r.received, valid: r.valid, invalid: r.invalid, resolved: r.resolved, closed: r.closed, resolved_in_period: r.resolved_in_period,
    valid_resolved_in_period: r.valid_resolved_in_period, called_back: r.called_back, callbacks: r.callbacks, satisfied: r.satisfied, reopened: r.reopened,
  };
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function byBranch<T extends { branch_id: string | null }>(rows: T[]): Map<string, T> {
  const out = new Map<string, T>();
  for (const r of rows) if (r.branch_id) out.set(r.branch_id, r);
  return out;
}

/**
 * The ranking of 003 第三部分 (pure): satisfaction rate desc, then processing rate desc, then branch
 * code; the last three marked when at least 4 branches are ranked; the three largest satisfaction
 * increases over `previous` (the period of the same length before) marked as top improvers.
 */
export function rankBranches(current: BranchFigures[], previous: BranchFigures[]): RankedBranch[] {
  const before = new Map(previous.map((b) => [b.branchId, b.figures]));
  const sorted = [...current].sort((a, b) =>
    b.figures.satisfactionRate - a.figures.satisfactionRate
    || b.figures.processingRate - a.figures.processingRate
    || (a.branchCode < b.branchCode ? -1 : a.branchCode > b.branchCode ? 1 : 0)
    || (a.branchId < b.branchId ? -1 : a.branchId > b.branchId ? 1 : 0));
  const ranked: RankedBranch[] = sorted.map((b, i) => {
    const prev = before.get(b.branchId);
    const change = prev && prev.callbacks > 0 && b.figures.callbacks > 0 ? b.figures.satisfactionRate - prev.satisfactionRate : null;
    return { ...b, rank: i + 1, bottomThree: sorted.length >= 4 && i >= sorted.length - 3, topImprover: false, satisfactionChange: change };
  });
  const improvers = ranked.filter((r) => r.satisfactionChange !== null && r.satisfactionChange > 0)
    .sort((a, b) => (b.satisfactionChange as number) - (a.satisfactionChange as number) || a.rank - b.rank)
    .slice(0, 3);
  for (const r of improvers) r.topImprover = true;
  return ranked;
}

/**
 * The quarterly escalation review's complaints: every complaint (not merged) whose peak severity is
 * HOT or MAJOR and that first became so in the period, or was received in it; with its escalations
 * (escalations table), special report and age; oldest first.
 */
export async function escalationReview(source: TenantSource, tenantId: string, q: ReportQuery, nowMs = Date.now()): Promise<EscalationReviewData> {
  const scope = await narrowScope(source, tenantId, q);
  if (!scope || !validPeriod(q)) return { items: [], byMonth: {} };
  return inTenant(source, tenantId, async (m) => {
    const sql = new Sql();
    const from = sql.add(new Date(q.fromMs).toISOString());
    const to = sql.add(new Date(q.toMs).toISOString());
    const zone = sql.add(q.timeZone);
    const now = sql.add(new Date(nowMs).toISOString());
    const where = scopeWhere(sql, 'f', tenantId, scope);
    const hotIn = `(f.hot_or_major_at >= ${from}::timestamptz AND f.hot_or_major_at < ${to}::timestamptz)`;
    const receivedIn = `(f.received_at >= ${from}::timestamptz AND f.received_at < ${to}::timestamptz)`;
    const rows: {
      complaint_id: string; branch_id: string; company_id: string; severity: Severity; peak_severity: Severity; hot_or_major_at: Date | null;
      received_at: Date; closed_at: Date | null; special_report_at: Date | null; month: string; age_days: number;
      escalations: number; open_escalations: number;
    }[] = await m.query(
      `SELECT f.complaint_id, f.branch_id, f.company_id, f.severity, f.peak_severity, f.hot_or_major_at, f.received_at, f.closed_at,
              f.special_report_at,
              to_char((CASE WHEN ${hotIn} THEN f.hot_or_major_at ELSE f.received_at END) AT TIME ZONE ${zone}, 'YYYY-MM') AS month,
              floor(extract(epoch FROM (COALESCE(f.closed_at, CASE WHEN f.open THEN NULL ELSE c.closed_at END, ${now}::timestamptz) - f.received_at)) / 86400)::int AS age_days,
              COALESCE(e.total, 0)::int AS escalations, COALESCE(e.open, 0)::int AS open_escalations
         FROM report_complaint_facts f
         JOIN complaints c ON c.tenant_id = f.tenant_id AND c.id = f.complaint_id
         LEFT JOIN LATERAL (
           SELECT count(*) AS total, count(*) FILTER (WHERE x.acknowledged_at IS NULL AND NOT x.superseded) AS open
             FROM escalations x WHERE x.tenant_id = f.tenant_id AND x.complaint_id = f.complaint_id
         ) e ON true
        WHERE ${where} AND NOT f.merged AND f.peak_severity IN ('HOT', 'MAJOR') AND (${hotIn} OR ${receivedIn})
        ORDER BY f.received_at, f.complaint_id`,
      sql.params,
    );
    const items: EscalationReviewItem[] = rows.map((r) => ({
      complaintId: r.complaint_id, branchId: r.branch_id, companyId: r.company_id, severity: r.severity, peakSeverity: r.peak_severity,
      hotOrMajorAt: r.hot_or_major_at, receivedAt: r.received_at, closedAt: r.closed_at, ageDays: Math.max(0, r.age_days),
      escalationStatus: r.escalations === 0 ? 'NONE' : r.open_escalations > 0 ? 'OPEN' : 'ACKNOWLEDGED',
      escalations: r.escalations, specialReportSubmitted: r.special_report_at !== null, specialReportAt: r.special_report_at, month: r.month,
    }));
    const byMonth: EscalationReviewData['byMonth'] = {};
    for (const i of items) {
      const b = (byMonth[i.month] ??= { complaints: 0, hot: 0, major: 0, escalated: 0, specialReports: 0 });
      b.complaints += 1;
      if (i.peakSeverity === 'MAJOR') b.major += 1;
      else b.hot += 1;
      if (i.escalations > 0) b.escalated += 1;
      if (i.specialReportSubmitted) b.specialReports += 1;
    }
    return { items, byMonth: sortKeys(byMonth) };
  });
}

/** Closure rate per specialist (004 篇3 §4.1.6): by closure rate desc, then received desc, then name. */
export async function specialistScores(source: TenantSource, tenantId: string, q: ReportQuery): Promise<SpecialistScoreRow[]> {
  const scope = await narrowScope(source, tenantId, q);
  if (!scope || !validPeriod(q)) return [];
  return inTenant(source, tenantId, async (m) => {
    const { sql, from, to, where } = periodSql(q, 'f', tenantId, scope);
    const rows: { user_id: string; name: string; received: number; closed: number }[] = await m.query(
      `SELECT f.specialist_id AS user_id, u.name, count(*)::int AS received,
              count(*) FILTER (WHERE f.closed_at < ${to}::timestamptz)::int AS closed
         FROM report_complaint_facts f JOIN users u ON u.tenant_id = f.tenant_id AND u.id = f.specialist_id
        WHERE ${where} AND NOT f.withdrawn AND NOT f.merged
          AND f.received_at >= ${from}::timestamptz AND f.received_at < ${to}::timestamptz
        GROUP BY f.specialist_id, u.name`,
      sql.params,
    );
    return rows
      .map((r) => ({ userId: r.user_id, name: r.name, received: r.received, closed: r.closed, closureRate: rateOf(r.closed, r.received) }))
      .sort((a, b) => b.closureRate - a.closureRate || b.received - a.received || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
        || (a.userId < b.userId ? -1 : 1));
  });
}

/** Time per stage (deadline kind) completed in the period: average and 90th percentile in calendar minutes. */
export async function stageTimes(source: TenantSource, tenantId: string, q: ReportQuery): Promise<StageTimeRow[]> {
  const scope = await narrowScope(source, tenantId, q);
  if (!scope || !validPeriod(q)) return [];
  return inTenant(source, tenantId, async (m) => {
    const { sql, from, to, where } = periodSql(q, 's', tenantId, scope);
    const rows: { kind: DeadlineKind; completed: number; on_time: number; avg_minutes: number; p90_minutes: number }[] = await m.query(
      `SELECT s.kind, count(*)::int AS completed, count(*) FILTER (WHERE s.met_on_time)::int AS on_time,
              avg(extract(epoch FROM (s.completed_at - s.started_at)) / 60)::float8 AS avg_minutes,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM (s.completed_at - s.started_at)) / 60)::float8 AS p90_minutes
         FROM report_stage_facts s
        WHERE ${where} AND s.completed_at >= ${from}::timestamptz AND s.completed_at < ${to}::timestamptz
        GROUP BY s.kind`,
      sql.params,
    );
    const order = (k: DeadlineKind): number => DEADLINE_KINDS.indexOf(k);
    return rows
      .map((r) => ({
        kind: r.kind, completed: r.completed, onTime: r.on_time, averageMinutes: Number(r.avg_minutes), p90Minutes: Number(r.p90_minutes),
        onTimeRate: rateOf(r.on_time, r.completed),
      }))
      .sort((a, b) => order(a.kind) - order(b.kind));
  });
}

/** Open complaints with a deadline breached and not met, oldest received first: their ids. */
export async function overdueComplaintIds(
  source: TenantSource, tenantId: string, q: Pick<ReportQuery, 'companyIds' | 'branchIds'> & { first: number },
): Promise<string[]> {
  const scope = await narrowScope(source, tenantId, q);
  if (!scope) return [];
  return inTenant(source, tenantId, async (m) => {
    const sql = new Sql();
    const where = scopeWhere(sql, 'f', tenantId, scope);
    const rows: { complaint_id: string }[] = await m.query(
      `SELECT f.complaint_id FROM report_complaint_facts f WHERE ${where} AND f.overdue AND f.open
        ORDER BY f.received_at, f.complaint_id LIMIT ${sql.add(Math.max(1, Math.min(q.first, 500)))}`,
      sql.params,
    );
    return rows.map((r) => r.complaint_id);
  });
}
