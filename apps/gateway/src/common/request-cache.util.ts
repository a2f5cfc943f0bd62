/**
 * Per-request memo: one value per (GraphQL context, key). Loaders that batch the field resolvers
 * of one request live here, and die with the request (no cross-request or cross-tenant cache).
 */
const perRequest = new WeakMap<object, Map<string, unknown>>();

export function perRequestMemo<T>(ctx: object, key: string, create: () => T): T {
  let memo = perRequest.get(ctx);
  if (!memo) {
    memo = new Map();
    perRequest.set(ctx, memo);
  }
  if (!memo.has(key)) memo.set(key, create());
  return memo.get(key) as T;
}

/** Drops a context's memo: a subscription's context lives on, and each event it sends reads afresh. */
export function forgetRequestMemo(ctx: object): void {
  perRequest.delete(ctx);
}
