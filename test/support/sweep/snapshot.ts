import { Client } from '@temporalio/client';
import { DataSource } from 'typeorm';

/** Tenant A as its owner sees it: rows and a hash per table, and each complaint workflow's history length. */
export interface TenantSnapshot {
  tables: Record<string, { rows: number; hash: string }>;
  histories: Record<string, number>;
}

// Append-only journals may record a refused attempt (that is their purpose); what they must not
// hold is an attempt that succeeded. Rows matching the predicate are left out of the hash.
const REFUSAL_JOURNALS: Record<string, string> = {
  'public.audit_log': `outcome IN ('NOT_FOUND', 'FORBIDDEN')`,
};

const quoted = (schema: string, name: string): string => `"${schema.replace(/"/g, '""')}"."${name.replace(/"/g, '""')}"`;

/**
 * Every base table with a `tenant_id` column, from information_schema (a new table is covered
 * without touching the sweep), and the `tenants` table itself (its `id` is the tenant).
 */
async function tenantTables(db: DataSource): Promise<{ key: string; from: string; column: string }[]> {
  const rows: { schema: string; name: string }[] = await db.query(
    `SELECT c.table_schema AS schema, c.table_name AS name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
      ORDER BY 1, 2`,
  );
  return [
    { key: 'public.tenants', from: quoted('public', 'tenants'), column: 'id' },
    ...rows.map((r) => ({ key: `${r.schema}.${r.name}`, from: quoted(r.schema, r.name), column: 'tenant_id' })),
  ];
}

/**
 * Reads the snapshot inside a transaction that names the tenant, so that row-level security (even
 * forced on the owner) shows the tenant's rows rather than none.
 */
export async function snapshotTenant(db: DataSource, temporal: Client, tenantId: string, workflowIds: string[]): Promise<TenantSnapshot> {
  const tables = await tenantTables(db);
  const out: TenantSnapshot = { tables: {}, histories: {} };
  await db.transaction(async (m) => {
    await m.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
    for (const t of tables) {
      const journal = REFUSAL_JOURNALS[t.key];
      const [row] = await m.query(
        `SELECT count(*)::int AS rows, md5(coalesce(string_agg(md5(r::text), '' ORDER BY md5(r::text)), '')) AS hash
           FROM ${t.from} r WHERE r.${t.column} = $1${journal ? ` AND NOT (${journal})` : ''}`,
        [tenantId],
      );
      out.tables[t.key] = { rows: row.rows, hash: row.hash };
    }
  });
  for (const id of workflowIds) out.histories[id] = (await temporal.workflow.getHandle(id).describe()).historyLength;
  return out;
}

/** What differs between two snapshots, one line per table or workflow. */
export function snapshotDiff(before: TenantSnapshot, after: TenantSnapshot): string[] {
  const lines: string[] = [];
  for (const key of new Set([...Object.keys(before.tables), ...Object.keys(after.tables)])) {
    const b = before.tables[key];
    const a = after.tables[key];
    if (b?.hash !== a?.hash) lines.push(`${key}: ${b?.rows ?? 0} → ${a?.rows ?? 0} rows, content changed`);
  }
  for (const id of Object.keys(before.histories)) {
    if (before.histories[id] !== after.histories[id]) lines.push(`workflow ${id}: history ${before.histories[id]} → ${after.histories[id]} events`);
  }
  return lines;
}

/** Snapshots until two readings in a row agree (what a call set off has finished), within `timeoutMs`. */
export async function settledSnapshot(read: () => Promise<TenantSnapshot>, timeoutMs = 15_000, everyMs = 500): Promise<TenantSnapshot> {
  const until = Date.now() + timeoutMs;
  let last = await read();
  for (;;) {
    await new Promise((r) => setTimeout(r, everyMs));
    const now = await read();
    if (snapshotDiff(last, now).length === 0) return now;
    if (Date.now() > until) throw new Error(`tenant A did not settle within ${timeoutMs} ms: ${snapshotDiff(last, now).join('; ')}`);
    last = now;
  }
}
