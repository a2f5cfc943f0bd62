import { Client, ScheduleAlreadyRunning, ScheduleDescription } from '@temporalio/client';
import { SearchAttributePair, TypedSearchAttributes } from '@temporalio/common';
import { CATEGORY_MODEL_SCHEDULE, categoryModelScheduleOptions } from '../../../workflows/shared/schedules';
import { TENANT_ID_SEARCH_ATTRIBUTE } from '../../../workflows/shared/search-attributes';

/**
 * Makes sure the tenant's category classifier is retrained every night (03:00 Asia/Shanghai, overlap
 * SKIP) by a Temporal Schedule (idempotent). Used by tenant provisioning and the worker's start. An
 * existing schedule that already runs the training at that time for the tenant is left alone; one
 * that differs (an older time, no tenant search attribute) is brought up to date.
 */
export async function ensureCategoryModelSchedule(client: Client, opts: { tenantId: string; taskQueue: string }): Promise<'created' | 'updated' | 'unchanged'> {
  const options = categoryModelScheduleOptions(opts);
  try {
    await client.schedule.create(options);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(options.scheduleId);
  if (matches(await handle.describe(), opts.tenantId)) return 'unchanged';
  await handle.update((previous) => ({
    ...previous,
    spec: options.spec,
    action: { ...previous.action, ...(options.action as typeof previous.action) },
    policies: { ...previous.policies, overlap: 'SKIP' },
    typedSearchAttributes: options.typedSearchAttributes,
  }));
  return 'updated';
}

function matches(d: ScheduleDescription, tenantId: string): boolean {
  const c = d.spec.calendars?.[0];
  const first = (r: { start: number }[] | undefined): number | undefined => r?.[0]?.start;
  return d.spec.timezone === CATEGORY_MODEL_SCHEDULE.timezone && d.spec.calendars?.length === 1
    && first(c?.hour) === CATEGORY_MODEL_SCHEDULE.hour && first(c?.minute) === CATEGORY_MODEL_SCHEDULE.minute
    && d.policies.overlap === 'SKIP'
    && d.action.type === 'startWorkflow' && d.action.workflowType === 'categoryModelWorkflow' && tenantOf(d.action.typedSearchAttributes) === tenantId;
}

function tenantOf(attributes: SearchAttributePair[] | TypedSearchAttributes | undefined): string | undefined {
  if (attributes instanceof TypedSearchAttributes) return attributes.get(TENANT_ID_SEARCH_ATTRIBUTE);
  const pair = attributes?.find((p) => p.key.name === TENANT_ID_SEARCH_ATTRIBUTE.name);
  return typeof pair?.value === 'string' ? pair.value : undefined;
}
