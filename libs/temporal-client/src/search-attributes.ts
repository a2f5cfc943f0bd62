import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../../workflows/shared/search-attributes';

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

/**
 * Registers the custom search attributes the workflows set (`TenantId`) in the namespace when they
 * are missing, so a Temporal server we did not start ourselves (TEMPORAL_ADDRESS, a cluster) works
 * without a manual step. Returns the names it created; throws when the server refuses (then an
 * operator runs `temporal operator search-attribute create --name TenantId --type Keyword`).
 */
export async function ensureCustomSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = Object.keys(CUSTOM_SEARCH_ATTRIBUTES).filter((name) => !(name in (existing.customAttributes ?? {})));
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(missing.map((n) => [n, KEYWORD])) });
  return missing;
}
