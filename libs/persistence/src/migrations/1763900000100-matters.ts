import { MigrationInterface, QueryRunner } from 'typeorm';
import { isolateTenantTable } from './1763890000000-row-level-security';

/**
 * Same-matter groups (domain §5): `matters` (one per matter, its counts and the rule that fired) and
 * `matter_complaints` (membership, with the keys the counting rules use). `complaints.matter_id`
 * mirrors the membership. The candidates query (same branch and category, near in time) is served
 * by complaints_same_matter_idx.
 */
export class Matters1763900000100 implements MigrationInterface {
  name = 'Matters1763900000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE matters (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        branch_id uuid NOT NULL,
        category text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid NOT NULL,
        merged_into_id uuid,
        complaint_count int NOT NULL DEFAULT 0,
        distinct_complainants int NOT NULL DEFAULT 0,
        distinct_households int NOT NULL DEFAULT 0,
        fired_rule text,
        fired_severity text,
        fired_at timestamptz
      )`);
    await q.query(`CREATE INDEX matters_tenant_branch_idx ON matters (tenant_id, branch_id, created_at)`);
    await q.query(`
      CREATE TABLE matter_complaints (
        matter_id uuid NOT NULL REFERENCES matters(id),
        complaint_id uuid NOT NULL,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        complainant_key text NOT NULL,
        household_key text,
        households_affected int NOT NULL DEFAULT 1,
        received_at timestamptz NOT NULL,
        linked_at timestamptz NOT NULL DEFAULT now(),
        linked_by uuid NOT NULL,
        link_request_id text,
        signalled_severity text,
        signalled_at timestamptz,
        PRIMARY KEY (tenant_id, complaint_id)
      )`);
    // A complaint belongs to one matter (the primary key); the fan-out pages a matter's members by id.
    await q.query(`CREATE INDEX matter_complaints_matter_idx ON matter_complaints (tenant_id, matter_id, complaint_id)`);
    await q.query(`CREATE INDEX complaints_same_matter_idx ON complaints (tenant_id, branch_id, category, received_at)`);
    for (const sql of [...isolateTenantTable('matters'), ...isolateTenantTable('matter_complaints')]) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS complaints_same_matter_idx`);
    await q.query(`DROP TABLE IF EXISTS matter_complaints`);
    await q.query(`DROP TABLE IF EXISTS matters`);
  }
}
