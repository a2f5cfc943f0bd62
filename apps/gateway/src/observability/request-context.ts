import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { isValidRequestId } from '../../../../workflows/shared/request-context';

/** The header a caller may set (and every response carries): the id of this request in the logs. */
export const REQUEST_ID_HTTP_HEADER = 'x-request-id';

/**
 * The caller's `x-request-id` when it is a sane one (1–128 characters of [A-Za-z0-9._:-]), otherwise
 * a new UUID: an id from outside never carries anything into a log line but an id.
 */
export function resolveRequestId(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  const trimmed = value?.trim();
  return isValidRequestId(trimmed) ? trimmed : randomUUID();
}

interface RequestContext {
  requestId: string;
}

// Set around each HTTP request's hooks and handler, so the Temporal client interceptor can read it.
const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` (and everything it starts) as part of the request `requestId`. */
export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

/** The id of the HTTP request this code runs for, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
