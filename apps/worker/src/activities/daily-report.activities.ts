import { DataSource, EntityManager } from 'typeorm';
import { addDaysToLocalDate, isValidLocalDate, localDate, parseLocalDate, wallClockToInstant } from '../../../../libs/domain/src/calendar/zoned-time.util';
import { parsePolicyDuration, policyDurationToMs } from '../../../../libs/domain/src/policy/policy-duration.util';
import type { Policy } from '../../../../libs/domain/src/policy/policy.types';
import { reportsPolicyOf } from '../../../../libs/domain/src/policy/policy.util';
import { reportFigures } from '../../../../libs/persistence/src/report.repository';
import { tenantTransaction } from '../../../../libs/persistence/src/tenant-transaction';
import type {
  DailyReportActivities, DailyReportBuilt, DailyReportReminded,
} from '../../../../workflows/shared/daily-report.activities.types';

/**
 * Who a branch's daily report is addressed to: everyone whose grant names the branch as its branch
 * manager, a dispatcher or a handler (the staff who handle its complaints). Company managers and head
 * office read it through the reports, but get no receipt; contractors are not staff.
 */
export const DAILY_REPORT_RECIPIENT_ROLES = ['BRANCH_MANAGER', 'DISPATCHER', 'HANDLER'] as const;

const DAY_MS = 86_400_000;

/**
 * The daily complaint report (003 八.1): built once per branch and date, with a receipt per recipient;
 * the reminder once it is due. Both idempotent, so a retried activity or a second run for the same
 * date changes nothing. The reminder is recorded on the receipt (`reminded_at`): the change
 * notifications (libs/persistence/src/notifications.ts) are about complaints and escalations only.
 */
export class DailyReportActivitiesService implements DailyReportActivities {
  constructor(private readonly dataSource: DataSource) {}

  async buildDailyReport(args: { tenantId: string; branchId: string; timezone: string; at: number; date?: string }): Promise<DailyReportBuilt> {
    return tenantTransaction(this.dataSource, args.tenantId, async (m) => {
      const [branch]: { timezone: string }[] = await m.query(`SELECT timezone FROM branches WHERE tenant_id = $1 AND id = $2`, [args.tenantId, args.branchId]);
      // The branch's zone as it is now (the schedule's copy may be older); the schedule's when the branch is gone.
      const timeZone = branch?.timezone ?? args.timezone;
      const date = args.date && isValidLocalDate(args.date) ? args.date : addDaysToLocalDate(localDate(args.at, timeZone), -1);
      // Serialises concurrent builds of the same report (two runs at once) before the existence check.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`daily-report/${args.tenantId}/${args.branchId}/${date}`]);
      const existing = await this.report(m, args.tenantId, args.branchId, date);
      if (existing) return { date, dueAt: existing.dueAt, recipients: existing.recipients, built: false, enabled: true };
      if (!branch) return { date, dueAt: args.at, recipients: 0, built: false, enabled: false };
      const [row]: { document: Policy }[] = await m.query(
        `SELECT p.document FROM tenants t JOIN policy_versions p ON p.tenant_id = t.id AND p.version = t.current_policy_version WHERE t.id = $1`,
        [args.tenantId],
      );
      const policy = reportsPolicyOf(row?.document ?? { preset: 'training' });
      if (!policy.enabled) return { date, dueAt: args.at, recipients: 0, built: false, enabled: false };
      const day = parseLocalDate(date);
      const fromMs = wallClockToInstant(day * DAY_MS, timeZone);
      const toMs = wallClockToInstant((day + 1) * DAY_MS, timeZone);
      const figures = await reportFigures(m, args.tenantId, { fromMs, toMs, branchIds: [args.branchId], timeZone });
      const readWithin = parsePolicyDuration(policy.readWithin);
      // The built time is the workflow's (not this attempt's clock): a retry builds the same report.
      const dueAt = args.at + (readWithin ? policyDurationToMs(readWithin) : 3_600_000);
      const recipients: { user_id: string }[] = await m.query(
        `SELECT DISTINCT user_id FROM role_assignments WHERE tenant_id = $1 AND branch_id = $2 AND role = ANY($3) ORDER BY user_id`,
        [args.tenantId, args.branchId, DAILY_REPORT_RECIPIENT_ROLES],
      );
      await m.query(
        `INSERT INTO daily_reports (tenant_id, branch_id, date, figures, built_at, due_at, recipients)
         VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [args.tenantId, args.branchId, date, JSON.stringify(figures), new Date(args.at), new Date(dueAt), recipients.length],
      );
      await m.query(
        `INSERT INTO daily_report_receipts (tenant_id, branch_id, date, user_id, due_at)
         SELECT $1, $2, $3, u, $5 FROM unnest($4::uuid[]) AS u ON CONFLICT DO NOTHING`,
        [args.tenantId, args.branchId, date, recipients.map((r) => r.user_id), new Date(dueAt)],
      );
      return { date, dueAt, recipients: recipients.length, built: true, enabled: true };
    });
  }

  async remindUnreadDailyReport(args: { tenantId: string; branchId: string; date: string; at: number }): Promise<DailyReportReminded> {
    return tenantTransaction(this.dataSource, args.tenantId, async (m) => {
      const [report]: { due_at: Date; unread_after_due: string[] | null }[] = await m.query(
        `SELECT due_at, unread_after_due FROM daily_reports WHERE tenant_id = $1 AND branch_id = $2 AND date = $3 FOR UPDATE`,
        [args.tenantId, args.branchId, args.date],
      );
      if (!report) return { unreadAfterDue: [], reminded: 0 };
      // Already done (a retry, or a second run for the date): the first evaluation stands.
      if (report.unread_after_due !== null) return { unreadAfterDue: report.unread_after_due, reminded: 0 };
      if (args.at < report.due_at.getTime()) return { unreadAfterDue: [], reminded: 0 };
      const reminded: { user_id: string }[] = await m.query(
        `UPDATE daily_report_receipts SET reminded_at = $4
          WHERE tenant_id = $1 AND branch_id = $2 AND date = $3 AND read_at IS NULL AND reminded_at IS NULL RETURNING user_id`,
        [args.tenantId, args.branchId, args.date, new Date(args.at)],
      );
      // Unread when due: not read at all, or read only after the due time (a read racing this reminder).
      const unread: { user_id: string }[] = await m.query(
        `SELECT user_id FROM daily_report_receipts
          WHERE tenant_id = $1 AND branch_id = $2 AND date = $3 AND (read_at IS NULL OR read_at > due_at) ORDER BY user_id`,
        [args.tenantId, args.branchId, args.date],
      );
      const unreadAfterDue = unread.map((u) => u.user_id);
      await m.query(
        `UPDATE daily_reports SET reminded_at = $4, unread_after_due = $5::uuid[] WHERE tenant_id = $1 AND branch_id = $2 AND date = $3`,
        [args.tenantId, args.branchId, args.date, new Date(args.at), unreadAfterDue],
      );
      return { unreadAfterDue, reminded: reminded.length };
    });
  }

  private async report(m: EntityManager, tenantId: string, branchId: string, date: string): Promise<{ dueAt: number; recipients: number } | null> {
    const [r]: { due_at: Date; recipients: number }[] = await m.query(
      `SELECT due_at, recipients FROM daily_reports WHERE tenant_id = $1 AND branch_id = $2 AND date = $3`, [tenantId, branchId, date],
    );
    return r ? { dueAt: r.due_at.getTime(), recipients: r.recipients } : null;
  }
}

/** The activities by name, as the worker registers them. */
export function dailyReportActivities(s: DailyReportActivitiesService): DailyReportActivities {
  return {
    buildDailyReport: s.buildDailyReport.bind(s),
    remindUnreadDailyReport: s.remindUnreadDailyReport.bind(s),
  };
}
