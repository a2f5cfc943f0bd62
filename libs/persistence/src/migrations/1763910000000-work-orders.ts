import { MigrationInterface, QueryRunner } from 'typeorm';
import { isolateTenantTable } from './1763890000000-row-level-security';

/**
 * Work orders to contractors (domain.md §6): the contractors' trades and their rank on the list, the
 * work orders (one workflow each, projected here), one row per attempt (a contractor's turn: the
 * scorecard's unit), the work order's timeline, and the customers' signature images.
 */
export class WorkOrders1763910000000 implements MigrationInterface {
  name = 'WorkOrders1763910000000';

  async up(q: QueryRunner): Promise<void> {
    // A contractor's trades: the list the next contractor is taken from (lowest rank first).
    await q.query(`
      CREATE TABLE contractor_trades (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        user_id uuid NOT NULL REFERENCES users(id),
        trade text NOT NULL,
        rank integer NOT NULL DEFAULT 100,
        PRIMARY KEY (tenant_id, user_id, trade)
      )`);
    await q.query(`CREATE INDEX contractor_trades_trade_idx ON contractor_trades (tenant_id, trade, rank)`);
    await q.query(`
      CREATE TABLE work_orders (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        complaint_id uuid NOT NULL REFERENCES complaints(id),
        branch_id uuid NOT NULL REFERENCES branches(id),
        company_id uuid NOT NULL REFERENCES companies(id),
        workflow_id text NOT NULL,
        trade text NOT NULL,
        contractor_id uuid NOT NULL REFERENCES users(id),
        status text NOT NULL,
        description text NOT NULL,
        attempt integer NOT NULL DEFAULT 1,
        issued_by uuid REFERENCES users(id),
        issued_at timestamptz NOT NULL,
        contact_due_at timestamptz,
        contacted_at timestamptz,
        booked_for timestamptz,
        on_site_at timestamptz,
        completed_at timestamptz,
        materials jsonb NOT NULL DEFAULT '[]',
        charge_yuan numeric(12, 2),
        customer_signed boolean NOT NULL DEFAULT false,
        signed_by_name text,
        signed_at timestamptz,
        signature_image_id uuid,
        return_visit_due_at timestamptz,
        return_visit_at timestamptz,
        return_visit_satisfied boolean,
        awaiting_dispatcher boolean NOT NULL DEFAULT false,
        cancelled_reason text,
        deadlines jsonb NOT NULL DEFAULT '[]',
        state jsonb NOT NULL,
        seq integer NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX work_orders_complaint_idx ON work_orders (tenant_id, complaint_id, issued_at)`);
    await q.query(`CREATE INDEX work_orders_contractor_idx ON work_orders (tenant_id, contractor_id, status)`);
    await q.query(`CREATE INDEX work_orders_branch_idx ON work_orders (tenant_id, branch_id, status)`);
    await q.query(`
      CREATE TABLE work_order_attempts (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        work_order_id uuid NOT NULL REFERENCES work_orders(id),
        attempt integer NOT NULL,
        contractor_id uuid NOT NULL REFERENCES users(id),
        branch_id uuid NOT NULL REFERENCES branches(id),
        company_id uuid NOT NULL REFERENCES companies(id),
        trade text NOT NULL,
        category text,
        cause text NOT NULL,
        started_at timestamptz NOT NULL,
        contact_due_at timestamptz NOT NULL,
        contacted_at timestamptz,
        booked_for timestamptz,
        on_site_at timestamptz,
        completion_due_at timestamptz,
        completed_at timestamptz,
        missed text,
        ended text,
        reopened boolean NOT NULL DEFAULT false,
        return_visit_satisfied boolean,
        PRIMARY KEY (tenant_id, work_order_id, attempt)
      )`);
    await q.query(`CREATE INDEX work_order_attempts_contractor_idx ON work_order_attempts (tenant_id, contractor_id, started_at)`);
    await q.query(`
      CREATE TABLE work_order_events (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        work_order_id uuid NOT NULL REFERENCES work_orders(id),
        seq integer NOT NULL,
        type text NOT NULL,
        at timestamptz NOT NULL,
        actor_id uuid,
        payload jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (tenant_id, work_order_id, seq)
      )`);
    // Signature images: bounded (the check constraint repeats the gateway's limit), PNG or JPEG only.
    await q.query(`
      CREATE TABLE work_order_signatures (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        work_order_id uuid NOT NULL REFERENCES work_orders(id),
        content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
        bytes bytea NOT NULL CHECK (octet_length(bytes) BETWEEN 1 AND 131072),
        sha256 text NOT NULL,
        uploaded_by uuid NOT NULL REFERENCES users(id),
        uploaded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX work_order_signatures_order_idx ON work_order_signatures (tenant_id, work_order_id)`);
    // A contractor's trades are replaced as a whole (delete and insert); the rest is never deleted.
    for (const sql of isolateTenantTable('contractor_trades', 'tenant_id', 'SELECT, INSERT, UPDATE, DELETE')) await q.query(sql);
    for (const table of ['work_orders', 'work_order_attempts', 'work_order_events', 'work_order_signatures']) {
      for (const sql of isolateTenantTable(table)) await q.query(sql);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['work_order_signatures', 'work_order_events', 'work_order_attempts', 'work_orders', 'contractor_trades']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
