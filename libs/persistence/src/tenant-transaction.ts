import { DataSource, EntityManager } from 'typeorm';

/** The PostgreSQL setting row-level security reads the tenant from (see the RLS migration). */
export const TENANT_SETTING = 'app.tenant_id';

/** A UUID in its text form: the checked values that may be written into SQL as literals. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class MissingTenantError extends Error {
  constructor() {
    super('a tenant id is required for every tenant-owned query');
  }
}

/** Refuses an empty or malformed tenant id: it would otherwise silently widen or break a query. */
export function requireTenant(tenantId: string): void {
  if (typeof tenantId !== 'string' || !UUID.test(tenantId)) throw new MissingTenantError();
}

// The tenant each transaction's manager was opened for: a scoped repository bound to a manager
// refuses a call naming another tenant instead of running it under the wrong setting.
const managerTenants = new WeakMap<EntityManager, string>();

/**
 * Runs `work` in one transaction whose row-level-security tenant is `tenantId`
 * (`set_config('app.tenant_id', …, true)`: local to the transaction, so a pooled connection never
 * carries one request's tenant into the next). Every read and write of tenant data goes through
 * here; as the application role, a query outside such a transaction sees no tenant rows at all.
 */
export async function tenantTransaction<T>(ds: DataSource, tenantId: string, work: (m: EntityManager) => Promise<T>): Promise<T> {
  requireTenant(tenantId);
  const runner = ds.createQueryRunner();
  const client = (await runner.connect()) as { query(sql: string): Promise<unknown> };
  let broken: unknown;
  try {
    let result: T;
    try {
      // One round trip for both (every statement is a socket write, which dominated the gateway's CPU
      // under load): the simple protocol runs the two statements, and the tenant id is a checked UUID.
      await client.query(`BEGIN; SELECT set_config('${TENANT_SETTING}', '${tenantId}', true)`);
      // TypeORM must not open a transaction of its own inside this one (a `save` would, and commit it).
      (runner as { isTransactionActive: boolean }).isTransactionActive = true;
      managerTenants.set(runner.manager, tenantId);
      result = await work(runner.manager);
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackFailed: unknown) => {
        broken = rollbackFailed;
      });
      throw err;
    }
    await client.query('COMMIT').catch((commitFailed: unknown) => {
      broken = commitFailed;
      throw commitFailed;
    });
    return result;
  } finally {
    (runner as { isTransactionActive: boolean }).isTransactionActive = false;
    // A connection whose ROLLBACK or COMMIT failed is dropped from the pool, never reused.
    await (runner as unknown as { releasePostgresConnection(err?: unknown): Promise<void> }).releasePostgresConnection(broken);
  }
}

/**
 * One read in a tenant transaction in ONE round trip: `BEGIN READ ONLY`, the tenant setting, `sql`
 * and `COMMIT` go as one simple-protocol message (a tenantTransaction costs three). For the reads
 * every request makes. `sql` takes no parameters: every value in it must be a checked literal (the
 * caller validates them, e.g. as UUIDs); its rows are returned.
 */
export async function tenantReadOnce<R>(ds: DataSource, tenantId: string, sql: string): Promise<R[]> {
  return (await tenantReadBatch<R>(ds, tenantId, [sql]))[0];
}

/**
 * Several reads in one tenant transaction and ONE round trip (see tenantReadOnce): one snapshot for
 * all of them, and one socket write instead of one per statement. Each statement's rows, in order.
 * Values must be literals already (`inlineParameters` writes a built query's parameters in).
 */
export async function tenantReadBatch<R>(ds: DataSource, tenantId: string, statements: readonly string[]): Promise<R[][]> {
  requireTenant(tenantId);
  if (statements.length === 0) return [];
  const runner = ds.createQueryRunner();
  const client = (await runner.connect()) as { query(sql: string): Promise<{ rows: R[] }[] | { rows: R[] }> };
  let broken: unknown;
  try {
    // REPEATABLE READ: the statements read one snapshot (a count and the page it counts agree).
    const results = await client.query(
      `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT set_config('${TENANT_SETTING}', '${tenantId}', true); ${statements.join('; ')}; COMMIT`,
    );
    // [BEGIN, set_config, …the reads, COMMIT]
    return (results as { rows: R[] }[]).slice(2, 2 + statements.length).map((r) => r.rows);
  } catch (err) {
    // A failed statement aborts the rest of the message; the transaction may still be open.
    await client.query('ROLLBACK').catch((rollbackFailed: unknown) => {
      broken = rollbackFailed;
    });
    throw err;
  } finally {
    await (runner as unknown as { releasePostgresConnection(err?: unknown): Promise<void> }).releasePostgresConnection(broken);
  }
}

/** Throws unless `m` is a tenant transaction's manager for `tenantId`. */
export function assertManagerTenant(m: EntityManager, tenantId: string): void {
  requireTenant(tenantId);
  const bound = managerTenants.get(m);
  if (bound === undefined) throw new Error('a scoped repository was bound to a manager that is not a tenantTransaction\'s');
  if (bound !== tenantId) throw new Error('a tenant transaction was asked for another tenant\'s rows');
}

/**
 * Where tenant data is read and written: the data source (each call its own tenant transaction) or
 * a tenant transaction's manager (calls join it).
 */
export type TenantSource = DataSource | EntityManager;

/** Runs `work` with a manager whose tenant is `tenantId`: joins `source` when it is a tenant transaction's manager. */
export function inTenant<T>(source: TenantSource, tenantId: string, work: (m: EntityManager) => Promise<T>): Promise<T> {
  if (source instanceof DataSource) return tenantTransaction(source, tenantId, work);
  assertManagerTenant(source, tenantId);
  return work(source);
}
