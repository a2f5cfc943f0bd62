import { GatewayLimits, limitsFromEnv } from './limits';

export interface GatewayConfig {
  port: number;
  host: string;
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  jwtSecret: string;
  /** How long a mutation waits for the complaint's workflow before answering UNAVAILABLE. */
  actionTimeoutMs: number;
  /** Development mode: GraphiQL at /graphiql and introspection. Off unless set (env GRAPHQL_DEV=1; `npm start` sets it). */
  development?: boolean;
  /** Query, body, rate, concurrency and statement-time limits; each one missing takes its default (see limits.ts). */
  limits?: Partial<GatewayLimits>;
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

function required(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new Error(`${name} is not set (npm start sets it; see README "Configuration")`);
  return v;
}

export function gatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return {
    port: Number(env.PORT ?? 4000),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: required(env, 'DATABASE_URL'),
    temporalAddress: required(env, 'TEMPORAL_ADDRESS'),
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? 'complaints',
    jwtSecret: required(env, 'JWT_SECRET'),
    actionTimeoutMs: Number(env.ACTION_TIMEOUT_MS ?? 30000),
    development: env.GRAPHQL_DEV === '1' || env.GRAPHQL_DEV === 'true',
    limits: limitsFromEnv(env),
  };
}
