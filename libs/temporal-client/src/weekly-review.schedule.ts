import { Client, ScheduleAlreadyRunning } from '@temporalio/client';
import { SearchAttributePair, TypedSearchAttributes } from '@temporalio/common';
import { weeklyReviewScheduleOptions } from '../../../workflows/shared/schedules';
import { TENANT_ID_SEARCH_ATTRIBUTE, tenantSearchAttributes } from '../../../workflows/shared/search-attributes';

/**
 * Makes sure the tenant's Monday-morning review runs as a Temporal Schedule (idempotent). Used by
 * tenant provisioning and the worker's start. An existing schedule is left as it is, except that one
 * made before its runs carried their tenant (the `TenantId` search attribute) is given it.
 */
export async function ensureWeeklyReviewSchedule(client: Client, opts: { tenantId: string; taskQueue: string; timezone?: string }): Promise<void> {
  const options = weeklyReviewScheduleOptions(opts);
  try {
    await client.schedule.create(options);
    return;
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(options.scheduleId);
  const { action } = await handle.describe();
  if (action.type !== 'startWorkflow' || tenantOf(action.typedSearchAttributes) === opts.tenantId) return;
  await handle.update((previous) => {
    if (previous.action.type !== 'startWorkflow') throw new Error(`schedule ${options.scheduleId} no longer starts a workflow`);
    return {
      ...previous,
      action: { ...previous.action, typedSearchAttributes: tenantSearchAttributes(opts.tenantId) },
      typedSearchAttributes: tenantSearchAttributes(opts.tenantId),
    };
  });
}

function tenantOf(attributes: SearchAttributePair[] | TypedSearchAttributes | undefined): string | undefined {
  if (attributes instanceof TypedSearchAttributes) return attributes.get(TENANT_ID_SEARCH_ATTRIBUTE);
  const pair = attributes?.find((p) => p.key.name === TENANT_ID_SEARCH_ATTRIBUTE.name);
  return typeof pair?.value === 'string' ? pair.value : undefined;
}
