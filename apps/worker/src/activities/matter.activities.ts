import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { DataSource } from 'typeorm';
import type { Severity } from '../../../../libs/domain/src/enums';
import { severityRank } from '../../../../libs/domain/src/severity/severity.util';
import { tenantTransaction } from '../../../../libs/persistence/src/tenant-transaction';
import { complaintWorkflowId } from '../../../../workflows/shared/ids';
import type { MatterActivities, MatterUpgradeResult } from '../../../../workflows/shared/matter';
import { severityRuleSignal } from '../../../../workflows/shared/updates';

const PAGE = 100;
const CONCURRENCY = 10;
const TERMINAL = `('CLOSED', 'WITHDRAWN', 'MERGED')`;

interface UpgradeHeartbeat extends MatterUpgradeResult {
  after: string | null;
}

/** The matter workflow's side: record the rule that fired, signal the matter's running complaints. */
export class MatterActivitiesService implements MatterActivities {
  constructor(private readonly dataSource: DataSource) {}

  async upgradeMatterComplaints(args: {
    tenantId: string; matterId: string; severity: Severity; rule: string; firedAt: number; only: string[] | null;
  }): Promise<MatterUpgradeResult> {
    const { tenantId, matterId, severity, rule } = args;
    const ctx = Context.current();
    const firedAt = new Date(args.firedAt);
    const state: UpgradeHeartbeat = (ctx.info.heartbeatDetails as UpgradeHeartbeat | undefined) ?? { after: null, signalled: 0, skipped: 0 };
    if (args.only === null) {
      // The matter shows the highest rule that fired (a retry writes the same).
      await tenantTransaction(this.dataSource, tenantId, (m) => m.query(
        `UPDATE matters SET fired_rule = $3, fired_severity = $4, fired_at = $5
          WHERE tenant_id = $1 AND id = $2 AND (fired_severity IS NULL OR ${rankSql('fired_severity')} < $6)`,
        [tenantId, matterId, rule, severity, firedAt, severityRank(severity)],
      ));
    }
    // Keyset pages over the matter's members (matter_complaints_matter_idx): the activity's memory
    // and each statement stay bounded however big the matter is; a retry resumes after its heartbeat.
    for (;;) {
      const rows: { complaint_id: string; status: string }[] = await tenantTransaction(this.dataSource, tenantId, (m) => m.query(
        `SELECT mc.complaint_id, c.status FROM matter_complaints mc
           JOIN complaints c ON c.tenant_id = mc.tenant_id AND c.id = mc.complaint_id
          WHERE mc.tenant_id = $1 AND mc.matter_id = $2 AND ($3::uuid IS NULL OR mc.complaint_id > $3::uuid)
            AND ($4::uuid[] IS NULL OR mc.complaint_id = ANY($4::uuid[]))
          ORDER BY mc.complaint_id LIMIT $5`,
        [tenantId, matterId, state.after, args.only, PAGE],
      ));
      if (rows.length === 0) break;
      const running = rows.filter((r) => !TERMINAL.includes(`'${r.status}'`));
      state.skipped += rows.length - running.length;
      const signalled: string[] = [];
      for (let i = 0; i < running.length; i += CONCURRENCY) {
        await Promise.all(running.slice(i, i + CONCURRENCY).map(async (r) => {
          try {
            await ctx.client.workflow.getHandle(complaintWorkflowId(tenantId, r.complaint_id))
              .signal(severityRuleSignal, { tenantId, severity, rule, matterId, firedAt: args.firedAt });
            signalled.push(r.complaint_id);
          } catch (err) {
            // Finished since the page was read: nothing left to upgrade.
            if (!(err instanceof WorkflowNotFoundError)) throw err;
            state.skipped += 1;
          }
        }));
      }
      if (signalled.length) {
        await tenantTransaction(this.dataSource, tenantId, (m) => m.query(
          `UPDATE matter_complaints SET signalled_severity = $3, signalled_at = now()
            WHERE tenant_id = $1 AND matter_id = $2 AND complaint_id = ANY($4::uuid[])`,
          [tenantId, matterId, severity, signalled],
        ));
      }
      state.signalled += signalled.length;
      state.after = rows[rows.length - 1].complaint_id;
      ctx.heartbeat(state);
      if (rows.length < PAGE) break;
    }
    return { signalled: state.signalled, skipped: state.skipped };
  }
}

/** GENERAL < IMPORTANT < HOT < MAJOR as a number, in SQL. */
function rankSql(column: string): string {
  return `(CASE ${column} WHEN 'MAJOR' THEN 3 WHEN 'HOT' THEN 2 WHEN 'IMPORTANT' THEN 1 ELSE 0 END)`;
}

export function matterActivities(service: MatterActivitiesService): MatterActivities {
  return { upgradeMatterComplaints: service.upgradeMatterComplaints.bind(service) };
}
