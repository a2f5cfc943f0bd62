import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** What a graphql-ws subscription has received so far. */
export interface LiveSubscription<T = Record<string, any>> {
  /** Every `data` payload, in order. */
  received: T[];
  /** GraphQL errors (a refused subscription) or a transport error (a refused connection). */
  errors: unknown[];
  completed: boolean;
  /** Resolves with the first payload (from now on, or already received) that matches. */
  waitFor(match: (v: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Resolves once the subscription has ended with an error or completed. */
  ended(timeoutMs?: number): Promise<void>;
  stop(): void;
}

export const wsUrlOf = (httpUrl: string): string => httpUrl.replace(/^http/, 'ws');

/**
 * A real graphql-ws client (the `graphql-transport-ws` protocol over `ws`) authenticated in
 * connection_init's payload, as a browser or an app would connect. No retries: a refused
 * connection is reported, not hidden.
 */
export function liveClient(httpUrl: string, token?: string): Client {
  return createClient({
    url: wsUrlOf(httpUrl),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
    shouldRetry: () => false,
  });
}

export function subscribe<T = Record<string, any>>(client: Client, query: string, variables: Record<string, unknown> = {}): LiveSubscription<T> {
  const received: T[] = [];
  const errors: unknown[] = [];
  const listeners = new Set<() => void>();
  const changed = (): void => {
    for (const l of [...listeners]) l();
  };
  const sub: LiveSubscription<T> = {
    received,
    errors,
    completed: false,
    waitFor: (match, timeoutMs = 20_000) => new Promise<T>((resolve, reject) => {
      const check = (): boolean => {
        const hit = received.find(match);
        if (hit !== undefined) {
          listeners.delete(onChange);
          clearTimeout(timer);
          resolve(hit);
          return true;
        }
        return false;
      };
      const onChange = (): void => void check();
      const timer = setTimeout(() => {
        listeners.delete(onChange);
        reject(new Error(`no matching update within ${timeoutMs} ms (received ${JSON.stringify(received)}; errors ${JSON.stringify(errors)})`));
      }, timeoutMs);
      if (!check()) listeners.add(onChange);
    }),
    ended: (timeoutMs = 10_000) => new Promise<void>((resolve, reject) => {
      const onChange = (): void => {
        if (errors.length || sub.completed) {
          listeners.delete(onChange);
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(onChange);
        reject(new Error(`the subscription did not end within ${timeoutMs} ms`));
      }, timeoutMs);
      listeners.add(onChange);
      onChange();
    }),
    stop: () => dispose(),
  };
  const dispose = client.subscribe<T>({ query, variables }, {
    next: (v) => {
      if (v.errors?.length) errors.push(...v.errors);
      if (v.data) received.push(v.data as T);
      changed();
    },
    error: (e) => {
      // A refused operation: its GraphQL errors; a refused connection: the close event.
      if (Array.isArray(e)) errors.push(...e);
      else errors.push(e);
      changed();
    },
    complete: () => {
      sub.completed = true;
      changed();
    },
  });
  return sub;
}

/** A close event's code and reason, or an Error's message: how a refusal reads in a failure message. */
export function describeError(e: unknown): string {
  if (e && typeof e === 'object' && 'code' in e && 'reason' in e) return `close ${(e as { code: number }).code} ${(e as { reason: string }).reason}`;
  if (Array.isArray(e)) return JSON.stringify(e);
  if (e instanceof Error) return e.message;
  return JSON.stringify(e);
}
