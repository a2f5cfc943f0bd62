import { ApplicationFailure } from '@temporalio/activity';
import { DataSource, EntityManager } from 'typeorm';
import type {
  Trade, WorkOrderAttempt, WorkOrderDeadline, WorkOrderDeadlineKind, WorkOrderState,
} from '../../../../libs/domain/src/work-order/work-order.types';
import { nextBranchContractor } from '../../../../libs/persistence/src/work-order.repository';
import { tenantTransaction } from '../../../../libs/persistence/src/tenant-transaction';
import { DATA_REJECTED } from '../../../../workflows/shared/complaint.types';
import type { PersistWorkOrderArgs, WorkOrderActivities } from '../../../../workflows/shared/work-order';
import { writeFailure } from './write-failure.util';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An instant of the state as an ISO string for PostgreSQL (an invalid one throws RangeError: deterministic). */
const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/**
 * The deadline of `kind` (of `attempt` when given) that is still open, else the latest one (by start):
 * what the row shows as "due at" for that clock.
 */
export function currentDeadline(deadlines: readonly WorkOrderDeadline[], kind: WorkOrderDeadlineKind, attempt?: number): WorkOrderDeadline | null {
  let open: WorkOrderDeadline | null = null;
  let latest: WorkOrderDeadline | null = null;
  for (const d of deadlines) {
    if (d.kind !== kind || (attempt !== undefined && d.attempt !== attempt)) continue;
    const isOpen = d.metAt === null && d.breachedAt === null && (d.cancelledAt ?? null) === null;
    if (isOpen && (!open || d.startedAt >= open.startedAt)) open = d;
    if (!latest || d.attempt > latest.attempt || (d.attempt === latest.attempt && d.startedAt >= latest.startedAt)) latest = d;
  }
  return open ?? latest;
}

function rejected(args: PersistWorkOrderArgs, why: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `Writing work order ${String(args?.workOrderId)} (complaint ${String(args?.complaintId)}) was rejected for good: ${why}`,
    DATA_REJECTED,
    { workOrderId: args?.workOrderId ?? null, complaintId: args?.complaintId ?? null, step: 'persistWorkOrder' },
  );
}

/** The shape checks a write can never get past (so it is not retried for ever). */
function checkArgs(a: PersistWorkOrderArgs): void {
  for (const k of ['tenantId', 'workOrderId', 'complaintId', 'branchId', 'companyId'] as const) {
    if (typeof a?.[k] !== 'string' || !UUID.test(a[k])) throw rejected(a, `${k} is not a uuid`);
  }
  const s = a.state;
  if (!s || typeof s !== 'object') throw rejected(a, 'no state');
  if (!Number.isInteger(s.seq) || s.seq < 0) throw rejected(a, 'state.seq is not a non-negative integer');
  if (!Array.isArray(s.attempts) || !Array.isArray(s.deadlines)) throw rejected(a, 'state.attempts or state.deadlines is not a list');
  if (typeof s.contractorId !== 'string' || !UUID.test(s.contractorId)) throw rejected(a, 'state.contractorId is not a uuid');
  for (const t of s.attempts) {
    if (!Number.isInteger(t?.attempt) || typeof t.contractorId !== 'string' || !UUID.test(t.contractorId)) throw rejected(a, 'an attempt has no number or contractor');
  }
  if (!Array.isArray(a.events)) throw rejected(a, 'events is not a list');
  for (const e of a.events) if (!Number.isInteger(e?.seq)) throw rejected(a, 'an event has no integer seq');
}

/**
 * The work-order workflow's side: project its state into work_orders / work_order_attempts /
 * work_order_events (one tenant transaction, idempotent, never backwards), and find the next
 * contractor of a trade on a branch's list.
 */
export class WorkOrderActivitiesService implements WorkOrderActivities {
  constructor(private readonly dataSource: DataSource) {}

  async persistWorkOrder(a: PersistWorkOrderArgs): Promise<void> {
    checkArgs(a);
    try {
      await tenantTransaction(this.dataSource, a.tenantId, async (m) => {
        const written = await this.upsertOrder(m, a);
        // An older state arriving late (a retry overtaken by a newer write) leaves the row and its attempts alone.
        if (written) await this.upsertAttempts(m, a);
        await this.appendEvents(m, a);
      });
    } catch (err) {
      throw writeFailure(err, { complaintId: a.complaintId, reference: null, step: `persistWorkOrder ${a.workOrderId}` });
    }
  }

  async nextContractor(a: { tenantId: string; branchId: string; companyId: string; trade: Trade; exclude: string[] }): Promise<string | null> {
    return nextBranchContractor(this.dataSource, a.tenantId, a);
  }

  /** Upserts the row when the incoming seq is at least the stored one; true when it was written. */
  private async upsertOrder(m: EntityManager, a: PersistWorkOrderArgs): Promise<boolean> {
    const s: WorkOrderState = a.state;
    const contact = currentDeadline(s.deadlines, 'CONTRACTOR_CONTACT');
    const returnVisit = currentDeadline(s.deadlines, 'RETURN_VISIT');
    const current = s.attempts.find((t) => t.attempt === s.attempt);
    const contactDueAt = contact?.dueAt ?? current?.contactDueAt ?? null;
    const issuedBy = typeof a.issuedBy === 'string' && UUID.test(a.issuedBy) ? a.issuedBy : null;
    const rows: { id: string }[] = await m.query(
      `INSERT INTO work_orders (id, tenant_id, complaint_id, branch_id, company_id, workflow_id, trade, contractor_id, status, description,
                                attempt, issued_by, issued_at, contact_due_at, contacted_at, booked_for, on_site_at, completed_at, materials,
                                charge_yuan, customer_signed, signed_by_name, signed_at, signature_image_id, return_visit_due_at,
                                return_visit_at, return_visit_satisfied, awaiting_dispatcher, cancelled_reason, deadlines, state, seq, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19::jsonb, $20, $21, $22, $23, $24, $25,
               $26, $27, $28, $29, $30::jsonb, $31::jsonb, $32, now())
       ON CONFLICT (id) DO UPDATE SET
         trade = EXCLUDED.trade, contractor_id = EXCLUDED.contractor_id, status = EXCLUDED.status, description = EXCLUDED.description,
         attempt = EXCLUDED.attempt, issued_by = COALESCE(work_orders.issued_by, EXCLUDED.issued_by),
         contact_due_at = EXCLUDED.contact_due_at, contacted_at = EXCLUDED.contacted_at, booked_for = EXCLUDED.booked_for,
         on_site_at = EXCLUDED.on_site_at, completed_at = EXCLUDED.completed_at, materials = EXCLUDED.materials,
         charge_yuan = EXCLUDED.charge_yuan, customer_signed = EXCLUDED.customer_signed, signed_by_name = EXCLUDED.signed_by_name,
         signed_at = EXCLUDED.signed_at, signature_image_id = EXCLUDED.signature_image_id,
         return_visit_due_at = EXCLUDED.return_visit_due_at, return_visit_at = EXCLUDED.return_visit_at,
         return_visit_satisfied = EXCLUDED.return_visit_satisfied, awaiting_dispatcher = EXCLUDED.awaiting_dispatcher,
         cancelled_reason = EXCLUDED.cancelled_reason, deadlines = EXCLUDED.deadlines, state = EXCLUDED.state, seq = EXCLUDED.seq,
         updated_at = now()
       WHERE work_orders.tenant_id = EXCLUDED.tenant_id AND work_orders.seq <= EXCLUDED.seq
       RETURNING id`,
      [
        a.workOrderId, a.tenantId, a.complaintId, a.branchId, a.companyId, a.workflowId, s.trade, s.contractorId, s.status, s.description,
        s.attempt, issuedBy, iso(s.issuedAt), iso(contactDueAt), iso(s.contactedAt), iso(s.bookedFor), iso(s.onSiteAt), iso(s.completedAt),
        JSON.stringify(s.materials ?? []), s.chargeYuan ?? null, s.signature != null, s.signature?.signedBy ?? null,
        iso(s.signature?.signedAt ?? null), s.signature?.imageId ?? null, iso(returnVisit?.dueAt ?? null),
        iso(s.returnVisit?.at ?? null), s.returnVisit ? s.returnVisit.satisfied : null, s.awaitingDispatcher === true,
        s.cancelledReason ?? null, JSON.stringify(s.deadlines), JSON.stringify(s), s.seq,
      ],
    );
    return rows.length > 0;
  }

  /** One statement for every attempt (the scorecard's rows): inserted, or brought up to date. */
  private async upsertAttempts(m: EntityManager, a: PersistWorkOrderArgs): Promise<void> {
    if (a.state.attempts.length === 0) return;
    const rows = a.state.attempts.map((t: WorkOrderAttempt) => ({
      attempt: t.attempt,
      contractor_id: t.contractorId,
      cause: t.cause,
      started_at: iso(t.startedAt),
      contact_due_at: iso(t.contactDueAt),
      contacted_at: iso(t.contactedAt),
      booked_for: iso(t.bookedFor),
      on_site_at: iso(t.onSiteAt),
      completion_due_at: iso(t.completionDueAt ?? currentDeadline(a.state.deadlines, 'COMPLETION', t.attempt)?.dueAt ?? null),
      completed_at: iso(t.completedAt),
      missed: t.missed ?? null,
      ended: t.ended ?? null,
      reopened: t.reopened === true,
      return_visit_satisfied: t.returnVisitSatisfied ?? null,
    }));
    await m.query(
      `INSERT INTO work_order_attempts (tenant_id, work_order_id, attempt, contractor_id, branch_id, company_id, trade, category, cause,
                                        started_at, contact_due_at, contacted_at, booked_for, on_site_at, completion_due_at, completed_at,
                                        missed, ended, reopened, return_visit_satisfied)
       SELECT $1, $2, r.attempt, r.contractor_id, $3, $4, $5, $6, r.cause, r.started_at, r.contact_due_at, r.contacted_at, r.booked_for,
              r.on_site_at, r.completion_due_at, r.completed_at, r.missed, r.ended, r.reopened, r.return_visit_satisfied
         FROM jsonb_to_recordset($7::jsonb) AS r(attempt integer, contractor_id uuid, cause text, started_at timestamptz,
              contact_due_at timestamptz, contacted_at timestamptz, booked_for timestamptz, on_site_at timestamptz,
              completion_due_at timestamptz, completed_at timestamptz, missed text, ended text, reopened boolean, return_visit_satisfied boolean)
       ON CONFLICT (tenant_id, work_order_id, attempt) DO UPDATE SET
         contractor_id = EXCLUDED.contractor_id, trade = EXCLUDED.trade, category = EXCLUDED.category, cause = EXCLUDED.cause,
         started_at = EXCLUDED.started_at, contact_due_at = EXCLUDED.contact_due_at, contacted_at = EXCLUDED.contacted_at,
         booked_for = EXCLUDED.booked_for, on_site_at = EXCLUDED.on_site_at, completion_due_at = EXCLUDED.completion_due_at,
         completed_at = EXCLUDED.completed_at, missed = EXCLUDED.missed, ended = EXCLUDED.ended, reopened = EXCLUDED.reopened,
         return_visit_satisfied = EXCLUDED.return_visit_satisfied`,
      [a.tenantId, a.workOrderId, a.branchId, a.companyId, a.state.trade, a.category ?? null, JSON.stringify(rows)],
    );
  }

  /** The new timeline events; the (tenant, order, seq) key makes a retried write a no-op. */
  private async appendEvents(m: EntityManager, a: PersistWorkOrderArgs): Promise<void> {
    if (a.events.length === 0) return;
    const rows = a.events.map((e) => ({
      seq: e.seq,
      type: e.type,
      at: iso(e.at),
      // Only a user id goes in actor_id (a system event has none).
      actor_id: typeof e.actorId === 'string' && UUID.test(e.actorId) ? e.actorId : null,
      payload: e.payload ?? {},
    }));
    await m.query(
      `INSERT INTO work_order_events (tenant_id, work_order_id, seq, type, at, actor_id, payload)
       SELECT $1, $2, e.seq, e.type, e.at, e.actor_id, COALESCE(e.payload, '{}'::jsonb)
         FROM jsonb_to_recordset($3::jsonb) AS e(seq integer, type text, at timestamptz, actor_id uuid, payload jsonb)
       ON CONFLICT (tenant_id, work_order_id, seq) DO NOTHING`,
      [a.tenantId, a.workOrderId, JSON.stringify(rows)],
    );
  }
}

/** The activity functions the worker registers. */
export function workOrderActivities(s: WorkOrderActivitiesService): WorkOrderActivities {
  return {
    persistWorkOrder: s.persistWorkOrder.bind(s),
    nextContractor: s.nextContractor.bind(s),
  };
}
