import { MigrationInterface, QueryRunner } from 'typeorm';

/** Special reports and customer deadlines on complaints; the weekly Monday review's results. */
export class PolicyCalendarDeadlines1763880000000 implements MigrationInterface {
  name = 'PolicyCalendarDeadlines1763880000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE complaints ADD COLUMN special_report jsonb`);
    await q.query(`ALTER TABLE complaints ADD COLUMN customer_deadline timestamptz`);
    await q.query(`ALTER TABLE complaints ADD COLUMN calendar_changed_at timestamptz`);
    await q.query(`
      CREATE TABLE weekly_reviews (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        week_start date NOT NULL,
        reviewed_at timestamptz NOT NULL,
        open_count int NOT NULL,
        overdue_count int NOT NULL,
        by_branch jsonb NOT NULL,
        complaint_ids jsonb NOT NULL,
        PRIMARY KEY (tenant_id, week_start)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS weekly_reviews`);
    await q.query(`ALTER TABLE complaints DROP COLUMN IF EXISTS calendar_changed_at`);
    await q.query(`ALTER TABLE complaints DROP COLUMN IF EXISTS customer_deadline`);
    await q.query(`ALTER TABLE complaints DROP COLUMN IF EXISTS special_report`);
  }
}
