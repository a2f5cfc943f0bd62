import { MigrationInterface, QueryRunner } from 'typeorm';
import { isolateTenantTable } from './1763890000000-row-level-security';

/**
 * Escalations that must be acknowledged: one row per level raised (an escalation workflow writes
 * them, keyed by its workflow id and step so a retried write never doubles one), and the company
 * positions (deputy GM, GM) the company levels are addressed to.
 */
export class Escalations1763900000200 implements MigrationInterface {
  name = 'Escalations1763900000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE role_assignments ADD COLUMN position text`);
    await q.query(`
      ALTER TABLE role_assignments ADD CONSTRAINT role_assignments_position_check
        CHECK (position IS NULL OR (role = 'COMPANY_MANAGER' AND position IN ('DEPUTY_GM', 'GM')))`);
    await q.query(`
      CREATE TABLE escalations (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        complaint_id uuid NOT NULL REFERENCES complaints(id),
        workflow_id text NOT NULL,
        step integer NOT NULL,
        trigger text NOT NULL,
        reason text NOT NULL,
        level text NOT NULL,
        notified_user_ids uuid[] NOT NULL DEFAULT '{}',
        raised_at timestamptz NOT NULL,
        ack_due_at timestamptz NOT NULL,
        acknowledged_at timestamptz,
        acknowledged_by uuid REFERENCES users(id),
        superseded boolean NOT NULL DEFAULT false,
        policy jsonb NOT NULL,
        CONSTRAINT escalations_workflow_step_key UNIQUE (tenant_id, workflow_id, step)
      )`);
    await q.query(`CREATE INDEX escalations_tenant_complaint_idx ON escalations (tenant_id, complaint_id, raised_at)`);
    await q.query(`CREATE INDEX escalations_notified_idx ON escalations USING gin (notified_user_ids)`);
    for (const sql of isolateTenantTable('escalations')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS escalations`);
    await q.query(`ALTER TABLE role_assignments DROP CONSTRAINT IF EXISTS role_assignments_position_check`);
    await q.query(`ALTER TABLE role_assignments DROP COLUMN IF EXISTS position`);
  }
}
