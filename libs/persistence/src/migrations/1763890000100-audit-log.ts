import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log: who did what to which record, per tenant. Append-only for every role, the table's
 * owner included (a trigger refuses UPDATE, DELETE and TRUNCATE); the application role may only
 * insert and read, and only its current tenant's rows (row-level security).
 */
export class AuditLog1763890000100 implements MigrationInterface {
  name = 'AuditLog1763890000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        at timestamptz NOT NULL DEFAULT now(),
        actor_id text NOT NULL,
        action text NOT NULL,
        record_type text NOT NULL,
        record_id text,
        outcome text NOT NULL,
        request_id text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    // Newest first per tenant (the keyset of the auditLog query), and one record's history.
    await q.query(`CREATE INDEX audit_log_tenant_at_idx ON audit_log (tenant_id, at DESC, id DESC)`);
    await q.query(`CREATE INDEX audit_log_tenant_record_idx ON audit_log (tenant_id, record_id)`);

    // Privileges are not enough: the owner (and a superuser) could still rewrite history. Triggers
    // fire for them too, so the only way to change a row is to drop the trigger, which is itself DDL.
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);

    await q.query(`ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY tenant_isolation ON audit_log
        USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
        WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`);
    // Read and append; never UPDATE, DELETE or TRUNCATE.
    await q.query(`GRANT SELECT, INSERT ON audit_log TO complaint_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS audit_log`);
    await q.query(`DROP FUNCTION IF EXISTS audit_log_append_only()`);
  }
}
