import { MigrationInterface, QueryRunner } from 'typeorm';

/** The role the gateway and the worker connect as (or a login role that is a member of it). */
export const APPLICATION_ROLE = 'complaint_app';

/** The row-level-security predicate of every tenant table: the tenant set by `tenantTransaction`. */
export const TENANT_PREDICATE = `NULLIF(current_setting('app.tenant_id', true), '')::uuid`;

/** Tenant tables of this migration (each later migration isolates its own tables the same way). */
const TENANT_TABLES = [
  'policy_versions', 'companies', 'branches', 'users', 'role_assignments', 'complaints', 'complaint_events',
  'reference_counters', 'weekly_reviews',
] as const;

/**
 * The SQL that isolates one tenant table: row-level security on, one policy (rows of the
 * transaction's tenant only, for reading and for writing), and the application role's grants.
 * Table owners (the migration role) and superusers bypass it; the application role cannot.
 */
export function isolateTenantTable(table: string, column = 'tenant_id', grants = 'SELECT, INSERT, UPDATE'): string[] {
  return [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `CREATE POLICY tenant_isolation ON ${table} USING (${column} = ${TENANT_PREDICATE}) WITH CHECK (${column} = ${TENANT_PREDICATE})`,
    `GRANT ${grants} ON ${table} TO ${APPLICATION_ROLE}`,
  ];
}

/**
 * Isolation in the database, not only in code: row-level security on every tenant table, read
 * through the transaction-local setting `app.tenant_id`; the application role `complaint_app`
 * (no BYPASSRLS, owner of nothing) that the services connect as; and the one cross-tenant read the
 * platform needs (tenant ids, for the worker's schedules) as a SECURITY DEFINER function.
 */
export class RowLevelSecurity1763890000000 implements MigrationInterface {
  name = 'RowLevelSecurity1763890000000';

  async up(q: QueryRunner): Promise<void> {
    // Roles are cluster-wide: another database on the server may have created it (or be creating it now).
    await q.query(`
      DO $$ BEGIN
        CREATE ROLE ${APPLICATION_ROLE} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    await q.query(`GRANT USAGE ON SCHEMA public TO ${APPLICATION_ROLE}`);
    for (const table of TENANT_TABLES) for (const sql of isolateTenantTable(table)) await q.query(sql);
    for (const sql of isolateTenantTable('tenants', 'id')) await q.query(sql);
    await q.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APPLICATION_ROLE}`);
    await q.query(`
      CREATE FUNCTION platform_tenant_ids() RETURNS SETOF uuid
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
        AS $$ SELECT id FROM public.tenants ORDER BY id $$`);
    await q.query(`REVOKE ALL ON FUNCTION platform_tenant_ids() FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION platform_tenant_ids() TO ${APPLICATION_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS platform_tenant_ids()`);
    for (const table of ['tenants', ...TENANT_TABLES]) {
      await q.query(`DROP POLICY IF EXISTS tenant_isolation ON ${table}`);
      await q.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
      await q.query(`REVOKE ALL ON ${table} FROM ${APPLICATION_ROLE}`);
    }
    await q.query(`REVOKE USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public FROM ${APPLICATION_ROLE}`);
    await q.query(`REVOKE USAGE ON SCHEMA public FROM ${APPLICATION_ROLE}`);
  }
}
