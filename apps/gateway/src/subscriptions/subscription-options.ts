import { DocumentNode, GraphQLError, GraphQLSchema, specifiedRules, validate } from 'graphql';
import type { AuthService } from '../auth/auth.service';
import type { Principal } from '../auth/principal';
import { formatGraphQLError } from '../common/error-formatter';
import type { GatewayConfig } from '../common/gateway.config';
import { GatewayLimits, limitValidationRules } from '../common/limits';

/**
 * The authentication of a gateway's WebSocket connections. Mercurius calls `onConnect` outside Nest,
 * so the subscriptions module hands the gateway's AuthService over here (one per gateway config).
 */
const authByConfig = new WeakMap<GatewayConfig, AuthService>();

export function provideSubscriptionAuth(config: GatewayConfig, auth: AuthService): void {
  authByConfig.set(config, auth);
}

const KEEP_ALIVE_MS = 15_000;

/** The bearer token of connection_init's payload: `{ authorization: "Bearer …" }` (or `{ headers: { authorization } }`). */
function authorizationOf(payload: unknown): string | null {
  if (!payload || typeof payload !== 'object') return null;
  const p = payload as { authorization?: unknown; Authorization?: unknown; headers?: { authorization?: unknown } };
  const v = p.authorization ?? p.Authorization ?? p.headers?.authorization;
  return typeof v === 'string' && v.length <= 8192 ? v : null;
}

/**
 * Mercurius's `subscription` options: graphql-ws (graphql-transport-ws) on the GraphQL path. The
 * connection is authenticated once, in connection_init, by the same verifier and principal loader as
 * HTTP; a connection without a valid token is refused (connection_error, then closed). The principal
 * is re-loaded while the subscription runs (see SubscriptionsService).
 */
export function subscriptionOptions(config: GatewayConfig) {
  return {
    keepAlive: KEEP_ALIVE_MS,
    onConnect: async (data: { payload?: unknown }): Promise<false | { principal: Principal; subscriptionAuthorization: string }> => {
      const auth = authByConfig.get(config);
      const authorization = authorizationOf(data.payload);
      if (!auth || !authorization) return false;
      try {
        const principal = await auth.authenticate({ headers: { authorization } });
        return { principal, subscriptionAuthorization: authorization };
      } catch {
        return false;
      }
    },
  };
}

/**
 * Mercurius runs a subscription's document without validating it; this hook applies what HTTP
 * operations get (graphql-js's rules and the gateway's limits) before anything runs, with the one
 * error mapping.
 */
export function subscriptionHooks(limits: GatewayLimits, development: boolean) {
  const rules = [...specifiedRules, ...limitValidationRules(limits, development)];
  return {
    preSubscriptionExecution: async (schema: GraphQLSchema, document: DocumentNode): Promise<void> => {
      const errors = validate(schema, document, rules);
      if (errors.length) {
        const f = formatGraphQLError(errors[0]);
        throw new GraphQLError(f.message, { extensions: f.extensions });
      }
    },
  };
}
