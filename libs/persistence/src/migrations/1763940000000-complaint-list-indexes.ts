import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Keyset pagination of `complaints` / `myQueue`: newest first by (received_at, id), so a page is a
 * short backward index scan that starts at the cursor however many complaints the tenant holds.
 * One index per way the list is narrowed before its order: the whole tenant (head office), a
 * branch (branch staff, `filter.branchId`), a company (company managers, `filter.companyId`), and
 * the overdue ones (`filter.overdue: true`, few among many). Indexes only: no table, policy or
 * row changes (row-level security is unchanged).
 */
export class ComplaintListIndexes1763940000000 implements MigrationInterface {
  name = 'ComplaintListIndexes1763940000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS complaints_tenant_received_id_idx ON complaints (tenant_id, received_at, id)`);
    await q.query(`CREATE INDEX IF NOT EXISTS complaints_tenant_branch_received_id_idx ON complaints (tenant_id, branch_id, received_at, id)`);
    await q.query(`CREATE INDEX IF NOT EXISTS complaints_tenant_company_received_id_idx ON complaints (tenant_id, company_id, received_at, id)`);
    await q.query(`CREATE INDEX IF NOT EXISTS complaints_tenant_overdue_received_id_idx ON complaints (tenant_id, received_at, id) WHERE overdue`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of ['complaints_tenant_overdue_received_id_idx', 'complaints_tenant_company_received_id_idx', 'complaints_tenant_branch_received_id_idx', 'complaints_tenant_received_id_idx']) {
      await q.query(`DROP INDEX IF EXISTS ${name}`);
    }
  }
}
