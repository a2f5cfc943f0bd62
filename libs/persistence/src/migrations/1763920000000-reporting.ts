import { MigrationInterface, QueryRunner } from 'typeorm';
import { isolateTenantTable } from './1763890000000-row-level-security';

/**
 * The reporting model (domain.md §7): facts the worker keeps, in the same tenant transaction as the
 * read model, so the reports never parse the timeline.
 *
 * - `report_complaint_facts`: one row per complaint (its outcome so far). "First" instants (first
 *   resolution, first callback, first HOT/MAJOR, first dispatcher) are kept once set; `updated_seq`
 *   is the workflow's event sequence the row reflects, and a write carrying an older one is ignored.
 * - `report_stage_facts`: one row per deadline of the complaint's state (kind, round, started); the
 *   complaint's rows are replaced as a whole by a newer write (a re-dispatch replaces an open deadline).
 *
 * Withdrawn and merged complaints keep their facts (flags), the reports leave them out of `received`.
 * A one-off backfill fills both tables from the complaints already there.
 */
export class Reporting1763920000000 implements MigrationInterface {
  name = 'Reporting1763920000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_complaint_facts (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        complaint_id uuid NOT NULL REFERENCES complaints(id),
        company_id uuid NOT NULL REFERENCES companies(id),
        branch_id uuid NOT NULL REFERENCES branches(id),
        category text NOT NULL,
        kind text NOT NULL,
        severity text NOT NULL,
        peak_severity text NOT NULL,
        hot_or_major_at timestamptz,
        received_at timestamptz NOT NULL,
        valid boolean NOT NULL DEFAULT false,
        invalid boolean NOT NULL DEFAULT false,
        resolved_at timestamptz,
        called_back_at timestamptz,
        satisfied boolean,
        reopened boolean NOT NULL DEFAULT false,
        closed_at timestamptz,
        withdrawn boolean NOT NULL DEFAULT false,
        merged boolean NOT NULL DEFAULT false,
        open boolean NOT NULL DEFAULT true,
        overdue boolean NOT NULL DEFAULT false,
        dispatcher_id uuid,
        specialist_id uuid,
        escalation_count integer NOT NULL DEFAULT 0,
        special_report_at timestamptz,
        updated_seq integer NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, complaint_id)
      )`);
    // The report filters: a period of received / first resolved / first called back (one index range
    // each, OR-ed in a bitmap), for the whole tenant or for branches (a company's scope is read as its
    // branches); the quarterly review by first HOT/MAJOR; the overdue list; the specialist scorecard.
    await q.query(`CREATE INDEX report_complaint_facts_received_idx ON report_complaint_facts (tenant_id, received_at)`);
    await q.query(`CREATE INDEX report_complaint_facts_resolved_idx ON report_complaint_facts (tenant_id, resolved_at) WHERE resolved_at IS NOT NULL`);
    await q.query(`CREATE INDEX report_complaint_facts_called_back_idx ON report_complaint_facts (tenant_id, called_back_at) WHERE called_back_at IS NOT NULL`);
    await q.query(`CREATE INDEX report_complaint_facts_branch_received_idx ON report_complaint_facts (tenant_id, branch_id, received_at)`);
    await q.query(`
      CREATE INDEX report_complaint_facts_branch_resolved_idx ON report_complaint_facts (tenant_id, branch_id, resolved_at)
        WHERE resolved_at IS NOT NULL`);
    await q.query(`
      CREATE INDEX report_complaint_facts_branch_called_back_idx ON report_complaint_facts (tenant_id, branch_id, called_back_at)
        WHERE called_back_at IS NOT NULL`);
    await q.query(`CREATE INDEX report_complaint_facts_hot_idx ON report_complaint_facts (tenant_id, hot_or_major_at) WHERE hot_or_major_at IS NOT NULL`);
    await q.query(`CREATE INDEX report_complaint_facts_overdue_idx ON report_complaint_facts (tenant_id, branch_id, received_at) WHERE overdue AND open`);
    await q.query(`CREATE INDEX report_complaint_facts_specialist_idx ON report_complaint_facts (tenant_id, specialist_id, received_at)`);

    await q.query(`
      CREATE TABLE report_stage_facts (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        complaint_id uuid NOT NULL REFERENCES complaints(id),
        kind text NOT NULL,
        round integer NOT NULL,
        started_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        completed_at timestamptz,
        breached_at timestamptz,
        cancelled_at timestamptz,
        met_on_time boolean,
        actor_id uuid,
        company_id uuid NOT NULL REFERENCES companies(id),
        branch_id uuid NOT NULL REFERENCES branches(id),
        category text NOT NULL,
        severity_at_completion text,
        updated_seq integer NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, complaint_id, kind, round, started_at)
      )`);
    // Covering (INCLUDE) so the timeliness counts can be answered from the index alone; by tenant or by branch.
    await q.query(`
      CREATE INDEX report_stage_facts_completed_idx ON report_stage_facts (tenant_id, completed_at)
        INCLUDE (branch_id, company_id, met_on_time) WHERE completed_at IS NOT NULL`);
    await q.query(`
      CREATE INDEX report_stage_facts_branch_completed_idx ON report_stage_facts (tenant_id, branch_id, completed_at)
        INCLUDE (met_on_time) WHERE completed_at IS NOT NULL`);

    // The first-time-fix rate: work-order attempts completed in the period (issue 11's table).
    await q.query(`
      CREATE INDEX work_order_attempts_completed_idx ON work_order_attempts (tenant_id, completed_at)
        INCLUDE (branch_id, reopened) WHERE completed_at IS NOT NULL`);
    await q.query(`
      CREATE INDEX work_order_attempts_branch_completed_idx ON work_order_attempts (tenant_id, branch_id, completed_at)
        INCLUDE (reopened) WHERE completed_at IS NOT NULL`);

    for (const sql of isolateTenantTable('report_complaint_facts')) await q.query(sql);
    // A newer write replaces a complaint's stage rows as a whole.
    for (const sql of isolateTenantTable('report_stage_facts', 'tenant_id', 'SELECT, INSERT, UPDATE, DELETE')) await q.query(sql);

    await backfillReportFacts(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS work_order_attempts_branch_completed_idx`);
    await q.query(`DROP INDEX IF EXISTS work_order_attempts_completed_idx`);
    await q.query(`DROP TABLE IF EXISTS report_stage_facts`);
    await q.query(`DROP TABLE IF EXISTS report_complaint_facts`);
  }
}

/**
 * The one-off backfill: facts for the complaints that have none, from the read model and the
 * timeline (first resolution, first callback, first dispatcher, severity changes). Run as the
 * migration role (row-level security does not apply to the owner). Stage facts start at the
 * deadline's DEADLINE_SET event (the read model does not store the anchor), else at receipt.
 */
export async function backfillReportFacts(q: { query(sql: string): Promise<unknown> }): Promise<void> {
  await q.query(`
    INSERT INTO report_complaint_facts (
      tenant_id, complaint_id, company_id, branch_id, category, kind, severity, peak_severity, hot_or_major_at,
      received_at, valid, invalid, resolved_at, called_back_at, satisfied, reopened, closed_at, withdrawn, merged, open, overdue,
      dispatcher_id, specialist_id, escalation_count, special_report_at, updated_seq)
    SELECT c.tenant_id, c.id, c.company_id, c.branch_id, c.category, c.kind, c.severity,
      COALESCE(sev.peak, c.severity),
      CASE WHEN c.severity IN ('HOT', 'MAJOR') OR sev.peak IN ('HOT', 'MAJOR') THEN COALESCE(sev.hot_at, c.received_at) END,
      c.received_at, c.validity = 'VALID', c.validity = 'INVALID',
      COALESCE(ev.first_resolved, c.resolved_at), ev.first_callback, c.satisfied, c.round > 1,
      CASE WHEN c.status = 'CLOSED' THEN c.closed_at END, c.status = 'WITHDRAWN', c.status = 'MERGED',
      c.status NOT IN ('CLOSED', 'WITHDRAWN', 'MERGED'), c.overdue AND c.status NOT IN ('CLOSED', 'WITHDRAWN', 'MERGED'),
      ev.dispatcher, c.owner_id,
      (SELECT count(*)::int FROM escalations x WHERE x.tenant_id = c.tenant_id AND x.complaint_id = c.id),
      (c.special_report->>'submittedAt')::timestamptz, c.last_seq
    FROM complaints c
    LEFT JOIN LATERAL (
      SELECT min(e.at) FILTER (WHERE e.type = 'RESOLVED') AS first_resolved,
             min(e.at) FILTER (WHERE e.type = 'CALLBACK') AS first_callback,
             (array_agg(e.actor ORDER BY e.seq) FILTER (WHERE e.type = 'DISPATCHED'))[1] AS dispatcher_text
      FROM complaint_events e WHERE e.complaint_id = c.id
    ) ev0 ON true
    LEFT JOIN LATERAL (
      SELECT ev0.first_resolved, ev0.first_callback,
        CASE WHEN ev0.dispatcher_text ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN ev0.dispatcher_text::uuid END AS dispatcher
    ) ev ON true
    LEFT JOIN LATERAL (
      SELECT (ARRAY['GENERAL', 'IMPORTANT', 'HOT', 'MAJOR'])[max(array_position(ARRAY['GENERAL', 'IMPORTANT', 'HOT', 'MAJOR'], s.v))] AS peak,
             min(s.at) FILTER (WHERE s.v IN ('HOT', 'MAJOR')) AS hot_at
      FROM (
        SELECT e.data->>'severity' AS v, e.at FROM complaint_events e
        WHERE e.complaint_id = c.id AND e.data ? 'severity' AND e.data->>'severity' IN ('GENERAL', 'IMPORTANT', 'HOT', 'MAJOR')
        UNION ALL SELECT e.data->>'to', e.at FROM complaint_events e
        WHERE e.complaint_id = c.id AND e.type LIKE 'SEVERITY%' AND e.data->>'to' IN ('GENERAL', 'IMPORTANT', 'HOT', 'MAJOR')
      ) s
    ) sev ON true
    ON CONFLICT (tenant_id, complaint_id) DO NOTHING`);
  await q.query(`
    INSERT INTO report_stage_facts (
      tenant_id, complaint_id, kind, round, started_at, due_at, completed_at, breached_at, cancelled_at, met_on_time,
      actor_id, company_id, branch_id, category, severity_at_completion, updated_seq)
    SELECT c.tenant_id, c.id, d.kind, d.round,
      COALESCE(
        (SELECT max(e.at) FROM complaint_events e WHERE e.complaint_id = c.id AND e.type = 'DEADLINE_SET'
           AND e.data->>'kind' = d.kind AND (e.data->>'round')::int = d.round AND e.at <= d.due_at),
        c.received_at),
      d.due_at, d.met_at, d.breached_at, d.cancelled_at,
      CASE WHEN d.met_at IS NOT NULL THEN d.met_at <= d.due_at END,
      CASE WHEN d.met_at IS NOT NULL THEN c.assignee_id END,
      c.company_id, c.branch_id, c.category,
      CASE WHEN d.met_at IS NOT NULL THEN c.severity END, c.last_seq
    FROM complaints c
    CROSS JOIN LATERAL (
      SELECT x->>'kind' AS kind, COALESCE((x->>'round')::int, 1) AS round, (x->>'dueAt')::timestamptz AS due_at,
             (x->>'metAt')::timestamptz AS met_at, (x->>'breachedAt')::timestamptz AS breached_at,
             (x->>'cancelledAt')::timestamptz AS cancelled_at
      FROM jsonb_array_elements(c.deadlines) x
    ) d
    ON CONFLICT DO NOTHING`);
}
