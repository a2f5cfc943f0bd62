import type { ScheduleOptions } from '@temporalio/client';
import { categoryModelWorkflowId, dailyReportWorkflowId, weeklyReviewWorkflowId } from './ids';
import { tenantSearchAttributes } from './search-attributes';

/** The id of a tenant's weekly review schedule. */
export function weeklyReviewScheduleId(tenantId: string): string {
  return `weekly-review/${tenantId}`;
}

/**
 * The tenant's Monday-morning review as a Temporal Schedule: 09:00 on Mondays in the group's time
 * zone. Data only (a type import), so the workflow bundle stays free of the client; the client call
 * is `ensureWeeklyReviewSchedule` in `libs/temporal-client`.
 */
export function weeklyReviewScheduleOptions(opts: { tenantId: string; taskQueue: string; timezone?: string }): ScheduleOptions {
  const timezone = opts.timezone ?? 'Asia/Shanghai';
  return {
    scheduleId: weeklyReviewScheduleId(opts.tenantId),
    spec: { calendars: [{ dayOfWeek: 'MONDAY', hour: 9, minute: 0 }], timezone },
    action: {
      type: 'startWorkflow',
      workflowType: 'weeklyReviewWorkflow',
      args: [{ tenantId: opts.tenantId, timezone }],
      taskQueue: opts.taskQueue,
      workflowId: weeklyReviewWorkflowId(opts.tenantId),
      // Each run the schedule starts carries its tenant, like every other workflow.
      typedSearchAttributes: tenantSearchAttributes(opts.tenantId),
    },
    typedSearchAttributes: tenantSearchAttributes(opts.tenantId),
    policies: { overlap: 'SKIP', catchupWindow: '1 day' },
  };
}

/** The id of a branch's daily report schedule. */
export function dailyReportScheduleId(tenantId: string, branchId: string): string {
  return `daily-report/${tenantId}/${branchId}`;
}

/** What a daily report run is given: whose branch, and its time zone (the date reported is yesterday there). */
export interface DailyReportWorkflowArgs {
  tenantId: string;
  branchId: string;
  timezone: string;
  /** "YYYY-MM-DD": build this date's report instead of yesterday's (a report built by hand). */
  date?: string;
}

/**
 * A branch's daily complaint report (003 八.1) as a Temporal Schedule: every day at the policy's
 * `reports.dailyReportAt` ("HH:MM") in the branch's time zone. Data only, like the weekly review's;
 * the client call is `ensureDailyReportSchedule` in `libs/temporal-client`.
 */
export function dailyReportScheduleOptions(opts: {
  tenantId: string; branchId: string; taskQueue: string; timezone: string; at: string; paused?: boolean;
}): ScheduleOptions {
  const [hour, minute] = opts.at.split(':').map(Number);
  const args: DailyReportWorkflowArgs = { tenantId: opts.tenantId, branchId: opts.branchId, timezone: opts.timezone };
  return {
    scheduleId: dailyReportScheduleId(opts.tenantId, opts.branchId),
    spec: { calendars: [{ hour, minute }], timezone: opts.timezone },
    action: {
      type: 'startWorkflow',
      workflowType: 'dailyReportWorkflow',
      args: [args],
      taskQueue: opts.taskQueue,
      workflowId: dailyReportWorkflowId(opts.tenantId, opts.branchId),
      typedSearchAttributes: tenantSearchAttributes(opts.tenantId),
    },
    typedSearchAttributes: tenantSearchAttributes(opts.tenantId),
    // A run waits out the reading time (at most a day), so a manual trigger may overlap it: both run, and
    // the second finds the date's report already built (the build is idempotent by branch and date).
    policies: { overlap: 'ALLOW_ALL', catchupWindow: '1 day' },
    state: { paused: opts.paused ?? false, note: opts.paused ? 'daily report switched off in the policy (reports.enabled)' : undefined },
  };
}

/** The id of a tenant's nightly category-classifier training schedule. */
export function categoryModelScheduleId(tenantId: string): string {
  return `category-model/${tenantId}`;
}

/** When the nightly training runs: 03:00 in Shanghai, when complaints are few. */
export const CATEGORY_MODEL_SCHEDULE = { hour: 3, minute: 0, timezone: 'Asia/Shanghai' } as const;

/**
 * The tenant's category classifier retrained every night at 03:00 Asia/Shanghai as a Temporal
 * Schedule; a run still going when the next is due makes the next one skip. Data only, like the
 * weekly review's; the client call is `ensureCategoryModelSchedule` in `libs/temporal-client`.
 */
export function categoryModelScheduleOptions(opts: { tenantId: string; taskQueue: string }): ScheduleOptions {
  return {
    scheduleId: categoryModelScheduleId(opts.tenantId),
    spec: { calendars: [{ hour: CATEGORY_MODEL_SCHEDULE.hour, minute: CATEGORY_MODEL_SCHEDULE.minute }], timezone: CATEGORY_MODEL_SCHEDULE.timezone },
    action: {
      type: 'startWorkflow',
      workflowType: 'categoryModelWorkflow',
      args: [{ tenantId: opts.tenantId }],
      taskQueue: opts.taskQueue,
      workflowId: categoryModelWorkflowId(opts.tenantId),
      typedSearchAttributes: tenantSearchAttributes(opts.tenantId),
    },
    typedSearchAttributes: tenantSearchAttributes(opts.tenantId),
    policies: { overlap: 'SKIP', catchupWindow: '1 day' },
  };
}
