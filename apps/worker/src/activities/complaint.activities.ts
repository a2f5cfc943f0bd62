import { ApplicationFailure } from '@temporalio/activity';
import { DataSource, EntityManager } from 'typeorm';
import { complaintWorkflowId } from '../../../../workflows/shared/ids';
import type { ComplaintProjection, ProjectionFailureRecord } from '../../../../workflows/shared/complaint.types';
import type { ComplaintActivities, ComplaintAnalysis, RegisterComplaintArgs } from './complaint.activities.types';
import { writeFailure } from './write-failure.util';

function localYear(ms: number, timezone: string): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone: timezone, year: 'numeric' }).format(new Date(ms)));
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * The complaint workflow's side effects: thin and idempotent. Every write is keyed by the
 * complaint id and the workflow's event sequence, so a retried activity never duplicates anything.
 */
export class ComplaintActivitiesService implements ComplaintActivities {
  constructor(private readonly dataSource: DataSource) {}

  async registerComplaint(args: RegisterComplaintArgs): Promise<{ reference: string }> {
    try {
      return await this.register(args);
    } catch (err) {
      throw writeFailure(err, { complaintId: args.complaintId, reference: null, step: 'registerComplaint' });
    }
  }

  private async register(args: RegisterComplaintArgs): Promise<{ reference: string }> {
    const { tenantId, complaintId, intake } = args;
    return this.dataSource.transaction(async (m) => {
      // Two attempts at once (a timed-out attempt still running when its retry starts) take turns
      // here, so the second sees the first one's row instead of failing on its primary key.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`register:${complaintId}`]);
      // A retry after a commit whose acknowledgement was lost: the row and its events are there.
      const existing = await m.query(`SELECT reference FROM complaints WHERE id = $1 AND tenant_id = $2`, [complaintId, tenantId]);
      if (existing.length > 0) return { reference: existing[0].reference as string };
      const [branch] = await m.query(`SELECT code, timezone FROM branches WHERE id = $1 AND tenant_id = $2`, [intake.branchId, tenantId]);
      if (!branch) throw ApplicationFailure.nonRetryable(`branch ${intake.branchId} not found`, 'NOT_FOUND');
      const year = localYear(intake.receivedAt, branch.timezone);
      // The counter row is locked by this upsert until commit, so concurrent intakes queue here
      // and a rolled-back intake gives its number back: references have neither gaps nor duplicates.
      const [{ last }] = await m.query(
        `INSERT INTO reference_counters (tenant_id, branch_id, year, last) VALUES ($1, $2, $3, 1)
         ON CONFLICT (tenant_id, branch_id, year) DO UPDATE SET last = reference_counters.last + 1
         RETURNING last`,
        [tenantId, intake.branchId, year],
      );
      const reference = `${branch.code}-${year}-${String(last).padStart(6, '0')}`;
      await m.query(
        `INSERT INTO complaints (
           id, tenant_id, company_id, branch_id, reference, idempotency_key, workflow_id, channel, kind, category,
           severity, emergency, validity, responsibility, status, round, description, demand, location,
           households_affected, loss_amount_yuan, injury, media_exposure, litigation, complainant_name,
           complainant_phone, complainant_unit, first_contact_owner_id, received_at, policy_version, last_seq, customer_deadline)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,'UNDETERMINED','UNDETERMINED','RECEIVED',1,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,0,$27)`,
        [
          complaintId, tenantId, intake.companyId, intake.branchId, reference, intake.idempotencyKey,
          complaintWorkflowId(tenantId, complaintId), intake.channel, intake.kind, intake.category, args.severity,
          intake.emergency, intake.description, intake.demand, intake.location, intake.householdsAffected,
          intake.lossAmountYuan, intake.injury, intake.mediaExposure, intake.litigation, intake.complainant.name,
          intake.complainant.phone, intake.complainant.unit, intake.firstContactOwnerId, new Date(intake.receivedAt),
          args.policyVersion, intake.customerDeadline ? new Date(intake.customerDeadline) : null,
        ],
      );
      await this.applyProjection(m, args);
      return { reference };
    });
  }

  async persistComplaint(p: ComplaintProjection): Promise<void> {
    try {
      await this.dataSource.transaction((m) => this.applyProjection(m, p));
    } catch (err) {
      throw writeFailure(err, { complaintId: p.complaintId, reference: p.state?.reference, step: 'persistComplaint' });
    }
  }

  /**
   * A write that failed for good: an ALERT line (ids, reference and codes only) and, when the
   * complaint has a row, the PROJECTION_FAILED event on its timeline (seq from the workflow).
   */
  async recordProjectionFailure(r: ProjectionFailureRecord): Promise<void> {
    console.error(
      `ALERT complaint write failed for good: tenant ${r.tenantId} complaint ${r.complaintId} reference ${r.reference ?? '(not registered)'}`
      + ` step ${r.step} type ${r.failureType}: ${r.failureMessage}`,
    );
    const e = r.event;
    if (!e) return;
    try {
      await this.dataSource.query(
        `INSERT INTO complaint_events (complaint_id, seq, tenant_id, at, type, actor, data)
         SELECT $1, $2, $3, $4, $5, $6, $7::jsonb WHERE EXISTS (SELECT 1 FROM complaints WHERE id = $1 AND tenant_id = $3)
         ON CONFLICT (complaint_id, seq) DO NOTHING`,
        [r.complaintId, e.seq, r.tenantId, new Date(e.at), e.type, e.actor, JSON.stringify(e.data)],
      );
    } catch (err) {
      throw writeFailure(err, { complaintId: r.complaintId, reference: r.reference, step: 'recordProjectionFailure' });
    }
  }

  /** Timeline events (once each, by seq) and the row's projection (only a newer seq overwrites it). */
  private async applyProjection(m: EntityManager, p: ComplaintProjection): Promise<void> {
    const s = p.state;
    const specialReport = s.specialReport ? { ...s.specialReport, submittedAt: iso(s.specialReport.submittedAt) } : null;
    const deadlines = s.deadlines.map((d) => ({
      kind: d.kind, round: d.round, dueAt: iso(d.dueAt), metAt: iso(d.metAt), breachedAt: iso(d.breachedAt),
    }));
    const overdue = s.deadlines.some((d) => d.breachedAt !== null && d.metAt === null);
    {
      await this.insertEvents(m, p);
      // last_seq guards against an out-of-order retry overwriting a newer projection.
      await m.query(
        `UPDATE complaints SET status = $3, round = $4, category = $5, severity = $6, validity = $7, responsibility = $8,
           assignee_id = $9, resolved_at = $10, closed_at = $11, satisfied = $12, last_callback_method = $13,
           deadlines = $14::jsonb, overdue = $15, last_seq = $16, special_report = $17::jsonb,
           calendar_changed_at = COALESCE($18, calendar_changed_at), updated_at = now()
         WHERE id = $1 AND tenant_id = $2 AND last_seq < $16`,
        [
          p.complaintId, p.tenantId, s.status, s.round, s.category, s.severity, s.validity, s.responsibility, s.assigneeId,
          s.resolvedAt === null ? null : new Date(s.resolvedAt), s.closedAt === null ? null : new Date(s.closedAt),
          s.satisfied, s.lastCallbackMethod, JSON.stringify(deadlines), overdue, s.seq,
          specialReport ? JSON.stringify(specialReport) : null,
          p.events.some((e) => e.type === 'CALENDAR_CHANGED') ? new Date() : null,
        ],
      );
    }
  }

  private async insertEvents(m: EntityManager, p: ComplaintProjection): Promise<void> {
    if (p.events.length === 0) return;
    const values: unknown[] = [];
    const rows = p.events.map((e, i) => {
      values.push(p.complaintId, e.seq, p.tenantId, new Date(e.at), e.type, e.actor, JSON.stringify(e.data));
      const b = i * 7;
      return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7}::jsonb)`;
    });
    await m.query(
      `INSERT INTO complaint_events (complaint_id, seq, tenant_id, at, type, actor, data) VALUES ${rows.join(',')}
       ON CONFLICT (complaint_id, seq) DO NOTHING`,
      values,
    );
  }

  async analyseComplaint(args: { tenantId: string; complaintId: string }): Promise<ComplaintAnalysis> {
    const events: { type: string; at: Date; data: Record<string, unknown> }[] = await this.dataSource.query(
      `SELECT type, at, data FROM complaint_events WHERE complaint_id = $1 AND tenant_id = $2 ORDER BY seq`,
      [args.complaintId, args.tenantId],
    );
    const first = (type: string): number | null => {
      const e = events.find((x) => x.type === type);
      return e ? new Date(e.at).getTime() : null;
    };
    const last = (type: string): number | null => {
      const list = events.filter((x) => x.type === type);
      return list.length ? new Date(list[list.length - 1].at).getTime() : null;
    };
    const received = first('RECEIVED');
    const since = (t: number | null): number | null => (t === null || received === null ? null : t - received);
    const reopenCount = events.filter((e) => e.type === 'REOPENED').length;
    return {
      rounds: reopenCount + 1,
      reopenCount,
      msToDispatch: since(first('DISPATCHED')),
      msToResolve: since(last('RESOLVED')),
      msToCallback: since(last('CALLBACK')),
      deadlinesMet: events.filter((e) => e.type === 'DEADLINE_MET').length,
      deadlinesBreached: events.filter((e) => e.type === 'DEADLINE_BREACHED').length,
    };
  }
}

/** The plain object of functions Temporal registers (methods bound to the service). */
export function complaintActivities(service: ComplaintActivitiesService): ComplaintActivities {
  return {
    registerComplaint: service.registerComplaint.bind(service),
    persistComplaint: service.persistComplaint.bind(service),
    analyseComplaint: service.analyseComplaint.bind(service),
    recordProjectionFailure: service.recordProjectionFailure.bind(service),
  };
}
