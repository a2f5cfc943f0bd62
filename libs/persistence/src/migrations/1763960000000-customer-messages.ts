import { MigrationInterface, QueryRunner } from 'typeorm';
import { APPLICATION_ROLE, isolateTenantTable } from './1763890000000-row-level-security';

/**
 * Every customer hears back: the transactional outbox of messages to complainants (written in the
 * step's own transaction, sent by the worker's delivery loop), each tenant's message templates
 * (versioned), its channel credentials (encrypted), complainants who opted out, and the contact
 * details a message needs (e-mail, WeChat openid). The delivery loop claims due messages of every
 * tenant through one SECURITY DEFINER function, a fair share per tenant.
 */
export class CustomerMessages1763960000000 implements MigrationInterface {
  name = 'CustomerMessages1763960000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE complaints ADD COLUMN complainant_email text, ADD COLUMN complainant_wechat text`);
    await q.query(`
      CREATE TABLE outbound_messages (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        complaint_id uuid NOT NULL,
        branch_id uuid NOT NULL,
        kind text NOT NULL,
        channel text NOT NULL,
        recipient text,
        subject text,
        body text NOT NULL,
        variables jsonb NOT NULL DEFAULT '{}',
        link text,
        template_version integer NOT NULL,
        idempotency_key text NOT NULL,
        meets text[] NOT NULL DEFAULT '{}',
        urgent boolean NOT NULL DEFAULT false,
        status text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        not_before timestamptz NOT NULL,
        next_attempt_at timestamptz NOT NULL,
        lease_until timestamptz,
        provider_message_id text,
        failure_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        reported_at timestamptz,
        UNIQUE (tenant_id, idempotency_key)
      )`);
    await q.query(`CREATE INDEX outbound_messages_complaint_idx ON outbound_messages (tenant_id, complaint_id, created_at)`);
    // The delivery loop's claim, per tenant: queued messages only (a partial index stays small however many were sent).
    await q.query(`CREATE INDEX outbound_messages_due_idx ON outbound_messages (tenant_id, next_attempt_at) WHERE status = 'QUEUED'`);
    // Results not yet reported to the complaint's workflow.
    await q.query(`CREATE INDEX outbound_messages_unreported_idx ON outbound_messages (tenant_id) WHERE reported_at IS NULL AND status IN ('DELIVERED', 'FAILED', 'OPTED_OUT', 'NO_CONTACT')`);
    await q.query(`
      CREATE TABLE message_templates (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        kind text NOT NULL,
        version integer NOT NULL,
        subject text,
        body text NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, kind, version)
      )`);
    await q.query(`
      CREATE TABLE channel_credentials (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        channel text NOT NULL,
        config bytea NOT NULL,
        updated_by uuid,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, channel)
      )`);
    await q.query(`
      CREATE TABLE complainant_opt_outs (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        contact text NOT NULL,
        opted_out_at timestamptz NOT NULL DEFAULT now(),
        recorded_by uuid,
        PRIMARY KEY (tenant_id, contact)
      )`);
    for (const table of ['outbound_messages', 'message_templates', 'channel_credentials']) {
      for (const sql of isolateTenantTable(table)) await q.query(sql);
    }
    for (const sql of isolateTenantTable('complainant_opt_outs', 'tenant_id', 'SELECT, INSERT, UPDATE, DELETE')) await q.query(sql);
    // The one cross-tenant step: claim due messages under a lease, at most `per_tenant` of each tenant
    // (each tenant's oldest, found through its own part of the index: a deep backlog of one tenant never
    // hides another's), the tenants waiting longest first. Only ids and tenants come back: the loop
    // reads each message in its tenant's transaction.
    await q.query(`
      CREATE FUNCTION claim_due_messages(max_total integer, per_tenant integer, lease interval)
        RETURNS TABLE (id uuid, tenant_id uuid)
        LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
        AS $$
          WITH due AS (
            SELECT d.id, d.next_attempt_at, row_number() OVER (PARTITION BY t.id ORDER BY d.next_attempt_at, d.id) AS n
              FROM public.tenants t
             CROSS JOIN LATERAL (
               SELECT m.id, m.next_attempt_at FROM public.outbound_messages m
                WHERE m.tenant_id = t.id AND m.status = 'QUEUED' AND m.next_attempt_at <= now() AND (m.lease_until IS NULL OR m.lease_until < now())
                ORDER BY m.next_attempt_at, m.id LIMIT per_tenant
             ) d
          ), picked AS (
            SELECT due.id FROM due ORDER BY due.n, due.next_attempt_at, due.id LIMIT max_total
          )
          UPDATE public.outbound_messages m SET lease_until = now() + lease
            FROM picked WHERE m.id = picked.id
              AND m.status = 'QUEUED' AND (m.lease_until IS NULL OR m.lease_until < now())
          RETURNING m.id, m.tenant_id
        $$`);
    await q.query(`REVOKE ALL ON FUNCTION claim_due_messages(integer, integer, interval) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION claim_due_messages(integer, integer, interval) TO ${APPLICATION_ROLE}`);
    // Results to report to the workflows, every tenant's (ids and tenants only, as above).
    await q.query(`
      CREATE FUNCTION unreported_message_results(max_total integer)
        RETURNS TABLE (id uuid, tenant_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
        AS $$
          SELECT m.id, m.tenant_id FROM public.outbound_messages m
           WHERE m.reported_at IS NULL AND m.status IN ('DELIVERED', 'FAILED', 'OPTED_OUT', 'NO_CONTACT')
           ORDER BY m.tenant_id, m.id LIMIT max_total
        $$`);
    await q.query(`REVOKE ALL ON FUNCTION unreported_message_results(integer) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION unreported_message_results(integer) TO ${APPLICATION_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS unreported_message_results(integer)`);
    await q.query(`DROP FUNCTION IF EXISTS claim_due_messages(integer, integer, interval)`);
    for (const t of ['complainant_opt_outs', 'channel_credentials', 'message_templates', 'outbound_messages']) await q.query(`DROP TABLE IF EXISTS ${t}`);
    await q.query(`ALTER TABLE complaints DROP COLUMN IF EXISTS complainant_wechat, DROP COLUMN IF EXISTS complainant_email`);
  }
}
