import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Catching up after a live-update subscription reconnects: `complaints(filter: { updatedSince })`
 * reads a tenant's complaints changed since an instant.
 */
export class ComplaintsUpdatedAt1763900000400 implements MigrationInterface {
  name = 'ComplaintsUpdatedAt1763900000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS complaints_tenant_updated_idx ON complaints (tenant_id, updated_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS complaints_tenant_updated_idx`);
  }
}
