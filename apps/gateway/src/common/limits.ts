import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, NoSchemaIntrospectionCustomRule, ValidationContext, ValidationRule } from 'graphql';
import { ErrorCode } from './app-error';
import type { GatewayConfig } from './gateway.config';

/**
 * Every bound the gateway puts on a request, before any of it runs. All optional in GatewayConfig;
 * the defaults leave the product's own queries (the contract's, the demo's, the tests') far inside.
 */
export interface GatewayLimits {
  /** Nesting of selection sets (`{ complaints { edges { node { id } } } }` is 4). */
  maxDepth: number;
  /** graphql-armor cost: objects 2, scalars 1, × 1.5 per level, × `first` of a list. */
  maxCost: number;
  /** Aliased fields in one operation (1,000 aliases of one expensive field is the classic amplifier). */
  maxAliases: number;
  /** Directives in one operation. */
  maxDirectives: number;
  /** Lexical tokens in the document: the parser stops at this many, so a huge query costs nothing. */
  maxTokens: number;
  /** Characters of the `query` text. */
  maxQueryChars: number;
  /** Bytes of a request body; more is answered 413. */
  bodyLimitBytes: number;
  /** Requests per minute for one user (the token's subject). */
  userPerMinute: number;
  /** Requests per minute for one tenant, all its users together. */
  tenantPerMinute: number;
  /** Requests per minute from one IP address without a valid token. */
  anonymousPerMinute: number;
  /** Requests of one tenant executing at once in this gateway (its share of the DB pool and Temporal client). */
  tenantConcurrency: number;
  /** Requests of one tenant waiting for a slot; past that, RATE_LIMITED at once. */
  tenantQueue: number;
  /** How long a queued request waits for a slot before RATE_LIMITED. */
  tenantQueueWaitMs: number;
  /** PostgreSQL statement_timeout of the gateway's reads. */
  statementTimeoutMs: number;
  /**
   * Complaint writes (intake and staff actions) one tenant may send to the shared engine per second,
   * sustained: the engine (Temporal, the workers, the database) is shared, so one tenant's flood must
   * leave room for everyone else's.
   */
  tenantWritesPerSecond: number;
  /** Extra writes a tenant may burst above its rate within 10 seconds. */
  tenantWriteBurst: number;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  maxDepth: 10,
  maxCost: 50_000,
  maxAliases: 20,
  maxDirectives: 20,
  maxTokens: 2_000,
  maxQueryChars: 20_000,
  bodyLimitBytes: 256 * 1024,
  userPerMinute: 600,
  tenantPerMinute: 3_000,
  anonymousPerMinute: 120,
  tenantConcurrency: 8,
  tenantQueue: 64,
  tenantQueueWaitMs: 5_000,
  statementTimeoutMs: 5_000,
  tenantWritesPerSecond: 5,
  tenantWriteBurst: 25,
};

/** Environment variables of each limit (README "Limits"). */
export const LIMIT_ENV: Record<keyof GatewayLimits, string> = {
  maxDepth: 'GRAPHQL_MAX_DEPTH',
  maxCost: 'GRAPHQL_MAX_COST',
  maxAliases: 'GRAPHQL_MAX_ALIASES',
  maxDirectives: 'GRAPHQL_MAX_DIRECTIVES',
  maxTokens: 'GRAPHQL_MAX_TOKENS',
  maxQueryChars: 'GRAPHQL_MAX_QUERY_CHARS',
  bodyLimitBytes: 'BODY_LIMIT_BYTES',
  userPerMinute: 'RATE_LIMIT_USER_PER_MIN',
  tenantPerMinute: 'RATE_LIMIT_TENANT_PER_MIN',
  anonymousPerMinute: 'RATE_LIMIT_IP_PER_MIN',
  tenantConcurrency: 'TENANT_CONCURRENCY',
  tenantQueue: 'TENANT_QUEUE',
  tenantQueueWaitMs: 'TENANT_QUEUE_WAIT_MS',
  statementTimeoutMs: 'STATEMENT_TIMEOUT_MS',
  tenantWritesPerSecond: 'TENANT_WRITES_PER_SEC',
  tenantWriteBurst: 'TENANT_WRITE_BURST',
};

/** Reads the limits that are set in the environment; a value that is not a positive integer is a start-up error. */
export function limitsFromEnv(env: NodeJS.ProcessEnv): Partial<GatewayLimits> {
  const out: Partial<GatewayLimits> = {};
  for (const [key, name] of Object.entries(LIMIT_ENV) as [keyof GatewayLimits, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
    out[key] = n;
  }
  return out;
}

export function resolveLimits(config: Pick<GatewayConfig, 'limits'>): GatewayLimits {
  return { ...DEFAULT_LIMITS, ...config.limits };
}

/** A QUERY_TOO_COMPLEX error (the error formatter passes these through as they are). */
export function queryTooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX } });
}

/** graphql-armor reports "… limit of N exceeded, found M."; we say what was found and the limit. */
function reporter(what: string, limit: number) {
  return (context: ValidationContext | null, err: GraphQLError): void => {
    if (!context) return;
    const found = /found (\d+(?:\.\d+)?)/.exec(err.message)?.[1];
    const shown = found === undefined ? 'too high' : String(Math.round(Number(found)));
    context.reportError(queryTooComplex(`${what} ${shown} exceeds the limit of ${limit}`));
  };
}

/**
 * The validation rules that refuse an expensive operation before it runs. They report instead of
 * throwing, so every limit that is exceeded is named in the response.
 */
export function limitValidationRules(limits: GatewayLimits, development: boolean): ValidationRule[] {
  const common = { exposeLimits: true, propagateOnRejection: false } as const;
  const rules: ValidationRule[] = [
    maxDepthRule({ ...common, n: limits.maxDepth, onReject: [reporter('query depth', limits.maxDepth)] }) as unknown as ValidationRule,
    maxAliasesRule({ ...common, n: limits.maxAliases, onReject: [reporter('alias count', limits.maxAliases)] }) as unknown as ValidationRule,
    maxDirectivesRule({ ...common, n: limits.maxDirectives, onReject: [reporter('directive count', limits.maxDirectives)] }) as unknown as ValidationRule,
    costLimitRule({ ...common, maxCost: limits.maxCost, onReject: [reporter('query cost', limits.maxCost)] }) as unknown as ValidationRule,
  ];
  // Outside development the schema is not handed out: no __schema / __type.
  if (!development) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}

/** graphql-js's own message when `parseOptions.maxTokens` stops the parser. */
export function isTokenLimitError(message: string): boolean {
  return /Document contains more tha[nt] \d+ tokens/.test(message);
}
