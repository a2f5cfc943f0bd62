import { MigrationInterface, QueryRunner } from 'typeorm';
import { isolateTenantTable } from './1763890000000-row-level-security';

/**
 * The daily complaint report with read receipts (003 八.1): one snapshot per branch and local date
 * (yesterday's figures, built each morning by the branch's schedule), and one receipt per member of
 * the branch's staff it was addressed to (read, or reminded once its reading time had passed).
 */
export class DailyReports1763920000100 implements MigrationInterface {
  name = 'DailyReports1763920000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE daily_reports (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        branch_id uuid NOT NULL REFERENCES branches(id),
        date date NOT NULL,
        figures jsonb NOT NULL,
        built_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        recipients integer NOT NULL,
        reminded_at timestamptz,
        unread_after_due uuid[],
        PRIMARY KEY (tenant_id, branch_id, date)
      )`);
    await q.query(`CREATE INDEX daily_reports_date_idx ON daily_reports (tenant_id, date)`);
    await q.query(`
      CREATE TABLE daily_report_receipts (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        branch_id uuid NOT NULL REFERENCES branches(id),
        date date NOT NULL,
        user_id uuid NOT NULL REFERENCES users(id),
        due_at timestamptz NOT NULL,
        read_at timestamptz,
        reminded_at timestamptz,
        PRIMARY KEY (tenant_id, branch_id, date, user_id),
        FOREIGN KEY (tenant_id, branch_id, date) REFERENCES daily_reports (tenant_id, branch_id, date)
      )`);
    await q.query(`CREATE INDEX daily_report_receipts_user_idx ON daily_report_receipts (tenant_id, user_id, date)`);
    for (const table of ['daily_reports', 'daily_report_receipts']) {
      for (const sql of isolateTenantTable(table)) await q.query(sql);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS daily_report_receipts`);
    await q.query(`DROP TABLE IF EXISTS daily_reports`);
  }
}
