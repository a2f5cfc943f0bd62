import { SearchAttributePair, SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';

/**
 * The tenant a workflow belongs to, set when it starts (complaints, calendar propagations, the weekly
 * review's schedule) and carried across continue-as-new by the server. The server must know the key:
 * the dev server is started with `--search-attribute TenantId=Keyword` (scripts/infra/temporal-server.ts),
 * a cluster needs `temporal operator search-attribute create --name TenantId --type Keyword`.
 */
export const TENANT_ID_SEARCH_ATTRIBUTE = defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD);

/** Every custom search attribute the workflows use, by name, with the type the Temporal CLI calls it. */
export const CUSTOM_SEARCH_ATTRIBUTES: Readonly<Record<string, 'Keyword'>> = { [TENANT_ID_SEARCH_ATTRIBUTE.name]: 'Keyword' };

/** The typed search attributes of a workflow started for this tenant (the start options' `typedSearchAttributes`). */
export function tenantSearchAttributes(tenantId: string): SearchAttributePair[] {
  if (!tenantId) throw new Error('a workflow is started for a tenant: tenantId is empty');
  return [{ key: TENANT_ID_SEARCH_ATTRIBUTE, value: tenantId }];
}

/** A visibility query (workflow list) for one tenant's workflows. */
export function tenantVisibilityQuery(tenantId: string): string {
  // A quote would end the literal: tenant ids are UUIDs, anything else is refused rather than escaped.
  if (!/^[0-9A-Za-z-]+$/.test(tenantId)) throw new Error(`not a tenant id: ${JSON.stringify(tenantId)}`);
  return `${TENANT_ID_SEARCH_ATTRIBUTE.name} = '${tenantId}'`;
}
