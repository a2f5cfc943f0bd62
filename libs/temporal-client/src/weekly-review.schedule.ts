import { Client, ScheduleAlreadyRunning } from '@temporalio/client';
import { weeklyReviewScheduleOptions } from '../../../workflows/shared/schedules';

/**
 * Makes sure the tenant's Monday-morning review runs as a Temporal Schedule (idempotent: an
 * existing schedule is left as it is). Used by tenant provisioning and the worker's start.
 */
export async function ensureWeeklyReviewSchedule(client: Client, opts: { tenantId: string; taskQueue: string; timezone?: string }): Promise<void> {
  try {
    await client.schedule.create(weeklyReviewScheduleOptions(opts));
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
}
