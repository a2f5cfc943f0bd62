import { MigrationInterface, QueryRunner } from 'typeorm';
import { isolateTenantTable } from './1763890000000-row-level-security';

/**
 * Attachments of a complaint (photos, the signed service order, letters) at intake, on follow-ups
 * and at completion. The bytes live in the attachment store (disk under `.data/attachments`, or an
 * S3-compatible store); a row records what the gateway checked: the type sniffed from the content,
 * the size and the SHA-256 of what was stored. Rows are written once and never change.
 */
export class Attachments1763960000100 implements MigrationInterface {
  name = 'Attachments1763960000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE attachments (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        complaint_id uuid NOT NULL REFERENCES complaints(id),
        stage text NOT NULL CHECK (stage IN ('INTAKE', 'FOLLOW_UP', 'COMPLETION')),
        file_name text NOT NULL,
        content_type text NOT NULL,
        size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        storage_key text NOT NULL,
        uploaded_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT attachments_storage_key_key UNIQUE (storage_key)
      )`);
    await q.query(`CREATE INDEX attachments_tenant_complaint_idx ON attachments (tenant_id, complaint_id, created_at)`);
    // Written once: the application role reads and inserts, nothing else.
    for (const sql of isolateTenantTable('attachments', 'tenant_id', 'SELECT, INSERT')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS attachments`);
  }
}
