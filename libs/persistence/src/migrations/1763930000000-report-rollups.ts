import { MigrationInterface, QueryRunner } from 'typeorm';
import { APPLICATION_ROLE, isolateTenantTable } from './1763890000000-row-level-security';

/**
 * Rollups and indexes that keep the reports fast over a large tenant (issue 12's goal: monthly
 * figures and the quarterly review ≤ 300 ms p99 over 1,000,000 complaints).
 *
 * - Every complaint fact and stage fact records the zone its days are counted in (its branch's time
 *   zone): `zone`.
 * - `report_day_counts` (tenant, branch, zone, local day, category, severity): the additive counts of
 *   domain.md §7 by the day their instant falls on — received / valid / invalid by the day received;
 *   first resolutions, reopened and valid resolutions by the day first resolved; callbacks and
 *   satisfied by the day first called back (withdrawn and merged complaints count nowhere).
 *   `report_stage_day_counts` (tenant, branch, zone, local day): stages completed and on time by the
 *   day completed.
 * - Both are kept by triggers on the facts, in the writer's transaction: a write subtracts the row's
 *   old contribution and adds its new one, so an update (a category corrected, a complaint withdrawn,
 *   reopened…) or a delete moves the counts exactly, whoever writes the facts.
 * - A branch whose time zone changes has its facts moved to the new zone and its rollups rebuilt from
 *   them (trigger on branches), in the same transaction.
 * - The cohort counts ("of those received in the period, resolved by its end") are not additive by
 *   day; the reports take them as the period's count minus the complaints still pending at its end:
 *   three stored intervals (received → first resolved, received → closed, first resolved → first
 *   callback) with GiST indexes find them, bounded below by the period's start, index-only.
 * - A partial index for the quarterly escalation review (complaints HOT or MAJOR by receipt).
 *
 * `report_rollups_rebuild(tenant, branch)` recomputes the rollups from the facts (NULL: all); the
 * backfill below and the bench's bulk loader use it.
 */
export class ReportRollups1763930000000 implements MigrationInterface {
  name = 'ReportRollups1763930000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    for (const table of ['report_complaint_facts', 'report_stage_facts']) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN zone text NOT NULL DEFAULT 'Asia/Shanghai'`);
      await q.query(`UPDATE ${table} t SET zone = b.timezone FROM branches b WHERE b.id = t.branch_id AND b.tenant_id = t.tenant_id AND t.zone <> b.timezone`);
    }

    await q.query(`
      CREATE TABLE report_day_counts (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        branch_id uuid NOT NULL REFERENCES branches(id),
        zone text NOT NULL,
        day date NOT NULL,
        category text NOT NULL,
        severity text NOT NULL,
        received integer NOT NULL DEFAULT 0,
        valid integer NOT NULL DEFAULT 0,
        invalid integer NOT NULL DEFAULT 0,
        resolved integer NOT NULL DEFAULT 0,
        reopened integer NOT NULL DEFAULT 0,
        valid_resolved integer NOT NULL DEFAULT 0,
        callbacks integer NOT NULL DEFAULT 0,
        satisfied integer NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, zone, day, branch_id, category, severity)
      )`);
    await q.query(`CREATE INDEX report_day_counts_branch_idx ON report_day_counts (tenant_id, branch_id, zone, day)`);
    await q.query(`
      CREATE TABLE report_stage_day_counts (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        branch_id uuid NOT NULL REFERENCES branches(id),
        zone text NOT NULL,
        day date NOT NULL,
        completed integer NOT NULL DEFAULT 0,
        on_time integer NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, zone, day, branch_id)
      )`);
    for (const t of ['report_day_counts', 'report_stage_day_counts']) {
      for (const sql of isolateTenantTable(t, 'tenant_id', 'SELECT, INSERT, UPDATE, DELETE')) await q.query(sql);
    }

    // A fact row's contribution to the day counts, signed (+1 added, -1 taken away). Inlined by the planner.
    await q.query(`
      CREATE FUNCTION report_day_contributions(f report_complaint_facts, sign integer)
        RETURNS TABLE (tenant_id uuid, branch_id uuid, zone text, day date, category text, severity text,
          received integer, valid integer, invalid integer, resolved integer, reopened integer, valid_resolved integer,
          callbacks integer, satisfied integer)
        LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
        SELECT f.tenant_id, f.branch_id, f.zone, (x.at AT TIME ZONE f.zone)::date, f.category, f.severity,
          CASE WHEN x.k = 'R' THEN sign ELSE 0 END,
          CASE WHEN x.k = 'R' AND f.valid THEN sign ELSE 0 END,
          CASE WHEN x.k = 'R' AND f.invalid THEN sign ELSE 0 END,
          CASE WHEN x.k = 'S' THEN sign ELSE 0 END,
          CASE WHEN x.k = 'S' AND f.reopened THEN sign ELSE 0 END,
          CASE WHEN x.k = 'S' AND f.valid THEN sign ELSE 0 END,
          CASE WHEN x.k = 'C' THEN sign ELSE 0 END,
          CASE WHEN x.k = 'C' AND f.satisfied IS TRUE THEN sign ELSE 0 END
        FROM (VALUES ('R', f.received_at), ('S', f.resolved_at), ('C', f.called_back_at)) x(k, at)
        WHERE x.at IS NOT NULL AND NOT f.withdrawn AND NOT f.merged
      $$`);
    await q.query(`
      CREATE FUNCTION report_stage_contributions(s report_stage_facts, sign integer)
        RETURNS TABLE (tenant_id uuid, branch_id uuid, zone text, day date, completed integer, on_time integer)
        LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
        SELECT s.tenant_id, s.branch_id, s.zone, (s.completed_at AT TIME ZONE s.zone)::date, sign,
          CASE WHEN s.met_on_time IS TRUE THEN sign ELSE 0 END
        WHERE s.completed_at IS NOT NULL
      $$`);

    // The triggers: old contribution out, new one in, one upsert in key order (two writers touching
    // the same days lock them in the same order). Skipped while a branch's rollups are rebuilt.
    await q.query(`
      CREATE FUNCTION report_day_counts_apply() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
      BEGIN
        IF current_setting('app.report_rollup_rebuild', true) = 'on' THEN RETURN NULL; END IF;
        INSERT INTO report_day_counts AS r (tenant_id, branch_id, zone, day, category, severity,
            received, valid, invalid, resolved, reopened, valid_resolved, callbacks, satisfied)
          SELECT d.tenant_id, d.branch_id, d.zone, d.day, d.category, d.severity, sum(d.received), sum(d.valid), sum(d.invalid),
            sum(d.resolved), sum(d.reopened), sum(d.valid_resolved), sum(d.callbacks), sum(d.satisfied)
          FROM (
            SELECT * FROM report_day_contributions(OLD, -1) WHERE TG_OP <> 'INSERT'
            UNION ALL
            SELECT * FROM report_day_contributions(NEW, 1) WHERE TG_OP <> 'DELETE'
          ) d
          GROUP BY d.tenant_id, d.zone, d.day, d.branch_id, d.category, d.severity
          HAVING sum(d.received) <> 0 OR sum(d.valid) <> 0 OR sum(d.invalid) <> 0 OR sum(d.resolved) <> 0 OR sum(d.reopened) <> 0
            OR sum(d.valid_resolved) <> 0 OR sum(d.callbacks) <> 0 OR sum(d.satisfied) <> 0
          ORDER BY d.tenant_id, d.zone, d.day, d.branch_id, d.category, d.severity
        ON CONFLICT (tenant_id, zone, day, branch_id, category, severity) DO UPDATE SET
          received = r.received + EXCLUDED.received, valid = r.valid + EXCLUDED.valid, invalid = r.invalid + EXCLUDED.invalid,
          resolved = r.resolved + EXCLUDED.resolved, reopened = r.reopened + EXCLUDED.reopened,
          valid_resolved = r.valid_resolved + EXCLUDED.valid_resolved, callbacks = r.callbacks + EXCLUDED.callbacks,
          satisfied = r.satisfied + EXCLUDED.satisfied;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION report_stage_day_counts_apply() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
      BEGIN
        IF current_setting('app.report_rollup_rebuild', true) = 'on' THEN RETURN NULL; END IF;
        INSERT INTO report_stage_day_counts AS r (tenant_id, branch_id, zone, day, completed, on_time)
          SELECT d.tenant_id, d.branch_id, d.zone, d.day, sum(d.completed), sum(d.on_time)
          FROM (
            SELECT * FROM report_stage_contributions(OLD, -1) WHERE TG_OP <> 'INSERT'
            UNION ALL
            SELECT * FROM report_stage_contributions(NEW, 1) WHERE TG_OP <> 'DELETE'
          ) d
          GROUP BY d.tenant_id, d.zone, d.day, d.branch_id
          HAVING sum(d.completed) <> 0 OR sum(d.on_time) <> 0
          ORDER BY d.tenant_id, d.zone, d.day, d.branch_id
        ON CONFLICT (tenant_id, zone, day, branch_id) DO UPDATE SET
          completed = r.completed + EXCLUDED.completed, on_time = r.on_time + EXCLUDED.on_time;
        RETURN NULL;
      END $$`);
    const watched = 'branch_id, zone, category, severity, received_at, valid, invalid, resolved_at, reopened, called_back_at, satisfied, withdrawn, merged';
    const old = watched.split(', ').map((c) => `OLD.${c}`).join(', ');
    const neu = watched.split(', ').map((c) => `NEW.${c}`).join(', ');
    await q.query(`CREATE TRIGGER report_day_counts_insert_delete AFTER INSERT OR DELETE ON report_complaint_facts FOR EACH ROW EXECUTE FUNCTION report_day_counts_apply()`);
    await q.query(`
      CREATE TRIGGER report_day_counts_update AFTER UPDATE ON report_complaint_facts FOR EACH ROW
        WHEN ((${old}) IS DISTINCT FROM (${neu})) EXECUTE FUNCTION report_day_counts_apply()`);
    await q.query(`CREATE TRIGGER report_stage_day_counts_insert_delete AFTER INSERT OR DELETE ON report_stage_facts FOR EACH ROW EXECUTE FUNCTION report_stage_day_counts_apply()`);
    await q.query(`
      CREATE TRIGGER report_stage_day_counts_update AFTER UPDATE ON report_stage_facts FOR EACH ROW
        WHEN ((OLD.branch_id, OLD.zone, OLD.completed_at, OLD.met_on_time) IS DISTINCT FROM (NEW.branch_id, NEW.zone, NEW.completed_at, NEW.met_on_time))
        EXECUTE FUNCTION report_stage_day_counts_apply()`);

    await q.query(`
      CREATE FUNCTION report_rollups_rebuild(p_tenant uuid, p_branch uuid) RETURNS void
        LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
      BEGIN
        DELETE FROM report_day_counts WHERE (p_tenant IS NULL OR tenant_id = p_tenant) AND (p_branch IS NULL OR branch_id = p_branch);
        DELETE FROM report_stage_day_counts WHERE (p_tenant IS NULL OR tenant_id = p_tenant) AND (p_branch IS NULL OR branch_id = p_branch);
        INSERT INTO report_day_counts (tenant_id, branch_id, zone, day, category, severity,
            received, valid, invalid, resolved, reopened, valid_resolved, callbacks, satisfied)
          SELECT d.tenant_id, d.branch_id, d.zone, d.day, d.category, d.severity, sum(d.received), sum(d.valid), sum(d.invalid),
            sum(d.resolved), sum(d.reopened), sum(d.valid_resolved), sum(d.callbacks), sum(d.satisfied)
          FROM report_complaint_facts f CROSS JOIN LATERAL report_day_contributions(f, 1) d
          WHERE (p_tenant IS NULL OR f.tenant_id = p_tenant) AND (p_branch IS NULL OR f.branch_id = p_branch)
          GROUP BY d.tenant_id, d.zone, d.day, d.branch_id, d.category, d.severity;
        INSERT INTO report_stage_day_counts (tenant_id, branch_id, zone, day, completed, on_time)
          SELECT d.tenant_id, d.branch_id, d.zone, d.day, sum(d.completed), sum(d.on_time)
          FROM report_stage_facts s CROSS JOIN LATERAL report_stage_contributions(s, 1) d
          WHERE (p_tenant IS NULL OR s.tenant_id = p_tenant) AND (p_branch IS NULL OR s.branch_id = p_branch)
          GROUP BY d.tenant_id, d.zone, d.day, d.branch_id;
      END $$`);
    // A branch's new time zone: its facts move to it and its rollups are rebuilt (row triggers off meanwhile).
    await q.query(`
      CREATE FUNCTION report_branch_zone_changed() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
      BEGIN
        PERFORM set_config('app.report_rollup_rebuild', 'on', true);
        UPDATE report_complaint_facts SET zone = NEW.timezone WHERE tenant_id = NEW.tenant_id AND branch_id = NEW.id AND zone <> NEW.timezone;
        UPDATE report_stage_facts SET zone = NEW.timezone WHERE tenant_id = NEW.tenant_id AND branch_id = NEW.id AND zone <> NEW.timezone;
        PERFORM report_rollups_rebuild(NEW.tenant_id, NEW.id);
        PERFORM set_config('app.report_rollup_rebuild', '', true);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER report_branch_zone_changed AFTER UPDATE OF timezone ON branches FOR EACH ROW
        WHEN (OLD.timezone IS DISTINCT FROM NEW.timezone) EXECUTE FUNCTION report_branch_zone_changed()`);

    // The pending intervals, stored (an index-only scan needs the column itself, not an expression):
    // from the step's start to when it was done, open-ended while it is not; an end before the start
    // makes an empty interval rather than an error; NULL when the complaint does not count.
    const interval = (from: string, to: string): string => `tstzrange(${from}, CASE WHEN ${to} < ${from} THEN ${from} ELSE ${to} END)`;
    await q.query(`
      ALTER TABLE report_complaint_facts
        ADD COLUMN pending_resolution tstzrange GENERATED ALWAYS AS
          (CASE WHEN valid AND NOT withdrawn AND NOT merged THEN ${interval('received_at', 'resolved_at')} END) STORED,
        ADD COLUMN pending_closure tstzrange GENERATED ALWAYS AS
          (CASE WHEN NOT withdrawn AND NOT merged THEN ${interval('received_at', 'closed_at')} END) STORED,
        ADD COLUMN pending_callback tstzrange GENERATED ALWAYS AS
          (CASE WHEN valid AND resolved_at IS NOT NULL AND NOT withdrawn AND NOT merged THEN ${interval('resolved_at', 'called_back_at')} END) STORED`);
    for (const column of ['pending_resolution', 'pending_closure', 'pending_callback']) {
      await q.query(`
        CREATE INDEX report_complaint_facts_${column}_idx ON report_complaint_facts USING gist (tenant_id, ${column})
          INCLUDE (branch_id, category, severity) WHERE ${column} IS NOT NULL`);
    }
    // The range operators are not LEAKPROOF, so under row-level security the planner may not use them
    // as index conditions (it scans the tenant's every fact instead). The pending counts are therefore
    // read by the owner, through this function, for the transaction's tenant only — the very setting
    // the row-level security policy reads; no tenant set, no rows.
    await q.query(`
      CREATE FUNCTION report_pending_counts(p_branches uuid[], p_from timestamptz, p_to timestamptz)
        RETURNS TABLE (branch_id uuid, category text, severity text, pending_resolution integer, pending_closure integer, pending_callback integer)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        ${['pending_resolution', 'pending_closure', 'pending_callback'].map((column) => `
        SELECT f.branch_id, f.category, f.severity,
               ${['pending_resolution', 'pending_closure', 'pending_callback'].map((c) => (c === column ? 'count(*)::int' : '0')).join(', ')}
          FROM report_complaint_facts f
         WHERE f.tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid AND f.branch_id = ANY(p_branches)
           AND f.${column} IS NOT NULL AND f.${column} @> (p_to - interval '1 microsecond') AND f.${column} &> tstzrange(p_from, NULL)
         GROUP BY f.branch_id, f.category, f.severity`).join(' UNION ALL ')}
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION report_pending_counts(uuid[], timestamptz, timestamptz) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION report_pending_counts(uuid[], timestamptz, timestamptz) TO ${APPLICATION_ROLE}`);
    await q.query(`
      CREATE INDEX report_complaint_facts_hot_received_idx ON report_complaint_facts (tenant_id, received_at)
        WHERE peak_severity IN ('HOT', 'MAJOR') AND NOT merged`);

    await q.query(`SELECT report_rollups_rebuild(NULL, NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS report_branch_zone_changed ON branches`);
    await q.query(`DROP FUNCTION IF EXISTS report_branch_zone_changed()`);
    await q.query(`DROP FUNCTION IF EXISTS report_pending_counts(uuid[], timestamptz, timestamptz)`);
    await q.query(`DROP INDEX IF EXISTS report_complaint_facts_hot_received_idx`);
    for (const column of ['pending_resolution', 'pending_closure', 'pending_callback']) {
      await q.query(`ALTER TABLE report_complaint_facts DROP COLUMN IF EXISTS ${column}`);
    }
    await q.query(`DROP TRIGGER IF EXISTS report_stage_day_counts_update ON report_stage_facts`);
    await q.query(`DROP TRIGGER IF EXISTS report_stage_day_counts_insert_delete ON report_stage_facts`);
    await q.query(`DROP TRIGGER IF EXISTS report_day_counts_update ON report_complaint_facts`);
    await q.query(`DROP TRIGGER IF EXISTS report_day_counts_insert_delete ON report_complaint_facts`);
    await q.query(`DROP FUNCTION IF EXISTS report_rollups_rebuild(uuid, uuid)`);
    await q.query(`DROP FUNCTION IF EXISTS report_stage_day_counts_apply()`);
    await q.query(`DROP FUNCTION IF EXISTS report_day_counts_apply()`);
    await q.query(`DROP FUNCTION IF EXISTS report_stage_contributions(report_stage_facts, integer)`);
    await q.query(`DROP FUNCTION IF EXISTS report_day_contributions(report_complaint_facts, integer)`);
    await q.query(`DROP TABLE IF EXISTS report_stage_day_counts`);
    await q.query(`DROP TABLE IF EXISTS report_day_counts`);
    await q.query(`ALTER TABLE report_stage_facts DROP COLUMN IF EXISTS zone`);
    await q.query(`ALTER TABLE report_complaint_facts DROP COLUMN IF EXISTS zone`);
  }
}
