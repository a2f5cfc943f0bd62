import { defaultPayloadConverter } from '@temporalio/common';
import type { Headers } from '@temporalio/common';

/**
 * The request id that follows a mutation: the gateway puts it in the Temporal headers of the
 * workflow start, update or signal it sends; the workflow passes it on to the activities it
 * schedules (workflows/request-id.interceptors.ts), whose log lines carry it. Headers are not
 * part of the commands' identity, so histories replay the same with or without them.
 */
export const REQUEST_ID_HEADER = 'requestId';

/** The longest request id accepted (from an `x-request-id` header or a Temporal header). */
export const MAX_REQUEST_ID_LENGTH = 128;
// Letters, digits and the separators of UUIDs, ULIDs and trace ids: nothing a log line or header must escape.
const REQUEST_ID = /^[A-Za-z0-9._:-]+$/;

/** True for a non-empty id of at most MAX_REQUEST_ID_LENGTH characters from [A-Za-z0-9._:-]. */
export function isValidRequestId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_REQUEST_ID_LENGTH && REQUEST_ID.test(value);
}

/** The request id carried by these headers, when there is a valid one. */
export function requestIdFromHeaders(headers: Headers | undefined): string | undefined {
  const payload = headers?.[REQUEST_ID_HEADER];
  if (!payload) return undefined;
  try {
    const value = defaultPayloadConverter.fromPayload(payload);
    return isValidRequestId(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The headers with the request id added (unchanged without one). */
export function withRequestId(headers: Headers, requestId: string | undefined): Headers {
  if (!isValidRequestId(requestId)) return headers;
  return { ...headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(requestId) };
}
