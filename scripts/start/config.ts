// What `npm start` reads from its environment (see the header of scripts/start.ts).
import type { ServiceEnvVars } from '../infra/services';
import { serviceEnv } from '../infra/services';

export interface StartConfig {
  /** Preferred ports; a taken one is replaced by a free one, with a notice. */
  ports: { temporal: number; ui: number; gateway: number };
  /** SEED_DEMO=0: no demo tenant. */
  seedDemo: boolean;
  /** TEMPORAL_LOG=1: echo the dev server's own output. */
  temporalLog: boolean;
}

export function startConfig(env: NodeJS.ProcessEnv = process.env): StartConfig {
  return {
    ports: { temporal: portFromEnv(env, 'TEMPORAL_PORT', 7233), ui: portFromEnv(env, 'TEMPORAL_UI_PORT', 8233), gateway: portFromEnv(env, 'PORT', 4000) },
    seedDemo: env.SEED_DEMO !== '0',
    temporalLog: !!env.TEMPORAL_LOG,
  };
}

export function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name}=${raw} is not a TCP port`);
  return n;
}

/**
 * The worker's and gateway's environment under `npm start`: serviceEnv() plus the gateway's
 * development mode (GraphiQL, introspection), on unless GRAPHQL_DEV is set (GRAPHQL_DEV=0 turns it off).
 */
export function startServiceEnv(vars: Omit<ServiceEnvVars, 'extra' | 'taskQueue'>, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return serviceEnv({ ...vars, extra: { GRAPHQL_DEV: base.GRAPHQL_DEV ?? '1' } }, base);
}
