/**
 * Row-level security, shown with raw SQL as the application role (what the gateway and the worker
 * connect as): without a tenant set, no tenant table returns a row; with one set, only that tenant's;
 * a write can neither reach nor create another tenant's row; and every tenant table is covered.
 */
import { DataSource } from 'typeorm';
import { ComplaintActivitiesService } from '../../apps/worker/src/activities/complaint.activities';
import { APPLICATION_ROLE, assertRowSecurityApplies } from '../../libs/persistence/src/application-role';
import { createDataSource } from '../../libs/persistence/src/data-source';
import { tenantTransaction } from '../../libs/persistence/src/tenant-transaction';
import { MediumDatabase, SeededOrganisation, insertOrganisation, openDatabase, registerArgs } from './medium-support';

let m: MediumDatabase;
let a: SeededOrganisation;
let b: SeededOrganisation;
let tenantTables: string[];

/** Every table holding tenant data: a tenant_id column, or the tenants table itself. */
async function tablesWithTenant(db: DataSource): Promise<string[]> {
  const rows: { table_name: string }[] = await db.query(
    `SELECT DISTINCT table_name FROM information_schema.columns
      WHERE table_schema = 'public' AND (column_name = 'tenant_id' OR table_name = 'tenants') ORDER BY table_name`,
  );
  return rows.map((r) => r.table_name);
}

const countAll = async (q: { query: (sql: string) => Promise<{ n: number }[]> }, table: string): Promise<number> =>
  (await q.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

beforeAll(async () => {
  m = await openDatabase('medium_rls');
  a = await insertOrganisation(m.db, { branchCode: 'RA01', users: ['a-first'] });
  b = await insertOrganisation(m.db, { branchCode: 'RB01', users: ['b-first'] });
  const activities = new ComplaintActivitiesService(m.app);
  await activities.registerComplaint(registerArgs(a, { idempotencyKey: 'k-a' }));
  await activities.registerComplaint(registerArgs(b, { idempotencyKey: 'k-b' }));
  tenantTables = await tablesWithTenant(m.db);
});
afterAll(async () => {
  await m?.close();
});

describe('row-level security as the application role', () => {
  it('covers every table that holds tenant data, and the application role cannot bypass it', async () => {
    expect(tenantTables).toEqual(expect.arrayContaining(['tenants', 'companies', 'branches', 'users', 'role_assignments', 'complaints', 'complaint_events']));
    const covered: { relname: string; rls: boolean; policies: number }[] = await m.db.query(
      `SELECT c.relname, c.relrowsecurity AS rls, (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relname = ANY($1) ORDER BY c.relname`,
      [tenantTables],
    );
    // A new tenant table without RLS (or without a policy) fails here, named.
    expect(covered.filter((t) => !t.rls || t.policies === 0).map((t) => t.relname)).toEqual([]);
    expect(covered).toHaveLength(tenantTables.length);
    const [role] = await m.app.query(`SELECT current_user AS name, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`);
    expect(role).toEqual({ name: APPLICATION_ROLE, rolsuper: false, rolbypassrls: false });
    await expect(assertRowSecurityApplies(m.app, false)).resolves.toBeUndefined();
    // The owner's connection is refused as a service connection.
    await expect(assertRowSecurityApplies(m.db, false)).rejects.toThrow(/bypasses row-level security/);
  });

  it('returns no rows from any tenant table when no tenant is set, while the owner sees them', async () => {
    for (const table of tenantTables) {
      expect({ table, rows: await countAll(m.app, table) }).toEqual({ table, rows: 0 });
    }
    expect(await countAll(m.db, 'complaints')).toBe(2);
    expect(await countAll(m.db, 'tenants')).toBeGreaterThanOrEqual(2);
  });

  it('returns only the tenant set in the transaction, whatever the query asks for', async () => {
    const seen = await tenantTransaction(m.app, a.tenantId, async (t) => ({
      tenants: await t.query(`SELECT id FROM tenants`),
      complaints: await t.query(`SELECT tenant_id FROM complaints`),
      // Naming B's rows explicitly does not reach them.
      ofB: await t.query(`SELECT id FROM branches WHERE tenant_id = $1`, [b.tenantId]),
      events: await t.query(`SELECT DISTINCT tenant_id FROM complaint_events`),
    }));
    expect(seen.tenants).toEqual([{ id: a.tenantId }]);
    expect(seen.complaints).toEqual([{ tenant_id: a.tenantId }]);
    expect(seen.ofB).toEqual([]);
    expect(seen.events).toEqual([{ tenant_id: a.tenantId }]);
  });

  it('cannot change or create another tenant’s rows', async () => {
    const changed = await tenantTransaction(m.app, a.tenantId, (t) => t.query(`UPDATE complaints SET description = 'x' WHERE tenant_id = $1`, [b.tenantId]));
    expect(changed[1]).toBe(0);
    await expect(tenantTransaction(m.app, a.tenantId, (t) => t.query(
      `INSERT INTO companies (id, tenant_id, name) VALUES (gen_random_uuid(), $1, 'planted')`, [b.tenantId],
    ))).rejects.toThrow(/row-level security/);
    // Moving one's own row to another tenant is refused too (WITH CHECK).
    await expect(tenantTransaction(m.app, a.tenantId, (t) => t.query(`UPDATE companies SET tenant_id = $1`, [b.tenantId]))).rejects.toThrow(/row-level security/);
    expect(await m.db.query(`SELECT count(*)::int AS n FROM companies WHERE name = 'planted'`)).toEqual([{ n: 0 }]);
    expect(await m.db.query(`SELECT count(*)::int AS n FROM complaints WHERE description = 'x'`)).toEqual([{ n: 0 }]);
  });

  it('never carries a tenant past its transaction on a pooled connection', async () => {
    const one = await createDataSource(m.appUrl, { extra: { max: 1 } } as never).initialize();
    try {
      expect(await tenantTransaction(one, a.tenantId, (t) => countAll(t, 'complaints'))).toBe(1);
      // The same (only) connection, right after: the setting ended with the transaction.
      expect(await countAll(one, 'complaints')).toBe(0);
      expect(await one.query(`SELECT NULLIF(current_setting('app.tenant_id', true), '') AS t`)).toEqual([{ t: null }]);
      // A session-level setting is possible in raw SQL, but the services never use one (a rolled-back
      // transaction's setting is gone too).
      await expect(tenantTransaction(one, a.tenantId, async () => {
        throw new Error('rolled back');
      })).rejects.toThrow('rolled back');
      expect(await countAll(one, 'complaints')).toBe(0);
    } finally {
      await one.destroy();
    }
  });

  it('cannot switch security off or become another role', async () => {
    // With row_security off, a query that row-level security would filter is an error, not a bypass.
    await expect(m.app.transaction(async (t) => {
      await t.query(`SET LOCAL row_security = off`);
      return t.query(`SELECT id FROM complaints`);
    })).rejects.toThrow(/row-level security/);
    await expect(m.app.query(`SET ROLE postgres`)).rejects.toThrow(/permission denied/);
  });

  it('lists tenant ids (and nothing else) through the platform function the worker uses for its schedules', async () => {
    const ids: { id: string }[] = await m.app.query(`SELECT id FROM platform_tenant_ids() AS id`);
    expect(ids.map((r) => r.id)).toEqual(expect.arrayContaining([a.tenantId, b.tenantId]));
  });
});
