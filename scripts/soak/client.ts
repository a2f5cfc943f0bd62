// A mutation as a careful client sends it during an outage: the same idempotency key / requestId
// on every attempt, the next attempt on the other gateway, retried on network errors, 5xx and the
// gateway's "try again" codes (UNAVAILABLE, INTERNAL, RATE_LIMITED), bounded in attempts and time.

/** GraphQL error codes after which the same request may be sent again (nothing, or the same thing, applies). */
const RETRYABLE_CODES = new Set(['UNAVAILABLE', 'INTERNAL', 'RATE_LIMITED']);
const ATTEMPT_TIMEOUT_MS = 40_000;
const MAX_ATTEMPTS = 40;
/**
 * A mutation is given up after this long, whatever its attempts. Long: a client that gives up
 * early leaves an applied mutation it was never told about, and the books no longer balance.
 */
const GIVE_UP_MS = 240_000;

export type MutationResult<T> =
  | { ok: true; data: T; attempts: number; at: number }
  | { ok: false; error: string; attempts: number; retryable: boolean };

interface GraphqlBody<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Backoff before attempt n (1-based): 0.25 s, 0.5 s, 1 s, 2 s, then 4 s. */
export const backoffMs = (attempt: number): number => Math.min(4_000, 250 * 2 ** Math.max(0, attempt - 1));

export async function mutate<T>(
  urls: readonly string[],
  first: number,
  query: string,
  variables: Record<string, unknown>,
  token: string,
  stopping: () => boolean,
): Promise<MutationResult<T>> {
  const started = Date.now();
  let last = '';
  let attempts = 0;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    attempts = attempt;
    const url = urls[(first + attempt - 1) % urls.length];
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
      const text = await res.text();
      let body: GraphqlBody<T> | undefined;
      try {
        body = JSON.parse(text) as GraphqlBody<T>;
      } catch {
        body = undefined;
      }
      const code = body?.errors?.[0]?.extensions?.code;
      if (res.ok && body?.data && !body.errors?.length) return { ok: true, data: body.data, attempts: attempt, at: Date.now() };
      last = code ? `${code}: ${body?.errors?.[0]?.message}` : `HTTP ${res.status}: ${text.slice(0, 200)}`;
      const retryable = res.status >= 500 || res.status === 429 || (code !== undefined && RETRYABLE_CODES.has(code));
      if (!retryable) return { ok: false, error: last, attempts: attempt, retryable: false };
    } catch (err) {
      // Connection refused (a killed gateway), reset, or our own timeout: the outcome is unknown, so retry.
      last = `${(err as Error).name}: ${(err as Error).message}${(err as { cause?: { code?: string } }).cause?.code ? ` (${(err as { cause: { code: string } }).cause.code})` : ''}`;
    }
    if (stopping() || Date.now() - started > GIVE_UP_MS) break;
    await new Promise((r) => setTimeout(r, backoffMs(attempt)));
  }
  return { ok: false, error: last, attempts, retryable: true };
}
