import type { EntityManager } from 'typeorm';
import type { ComplaintState, TimelineEventRecord } from '../../domain/src/lifecycle/complaint.types';
import { complaintFactValues, stageFactValues } from './projections/report-facts.projection';

const SEVERITY_ORDER = `ARRAY['GENERAL', 'IMPORTANT', 'HOT', 'MAJOR']`;

/**
 * Upserts a complaint's reporting facts (report_complaint_facts and its report_stage_facts) in the
 * caller's tenant transaction, after the read-model row was written (company, branch, kind,
 * received time and owner are read from it). Idempotent and never backwards: a write whose state
 * sequence is not newer than the stored one changes nothing; "first" instants stay once set and the
 * peak severity never goes down. Returns whether the facts were written.
 */
export async function upsertReportFacts(
  m: EntityManager, tenantId: string, complaintId: string, state: ComplaintState, events: TimelineEventRecord[],
  opts: { firstWrite?: boolean } = {},
): Promise<boolean> {
  const f = complaintFactValues(state, events);
  const written: unknown[] = await m.query(
    `INSERT INTO report_complaint_facts AS f (
       tenant_id, complaint_id, company_id, branch_id, zone, category, kind, severity, peak_severity, hot_or_major_at, received_at,
       valid, invalid, resolved_at, called_back_at, satisfied, reopened, closed_at, withdrawn, merged, open, overdue,
       dispatcher_id, specialist_id, escalation_count, special_report_at, updated_seq)
     SELECT c.tenant_id, c.id, c.company_id, c.branch_id, b.timezone, $3, c.kind, $4, $5,
       COALESCE($6::timestamptz, CASE WHEN $5 IN ('HOT', 'MAJOR') THEN c.received_at END), c.received_at,
       $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, c.owner_id,
       (SELECT count(*)::int FROM escalations x WHERE x.tenant_id = c.tenant_id AND x.complaint_id = c.id), $19, $20
     FROM complaints c JOIN branches b ON b.tenant_id = c.tenant_id AND b.id = c.branch_id WHERE c.id = $1 AND c.tenant_id = $2
     ON CONFLICT (tenant_id, complaint_id) DO UPDATE SET
       company_id = EXCLUDED.company_id, branch_id = EXCLUDED.branch_id, zone = EXCLUDED.zone, category = EXCLUDED.category, kind = EXCLUDED.kind,
       severity = EXCLUDED.severity,
       peak_severity = CASE WHEN array_position(${SEVERITY_ORDER}, EXCLUDED.peak_severity) > array_position(${SEVERITY_ORDER}, f.peak_severity)
         THEN EXCLUDED.peak_severity ELSE f.peak_severity END,
       hot_or_major_at = COALESCE(f.hot_or_major_at, EXCLUDED.hot_or_major_at),
       valid = EXCLUDED.valid, invalid = EXCLUDED.invalid,
       resolved_at = COALESCE(f.resolved_at, EXCLUDED.resolved_at),
       called_back_at = COALESCE(f.called_back_at, EXCLUDED.called_back_at),
       satisfied = EXCLUDED.satisfied, reopened = f.reopened OR EXCLUDED.reopened, closed_at = EXCLUDED.closed_at,
       withdrawn = EXCLUDED.withdrawn, merged = EXCLUDED.merged, open = EXCLUDED.open, overdue = EXCLUDED.overdue,
       dispatcher_id = COALESCE(f.dispatcher_id, EXCLUDED.dispatcher_id), specialist_id = EXCLUDED.specialist_id,
       escalation_count = EXCLUDED.escalation_count,
       special_report_at = COALESCE(f.special_report_at, EXCLUDED.special_report_at), updated_seq = EXCLUDED.updated_seq
     WHERE f.updated_seq < EXCLUDED.updated_seq
     RETURNING 1`,
    [
      complaintId, tenantId, f.category, f.severity, f.peakSeverity, f.hotOrMajorAt, f.valid, f.invalid, f.resolvedAt, f.calledBackAt,
      f.satisfied, f.reopened, f.closedAt, f.withdrawn, f.merged, f.open, f.overdue, f.dispatcherId, f.specialReportAt, f.updatedSeq,
    ],
  );
  if (written.length === 0) return false;
  const stages = stageFactValues(state);
  if (stages.length > 0) {
    await m.query(
      `INSERT INTO report_stage_facts AS s (
         tenant_id, complaint_id, kind, round, started_at, due_at, completed_at, breached_at, cancelled_at, met_on_time, actor_id,
         company_id, branch_id, zone, category, severity_at_completion, updated_seq)
       SELECT c.tenant_id, c.id, d.kind, d.round, d.started_at, d.due_at, d.completed_at, d.breached_at, d.cancelled_at, d.met_on_time,
         d.actor_id, c.company_id, c.branch_id, b.timezone, $3, d.severity, $4
       FROM complaints c JOIN branches b ON b.tenant_id = c.tenant_id AND b.id = c.branch_id
       CROSS JOIN unnest($5::text[], $6::int[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::timestamptz[],
         $11::timestamptz[], $12::boolean[], $13::uuid[], $14::text[])
         AS d(kind, round, started_at, due_at, completed_at, breached_at, cancelled_at, met_on_time, actor_id, severity)
       WHERE c.id = $1 AND c.tenant_id = $2
       ON CONFLICT (tenant_id, complaint_id, kind, round, started_at) DO UPDATE SET
         due_at = EXCLUDED.due_at, completed_at = EXCLUDED.completed_at, breached_at = EXCLUDED.breached_at,
         cancelled_at = EXCLUDED.cancelled_at, met_on_time = EXCLUDED.met_on_time,
         actor_id = COALESCE(s.actor_id, EXCLUDED.actor_id), severity_at_completion = COALESCE(s.severity_at_completion, EXCLUDED.severity_at_completion),
         company_id = EXCLUDED.company_id, branch_id = EXCLUDED.branch_id, zone = EXCLUDED.zone, category = EXCLUDED.category, updated_seq = EXCLUDED.updated_seq
       WHERE s.updated_seq < EXCLUDED.updated_seq`,
      [
        complaintId, tenantId, state.category, state.seq,
        stages.map((d) => d.kind), stages.map((d) => d.round), stages.map((d) => d.startedAt), stages.map((d) => d.dueAt),
        stages.map((d) => d.completedAt), stages.map((d) => d.breachedAt), stages.map((d) => d.cancelledAt), stages.map((d) => d.metOnTime),
        stages.map((d) => d.actorId), stages.map((d) => d.severityAtCompletion),
      ],
    );
  }
  // Deadlines the state no longer has (an open one replaced by a re-dispatch or a new round). The
  // complaint's first write (its row inserted in this transaction) has none: one statement less per intake.
  if (opts.firstWrite) return true;
  await m.query(
    `DELETE FROM report_stage_facts WHERE tenant_id = $1 AND complaint_id = $2 AND updated_seq < $3`,
    [tenantId, complaintId, state.seq],
  );
  return true;
}
