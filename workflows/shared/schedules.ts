import { Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';

/** The id of a tenant's weekly review schedule. */
export function weeklyReviewScheduleId(tenantId: string): string {
  return `weekly-review/${tenantId}`;
}

/**
 * Makes sure the tenant's Monday-morning review runs as a Temporal Schedule (idempotent: an
 * existing schedule is left as it is). 09:00 on Mondays in the group's time zone.
 */
export async function ensureWeeklyReviewSchedule(client: Client, opts: { tenantId: string; taskQueue: string; timezone?: string }): Promise<void> {
  const timezone = opts.timezone ?? 'Asia/Shanghai';
  try {
    await client.schedule.create({
      scheduleId: weeklyReviewScheduleId(opts.tenantId),
      spec: { calendars: [{ dayOfWeek: 'MONDAY', hour: 9, minute: 0 }], timezone },
      action: {
        type: 'startWorkflow',
        workflowType: 'weeklyReviewWorkflow',
        args: [{ tenantId: opts.tenantId, timezone }],
        taskQueue: opts.taskQueue,
        workflowId: `weekly-review/${opts.tenantId}`,
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
}
