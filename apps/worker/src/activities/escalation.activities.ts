import { DataSource, EntityManager } from 'typeorm';
import { holdsEscalationLevel, PositionedGrant } from '../../../../libs/domain/src/escalation/escalation.util';
import type { Role } from '../../../../libs/domain/src/enums';
import type { EscalationLevel } from '../../../../libs/domain/src/policy/policy.types';
import { notifyEscalationRaised } from '../../../../libs/persistence/src/notifications';
import { tenantTransaction } from '../../../../libs/persistence/src/tenant-transaction';
import type {
  EscalationActivities, RaiseEscalationArgs, RaiseEscalationResult,
} from '../../../../workflows/shared/escalation';

const ENDED = ['CLOSED', 'WITHDRAWN', 'MERGED'];

/**
 * The escalation workflow's side: raise a level (supersede the previous row, find who holds the level,
 * write the row and its notification in one transaction) and record an acknowledgement. Both are
 * idempotent: a row is keyed by (tenant, workflow, step), an acknowledgement keeps the first one.
 */
export class EscalationActivitiesService implements EscalationActivities {
  constructor(private readonly dataSource: DataSource) {}

  async raiseEscalation(a: RaiseEscalationArgs): Promise<RaiseEscalationResult> {
    return tenantTransaction(this.dataSource, a.tenantId, async (m) => {
      // A retry after the commit: the row is there, answer what it holds (and notify nobody twice).
      const existing = await this.rowAt(m, a);
      if (existing) return existing;
      const [complaint]: { status: string }[] = await m.query(
        `SELECT status FROM complaints WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [a.tenantId, a.complaintId],
      );
      if (!complaint || ENDED.includes(complaint.status)) {
        if (a.supersedes) await this.supersede(m, a.tenantId, a.supersedes);
        return { raised: false };
      }
      const grants = await this.grants(m, a.tenantId);
      const branch = { id: a.branchId, companyId: a.companyId };
      // Skip-level (004 §3.2.2 A): a level nobody holds is passed over for the next one up. With nobody
      // at any level the last one is still recorded (addressed to nobody): the trace must exist.
      let chosen = a.levels.length - 1;
      let holders: string[] = [];
      for (let i = 0; i < a.levels.length; i += 1) {
        const users = [...grants].filter(([, g]) => holdsEscalationLevel(g, branch, a.levels[i])).map(([u]) => u).sort();
        if (users.length > 0) {
          chosen = i;
          holders = users;
          break;
        }
      }
      const level: EscalationLevel = a.levels[chosen];
      const ackDueAt = a.raisedAt + a.ackWithinMs[chosen];
      if (a.supersedes) await this.supersede(m, a.tenantId, a.supersedes);
      const inserted: unknown[] = await m.query(
        `INSERT INTO escalations (id, tenant_id, complaint_id, workflow_id, step, trigger, reason, level, notified_user_ids,
                                  raised_at, ack_due_at, superseded, policy)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::uuid[], $10, $11, false, $12::jsonb)
         ON CONFLICT (tenant_id, workflow_id, step) DO NOTHING RETURNING id`,
        [a.rowId, a.tenantId, a.complaintId, a.workflowId, a.step, a.trigger, a.reason, level, holders,
          new Date(a.raisedAt), new Date(ackDueAt), JSON.stringify(a.rule)],
      );
      if (inserted.length > 0) {
        await notifyEscalationRaised(m, { tenantId: a.tenantId, complaintId: a.complaintId, escalationId: a.rowId, userIds: holders });
      }
      return { raised: true, level, skipped: chosen, ackDueAt, notifiedUserIds: holders };
    });
  }

  async acknowledgeEscalationRow(a: { tenantId: string; rowId: string; userId: string; at: number }): Promise<{ acknowledgedAt: number; acknowledgedBy: string }> {
    return tenantTransaction(this.dataSource, a.tenantId, async (m) => {
      // TypeORM answers an UPDATE … RETURNING with [rows, affected].
      const [updated]: [{ acknowledged_at: Date; acknowledged_by: string }[], number] = await m.query(
        `UPDATE escalations SET acknowledged_at = COALESCE(acknowledged_at, $3), acknowledged_by = COALESCE(acknowledged_by, $4::uuid)
          WHERE tenant_id = $1 AND id = $2 RETURNING acknowledged_at, acknowledged_by`,
        [a.tenantId, a.rowId, new Date(a.at), a.userId],
      );
      const row = updated[0];
      if (!row) throw new Error(`escalation ${a.rowId} not found`);
      return { acknowledgedAt: new Date(row.acknowledged_at).getTime(), acknowledgedBy: row.acknowledged_by };
    });
  }

  private async rowAt(m: EntityManager, a: RaiseEscalationArgs): Promise<RaiseEscalationResult | null> {
    const [row]: { level: EscalationLevel; ack_due_at: Date; notified_user_ids: string[] }[] = await m.query(
      `SELECT level, ack_due_at, notified_user_ids FROM escalations WHERE tenant_id = $1 AND workflow_id = $2 AND step = $3`,
      [a.tenantId, a.workflowId, a.step],
    );
    if (!row) return null;
    return {
      raised: true, level: row.level, skipped: Math.max(0, a.levels.indexOf(row.level)),
      ackDueAt: new Date(row.ack_due_at).getTime(), notifiedUserIds: row.notified_user_ids,
    };
  }

  private async supersede(m: EntityManager, tenantId: string, rowId: string): Promise<void> {
    await m.query(`UPDATE escalations SET superseded = true WHERE tenant_id = $1 AND id = $2 AND acknowledged_at IS NULL`, [tenantId, rowId]);
  }

  /** Every user's grants in the tenant that can hold an escalation level, with their positions. */
  private async grants(m: EntityManager, tenantId: string): Promise<Map<string, PositionedGrant[]>> {
    const rows: { user_id: string; role: Role; company_id: string | null; branch_id: string | null; position: 'DEPUTY_GM' | 'GM' | null }[] = await m.query(
      `SELECT user_id, role, company_id, branch_id, position FROM role_assignments
        WHERE tenant_id = $1 AND role IN ('BRANCH_MANAGER', 'COMPANY_MANAGER', 'HEAD_OFFICE')`,
      [tenantId],
    );
    const byUser = new Map<string, PositionedGrant[]>();
    for (const r of rows) {
      const list = byUser.get(r.user_id) ?? [];
      list.push({ role: r.role, companyId: r.company_id, branchId: r.branch_id, position: r.position });
      byUser.set(r.user_id, list);
    }
    return byUser;
  }
}

/** The activity functions the worker registers. */
export function escalationActivities(s: EscalationActivitiesService): EscalationActivities {
  return {
    raiseEscalation: s.raiseEscalation.bind(s),
    acknowledgeEscalationRow: s.acknowledgeEscalationRow.bind(s),
  };
}
