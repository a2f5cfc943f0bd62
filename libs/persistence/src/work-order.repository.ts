import type { EntityManager } from 'typeorm';
import { OPEN_WORK_ORDER_STATUSES, Trade, WorkOrderStatus } from '../../domain/src/work-order/work-order.types';
import { inTenant, TenantSource } from './tenant-transaction';

// The work orders' read side the gateway and the worker use (domain.md §6): the branch's contractor list,
// contractors' trades, the work orders that block a complaint's resolution, and the contractor scorecard.
// Everything runs in a tenant transaction (row-level security applies); the gateway calls these, never SQL.

export interface ContractorTradeRank { trade: Trade; rank: number }

export interface BranchContractor {
  userId: string;
  name: string;
  /** All the contractor's trades, lowest rank first. */
  trades: ContractorTradeRank[];
}

/** A CONTRACTOR grant reaching the branch: on the branch itself, or company-wide on its company. */
const REACHES_BRANCH = `EXISTS (SELECT 1 FROM role_assignments ra
   WHERE ra.tenant_id = ct.tenant_id AND ra.user_id = ct.user_id AND ra.role = 'CONTRACTOR'
     AND (ra.branch_id = $2 OR (ra.branch_id IS NULL AND ra.company_id = $3)))`;

/**
 * The next contractor of `trade` on the branch's list (rank, then name, then id), skipping `exclude`;
 * null when nobody is left.
 */
export async function nextBranchContractor(
  source: TenantSource, tenantId: string,
  a: { branchId: string; companyId: string; trade: Trade; exclude: readonly string[] },
): Promise<string | null> {
  return inTenant(source, tenantId, async (m) => {
    const [row]: { user_id: string }[] = await m.query(
      `SELECT ct.user_id FROM contractor_trades ct JOIN users u ON u.tenant_id = ct.tenant_id AND u.id = ct.user_id
        WHERE ct.tenant_id = $1 AND ct.trade = $4 AND NOT (ct.user_id = ANY($5::uuid[])) AND ${REACHES_BRANCH}
        ORDER BY ct.rank, u.name, ct.user_id LIMIT 1`,
      [tenantId, a.branchId, a.companyId, a.trade, a.exclude.filter(isUuid)],
    );
    return row?.user_id ?? null;
  });
}

/**
 * The branch's contractors: every CONTRACTOR whose grant reaches the branch and who has a trade (of
 * `trade` when given), with all their trades. With a trade: in the list's order (that trade's rank,
 * name, id); without: by their best rank, name, id.
 */
export async function branchContractors(
  source: TenantSource, tenantId: string, a: { branchId: string; companyId: string; trade?: Trade | null },
): Promise<BranchContractor[]> {
  return inTenant(source, tenantId, async (m) => {
    const rows: { user_id: string; name: string; trades: ContractorTradeRank[] }[] = await m.query(
      `SELECT ct.user_id, u.name,
              jsonb_agg(jsonb_build_object('trade', ct.trade, 'rank', ct.rank) ORDER BY ct.rank, ct.trade) AS trades,
              min(ct.rank) FILTER (WHERE $4::text IS NULL OR ct.trade = $4) AS list_rank
         FROM contractor_trades ct JOIN users u ON u.tenant_id = ct.tenant_id AND u.id = ct.user_id
        WHERE ct.tenant_id = $1 AND ${REACHES_BRANCH}
        GROUP BY ct.user_id, u.name
       HAVING $4::text IS NULL OR bool_or(ct.trade = $4)
        ORDER BY list_rank, u.name, ct.user_id`,
      [tenantId, a.branchId, a.companyId, a.trade ?? null],
    );
    return rows.map((r) => ({ userId: r.user_id, name: r.name, trades: r.trades }));
  });
}

/** Replaces a contractor's trades (an empty list removes them from every list). */
export async function setContractorTrades(
  source: TenantSource, tenantId: string, userId: string, trades: readonly ContractorTradeRank[],
): Promise<ContractorTradeRank[]> {
  return inTenant(source, tenantId, async (m) => {
    await m.query(`DELETE FROM contractor_trades WHERE tenant_id = $1 AND user_id = $2`, [tenantId, userId]);
    // One row per trade: a trade named twice keeps its first rank.
    const seen = new Set<string>();
    const unique = trades.filter((t) => (seen.has(t.trade) ? false : (seen.add(t.trade), true)));
    if (unique.length > 0) {
      await m.query(
        `INSERT INTO contractor_trades (tenant_id, user_id, trade, rank)
         SELECT $1, $2, t.trade, t.rank FROM jsonb_to_recordset($3::jsonb) AS t(trade text, rank integer)`,
        [tenantId, userId, JSON.stringify(unique.map((t) => ({ trade: t.trade, rank: t.rank })))],
      );
    }
    return (await contractorTradesIn(m, tenantId, [userId])).get(userId) ?? [];
  });
}

/** The trades of each user (lowest rank first); every id asked for is in the map (no trades: empty). */
export async function contractorTrades(source: TenantSource, tenantId: string, userIds: readonly string[]): Promise<Map<string, ContractorTradeRank[]>> {
  return inTenant(source, tenantId, (m) => contractorTradesIn(m, tenantId, userIds));
}

async function contractorTradesIn(m: EntityManager, tenantId: string, userIds: readonly string[]): Promise<Map<string, ContractorTradeRank[]>> {
  const out = new Map<string, ContractorTradeRank[]>(userIds.map((id) => [id, []]));
  const ids = userIds.filter(isUuid);
  if (ids.length === 0) return out;
  const rows: { user_id: string; trade: Trade; rank: number }[] = await m.query(
    `SELECT user_id, trade, rank FROM contractor_trades WHERE tenant_id = $1 AND user_id = ANY($2::uuid[]) ORDER BY user_id, rank, trade`,
    [tenantId, ids],
  );
  for (const r of rows) out.get(r.user_id)?.push({ trade: r.trade, rank: r.rank });
  return out;
}

export interface BlockingWorkOrder { id: string; status: WorkOrderStatus; customerSigned: boolean; trade: Trade }

/**
 * The complaint's work orders that keep it from being resolved: open ones (OPEN_WORK_ORDER_STATUSES) and
 * completed ones the customer has not signed. Oldest first.
 */
export async function blockingWorkOrders(source: TenantSource, tenantId: string, complaintId: string): Promise<BlockingWorkOrder[]> {
  if (!isUuid(complaintId)) return [];
  return inTenant(source, tenantId, async (m) => {
    const rows: { id: string; status: WorkOrderStatus; customer_signed: boolean; trade: Trade }[] = await m.query(
      `SELECT id, status, customer_signed, trade FROM work_orders
        WHERE tenant_id = $1 AND complaint_id = $2 AND (status = ANY($3::text[]) OR (status = 'COMPLETED' AND NOT customer_signed))
        ORDER BY issued_at, id`,
      [tenantId, complaintId, [...OPEN_WORK_ORDER_STATUSES]],
    );
    return rows.map((r) => ({ id: r.id, status: r.status, customerSigned: r.customer_signed, trade: r.trade }));
  });
}

// --- scorecard ------------------------------------------------------------------------------------

/** The counts behind a contractor's scores (the rates are their quotients; a rate of nothing is 0). */
export interface ScoreCounts {
  /** Attempts started in the period. */
  orders: number;
  /** Contacted by contact_due_at. */
  contactsOnTime: number;
  /** Contact made or missed. */
  contactsDecided: number;
  /** Completed by completion_due_at. */
  completionsOnTime: number;
  /** A booked visit whose completion is decided: completed, completion_due_at passed, or the visit missed. */
  completionsDecided: number;
  completed: number;
  /** Completed and not reopened by an unsatisfied return visit. */
  firstTimeFixes: number;
  /** Return visits recorded. */
  returnVisits: number;
  satisfied: number;
  /** Attempts with a recorded one-chance miss (contact or visit). */
  misses: number;
}

export interface ScoreRates {
  onTimeContactRate: number;
  onTimeCompletionRate: number;
  firstTimeFixRate: number;
  satisfactionRate: number;
}

export interface CategoryScore extends ScoreCounts, ScoreRates { category: string | null }

export interface ContractorScoreRow extends ScoreCounts, ScoreRates {
  contractorId: string;
  name: string;
  /** 1-based place in the ranking (satisfaction desc, first-time fix desc, misses asc, name, id). */
  rank: number;
  /** Per complaint category at issue (003 四.2.1), by category (null last). */
  byCategory: CategoryScore[];
}

export interface ScorecardQuery {
  /** Period [fromMs, toMs): an attempt belongs to it by its started_at. */
  fromMs: number;
  toMs: number;
  contractorId?: string | null;
  /** Only attempts on these branches (the caller's scope); null/undefined: the whole tenant. */
  branchIds?: readonly string[] | null;
  /** "Now" for completion deadlines that have passed (default: the clock). */
  nowMs?: number;
}

export const rateOf = (n: number, d: number): number => (d > 0 ? n / d : 0);

function ratesOf(c: ScoreCounts): ScoreRates {
  return {
    onTimeContactRate: rateOf(c.contactsOnTime, c.contactsDecided),
    onTimeCompletionRate: rateOf(c.completionsOnTime, c.completionsDecided),
    firstTimeFixRate: rateOf(c.firstTimeFixes, c.completed),
    satisfactionRate: rateOf(c.satisfied, c.returnVisits),
  };
}

/** The ranking: satisfaction desc, first-time fix desc, misses asc, then name and id. */
export function compareScores(a: ContractorScoreRow, b: ContractorScoreRow): number {
  return b.satisfactionRate - a.satisfactionRate
    || b.firstTimeFixRate - a.firstTimeFixRate
    || a.misses - b.misses
    || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
    || (a.contractorId < b.contractorId ? -1 : a.contractorId > b.contractorId ? 1 : 0);
}

interface ScoreSqlRow {
  contractor_id: string;
  name: string;
  category: string | null;
  by_category: number;
  orders: number; contacts_on_time: number; contacts_decided: number; completions_on_time: number; completions_decided: number;
  completed: number; first_time_fixes: number; return_visits: number; satisfied: number; misses: number;
}

/**
 * Each contractor's scorecard for the period, ranked: one aggregation over work_order_attempts
 * (work_order_attempts_contractor_idx), totals and per category in one pass (GROUPING SETS).
 */
export async function contractorScorecard(source: TenantSource, tenantId: string, q: ScorecardQuery): Promise<ContractorScoreRow[]> {
  if (!Number.isFinite(q.fromMs) || !Number.isFinite(q.toMs) || q.toMs <= q.fromMs) return [];
  if (q.contractorId && !isUuid(q.contractorId)) return [];
  const branchIds = q.branchIds == null ? null : q.branchIds.filter(isUuid);
  if (branchIds && branchIds.length === 0) return [];
  const now = new Date(q.nowMs ?? Date.now()).toISOString();
  return inTenant(source, tenantId, async (m) => {
    const rows: ScoreSqlRow[] = await m.query(
      `SELECT a.contractor_id, u.name, a.category,
              GROUPING(a.category)::int AS by_category,
              count(*)::int AS orders,
              count(*) FILTER (WHERE a.contacted_at IS NOT NULL AND a.contacted_at <= a.contact_due_at)::int AS contacts_on_time,
              count(*) FILTER (WHERE a.contacted_at IS NOT NULL OR a.missed = 'CONTRACTOR_CONTACT')::int AS contacts_decided,
              count(*) FILTER (WHERE a.completed_at IS NOT NULL
                                 AND (a.completion_due_at IS NULL OR a.completed_at <= a.completion_due_at))::int AS completions_on_time,
              count(*) FILTER (WHERE a.booked_for IS NOT NULL
                                 AND (a.completed_at IS NOT NULL OR a.completion_due_at < $6::timestamptz OR a.missed = 'VISIT'))::int
                AS completions_decided,
              count(*) FILTER (WHERE a.completed_at IS NOT NULL)::int AS completed,
              count(*) FILTER (WHERE a.completed_at IS NOT NULL AND NOT a.reopened)::int AS first_time_fixes,
              count(*) FILTER (WHERE a.return_visit_satisfied IS NOT NULL)::int AS return_visits,
              count(*) FILTER (WHERE a.return_visit_satisfied)::int AS satisfied,
              count(*) FILTER (WHERE a.missed IS NOT NULL)::int AS misses
         FROM work_order_attempts a JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.contractor_id
        WHERE a.tenant_id = $1 AND a.started_at >= $2::timestamptz AND a.started_at < $3::timestamptz
          AND ($4::uuid IS NULL OR a.contractor_id = $4::uuid)
          AND ($5::uuid[] IS NULL OR a.branch_id = ANY($5::uuid[]))
        GROUP BY GROUPING SETS ((a.contractor_id, u.name), (a.contractor_id, u.name, a.category))
        ORDER BY a.contractor_id, GROUPING(a.category) DESC, a.category NULLS LAST`,
      [tenantId, new Date(q.fromMs).toISOString(), new Date(q.toMs).toISOString(), q.contractorId ?? null, branchIds, now],
    );
    const byContractor = new Map<string, ContractorScoreRow>();
    const categories: ScoreSqlRow[] = [];
    for (const r of rows) {
      // GROUPING(category) = 1: the contractor's total row.
      if (Number(r.by_category) === 1) {
        const counts = countsOf(r);
        byContractor.set(r.contractor_id, { contractorId: r.contractor_id, name: r.name, rank: 0, ...counts, ...ratesOf(counts), byCategory: [] });
      } else {
        categories.push(r);
      }
    }
    for (const r of categories) {
      const counts = countsOf(r);
      byContractor.get(r.contractor_id)?.byCategory.push({ category: r.category, ...counts, ...ratesOf(counts) });
    }
    const ranked = [...byContractor.values()].sort(compareScores);
    ranked.forEach((s, i) => {
      s.rank = i + 1;
    });
    return ranked;
  });
}

function countsOf(r: ScoreSqlRow): ScoreCounts {
  return {
    orders: r.orders, contactsOnTime: r.contacts_on_time, contactsDecided: r.contacts_decided,
    completionsOnTime: r.completions_on_time, completionsDecided: r.completions_decided, completed: r.completed,
    firstTimeFixes: r.first_time_fixes, returnVisits: r.return_visits, satisfied: r.satisfied, misses: r.misses,
  };
}

function isUuid(v: unknown): v is string {
  return typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
}
