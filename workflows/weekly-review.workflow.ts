import { proxyActivities } from '@temporalio/workflow';
import type { ReviewActivities } from './shared/review.activities.types';

const acts = proxyActivities<ReviewActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
});

/**
 * Every Monday: review all of last week's open complaints (004 §3.1.8) and record the result.
 * Started by the tenant's Temporal Schedule; the review time is the workflow's own clock.
 */
export async function weeklyReviewWorkflow(args: { tenantId: string; timezone: string }): Promise<{ weekStart: string; openCount: number; overdueCount: number }> {
  return acts.recordWeeklyReview({ tenantId: args.tenantId, timezone: args.timezone, at: Date.now() });
}
