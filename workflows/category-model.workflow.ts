import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { CategoryModelActivities, CategoryModelTrained } from './shared/category-model.activities.types';

const acts = proxyActivities<CategoryModelActivities>({
  // A training reads up to 20,000 complaints and segments each: generous, but bounded.
  startToCloseTimeout: '10 minutes',
  // A training that can never succeed (bad data, a broken lexicon) fails the run visibly instead of retrying for ever.
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 5 },
});

/**
 * Retrains the tenant's category classifier on its own confirmed complaints and records the new
 * version with its held-out accuracy. Started nightly by the tenant's Temporal Schedule, or on
 * demand by head office (`retrainCategoryModel`); the run's id makes the activity idempotent.
 */
export async function categoryModelWorkflow(args: { tenantId: string }): Promise<CategoryModelTrained> {
  const info = workflowInfo();
  return acts.retrainCategoryModel({ tenantId: args.tenantId, runId: `${info.workflowId}/${info.runId}` });
}
