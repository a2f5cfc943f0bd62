import type { DataSource } from 'typeorm';
import { tenantTransaction } from './tenant-transaction';

/**
 * Runs `work` while holding a transaction-level advisory lock on `key` within the tenant: callers
 * with the same key take turns, across gateway processes. The lock (and one pooled connection) is
 * held until `work` settles, so keep it for short, rare sections (merging two complaints, where a
 * check and the action must not interleave with the opposite merge).
 */
export function withTenantLock<T>(ds: DataSource, tenantId: string, key: string, work: () => Promise<T>): Promise<T> {
  return tenantTransaction(ds, tenantId, async (m) => {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${tenantId}:${key}`]);
    return work();
  });
}
