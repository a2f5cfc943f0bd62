import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 首问责任制: who follows a complaint through now (`owner_id`, the first-contact owner until a
 * hand-over, so existing rows take it), and where a merged complaint went (`merged_into_id`, there
 * since the initial schema; kept idempotent here). `myQueue` and the scope of "my complaints" read
 * `owner_id`, so it leads an index with the tenant.
 */
export class ComplaintOwner1763900000300 implements MigrationInterface {
  name = 'ComplaintOwner1763900000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE complaints ADD COLUMN IF NOT EXISTS owner_id uuid REFERENCES users(id)`);
    await q.query(`ALTER TABLE complaints ADD COLUMN IF NOT EXISTS merged_into_id uuid`);
    // Run as the tables' owner, which row-level security does not restrict: every tenant's rows.
    await q.query(`UPDATE complaints SET owner_id = first_contact_owner_id WHERE owner_id IS NULL`);
    await q.query(`ALTER TABLE complaints ALTER COLUMN owner_id SET NOT NULL`);
    await q.query(`CREATE INDEX IF NOT EXISTS complaints_tenant_owner_idx ON complaints (tenant_id, owner_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS complaints_tenant_owner_idx`);
    await q.query(`ALTER TABLE complaints DROP COLUMN IF EXISTS owner_id`);
  }
}
