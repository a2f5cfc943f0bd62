// The end-of-run reconciliation: what the clients were told (accepted) against what the database
// and Temporal hold. Reads the application database as its owner and Temporal's visibility.
import { Client as PgClient } from 'pg';
import { Connection, WorkflowClient } from '@temporalio/client';
import { actionUpdateId } from '../../apps/gateway/src/complaints/services/complaint-engine.service';

/** The event each staff action of the soak writes once per application (a repeated dispatch would be REDISPATCHED). */
const ACTION_EVENTS = ['DISPATCHED', 'REDISPATCHED', 'ACKNOWLEDGED', 'FOLLOW_UP', 'RESOLVED'];

export interface Reconciliation {
  rows: number;
  workflows: number;
  rowsWithoutWorkflow: number;
  workflowsWithoutRow: number;
  /** Accepted intakes without a row (the client was told yes, nothing is there). */
  acceptedWithoutRow: number;
  appliedActions: number;
  acceptedNotApplied: number;
  appliedNotAccepted: number;
  duplicatedEvents: number;
  samples: string[];
}

export interface ReconcileInput {
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  tenantId: string;
  keyPrefix: string;
  acceptedIntakeKeys: ReadonlySet<string>;
  /** requestId → complaint id. */
  acceptedActions: ReadonlyMap<string, string>;
}

export async function reconcile(i: ReconcileInput): Promise<Reconciliation> {
  const db = new PgClient({ connectionString: i.databaseUrl });
  await db.connect();
  const samples: string[] = [];
  try {
    const like = `${i.keyPrefix}-%`;
    const rows = (await db.query<{ key: string; workflow_id: string | null }>(
      `SELECT idempotency_key AS key, workflow_id FROM complaints WHERE tenant_id = $1 AND idempotency_key LIKE $2`, [i.tenantId, like],
    )).rows;
    // Per (complaint, retry key): how often the action's own event was written. Events carry the
    // action's Update id (derived from complaint and requestId), not the requestId itself. One action
    // writes one event of its own type (DISPATCHED, …) plus follow-on ones (several DEADLINE_SET, …):
    // an action applied twice shows as its own event twice.
    const events = (await db.query<{ complaint_id: string; k: string; type: string; n: number }>(
      `SELECT e.complaint_id, e.data->>'retryKey' AS k, string_agg(DISTINCT e.type, ',') AS type,
              count(*) FILTER (WHERE e.type = ANY($3))::int AS n
         FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
        WHERE c.tenant_id = $1 AND c.idempotency_key LIKE $2 AND e.data ? 'retryKey' GROUP BY 1, 2`, [i.tenantId, like, ACTION_EVENTS],
    )).rows;
    // The intake's own event: one RECEIVED per complaint.
    const received = (await db.query<{ n: number }>(
      `SELECT coalesce(sum(n - 1), 0)::int AS n FROM (SELECT count(*) AS n FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
        WHERE c.tenant_id = $1 AND c.idempotency_key LIKE $2 AND e.type = 'RECEIVED' GROUP BY e.complaint_id) x`, [i.tenantId, like],
    )).rows[0].n;

    const connection = await Connection.connect({ address: i.temporalAddress });
    const workflowIds = new Set<string>();
    try {
      const client = new WorkflowClient({ connection, namespace: i.namespace });
      for await (const wf of client.list({ query: `WorkflowType = 'complaintWorkflow' AND TenantId = '${i.tenantId}'` })) workflowIds.add(wf.workflowId);
      // Visibility lags behind: a row's workflow missing from the list is looked up directly.
      for (const r of rows) {
        if (!r.workflow_id || workflowIds.has(r.workflow_id)) continue;
        try {
          await client.getHandle(r.workflow_id).describe();
          workflowIds.add(r.workflow_id);
        } catch {
          // not found: stuck
        }
      }
    } finally {
      await connection.close();
    }
    const rowWorkflows = new Set(rows.map((r) => r.workflow_id).filter((w): w is string => !!w));
    const rowsWithoutWorkflow = rows.filter((r) => !r.workflow_id || !workflowIds.has(r.workflow_id));
    const workflowsWithoutRow = [...workflowIds].filter((w) => !rowWorkflows.has(w));
    const rowKeys = new Set(rows.map((r) => r.key));
    const acceptedWithoutRow = [...i.acceptedIntakeKeys].filter((k) => !rowKeys.has(k));
    const applied = new Set(events.map((e) => e.k));
    const expected = new Map([...i.acceptedActions].map(([requestId, complaintId]) => [actionUpdateId(i.tenantId, complaintId, requestId), requestId]));
    const acceptedNotApplied = [...expected].filter(([k]) => !applied.has(k)).map(([, requestId]) => requestId);
    const appliedNotAccepted = [...applied].filter((k) => !expected.has(k));
    const duplicated = events.filter((e) => e.n > 1);
    samples.push(
      ...rowsWithoutWorkflow.slice(0, 3).map((r) => `row ${r.key} without workflow ${r.workflow_id}`),
      ...workflowsWithoutRow.slice(0, 3).map((w) => `workflow ${w} without row`),
      ...acceptedWithoutRow.slice(0, 3).map((k) => `accepted intake ${k} without row`),
      ...acceptedNotApplied.slice(0, 3).map((k) => `accepted action ${k} not on the timeline`),
      ...appliedNotAccepted.slice(0, 3).map((k) => `action ${k} on the timeline, never acknowledged to the client`),
      ...duplicated.slice(0, 3).map((e) => `action ${e.k} (${e.type}) applied ${e.n} times`),
    );
    return {
      rows: rows.length,
      workflows: workflowIds.size,
      rowsWithoutWorkflow: rowsWithoutWorkflow.length,
      workflowsWithoutRow: workflowsWithoutRow.length,
      acceptedWithoutRow: acceptedWithoutRow.length,
      appliedActions: applied.size,
      acceptedNotApplied: acceptedNotApplied.length,
      appliedNotAccepted: appliedNotAccepted.length,
      duplicatedEvents: duplicated.reduce((sum, e) => sum + e.n - 1, 0) + received,
      samples,
    };
  } finally {
    await db.end();
  }
}
