import type { Client } from 'graphql-ws';
import { describeError, liveClient, subscribe, LiveSubscription } from '../live-client';
import { SweepAnswer } from './judge';

/** One subscription the sweep opens: an operation's document and arguments, as one persona. */
export interface SubscriptionCall {
  operation: string;
  label: string;
  query: string;
  args: Record<string, unknown>;
}

/** A subscription opened for the sweep: what it has received so far, as an answer the judge reads. */
export interface SweptSubscription {
  call: SubscriptionCall;
  live: LiveSubscription;
  answer(): SweepAnswer;
}

/**
 * The sweep's graphql-ws transport: one connection per persona (authenticated in connection_init,
 * like any client), every subscription of the schema opened on it. What arrives — data, GraphQL
 * errors, a closed connection — becomes a SweepAnswer: the data received under the operation's name
 * (nothing may arrive), GraphQL errors as sent, and a transport failure as an error without a scope
 * code (a finding: every persona holds a valid token).
 */
export function openSubscriptions(url: string, token: string, calls: SubscriptionCall[]): { subscriptions: SweptSubscription[]; close(): Promise<void> } {
  const client: Client = liveClient(url, token);
  const subscriptions = calls.map((call) => {
    const live = subscribe(client, call.query, call.args);
    return {
      call,
      live,
      answer: (): SweepAnswer => {
        const errors = live.errors.map((e) => (e && typeof e === 'object' && 'message' in e && 'extensions' in e
          ? e as { message: string; extensions?: { code?: string } }
          : { message: `transport: ${describeError(e)}`, extensions: {} }));
        const json = { data: { [call.operation]: live.received.length ? live.received : null }, errors: errors.length ? errors : undefined };
        const body = JSON.stringify(json);
        return { status: 101, body, json };
      },
    };
  });
  return { subscriptions, close: () => client.dispose() as Promise<void> };
}
