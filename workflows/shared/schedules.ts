import type { ScheduleOptions } from '@temporalio/client';
import { weeklyReviewWorkflowId } from './ids';
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
