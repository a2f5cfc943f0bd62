import { proxyActivities, sleep } from '@temporalio/workflow';
import type { DailyReportActivities } from './shared/daily-report.activities.types';
import type { DailyReportWorkflowArgs } from './shared/schedules';

const acts = proxyActivities<DailyReportActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
});

/**
 * 003 八.1, each morning: yesterday's complaints as the branch's daily report, addressed to its staff;
 * once the policy's reading time has passed, whoever has not read it is reminded and named on the
 * branch manager's report. Started by the branch's Temporal Schedule (or directly for one date).
 */
export async function dailyReportWorkflow(args: DailyReportWorkflowArgs): Promise<{ date: string; recipients: number; unreadAfterDue: string[] }> {
  const report = await acts.buildDailyReport({ ...args, at: Date.now() });
  if (!report.enabled) return { date: report.date, recipients: 0, unreadAfterDue: [] };
  // A durable timer: the reading time runs on even while no worker is up.
  const wait = report.dueAt - Date.now();
  if (wait > 0) await sleep(wait);
  const { unreadAfterDue } = await acts.remindUnreadDailyReport({ tenantId: args.tenantId, branchId: args.branchId, date: report.date, at: Date.now() });
  return { date: report.date, recipients: report.recipients, unreadAfterDue };
}
