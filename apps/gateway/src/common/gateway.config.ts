import { readFileSync } from 'fs';
import { GatewayLimits, limitsFromEnv } from './limits';

export interface GatewayConfig {
  port: number;
  host: string;
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  /** Development tokens (HS256, issuer `complaint-platform`) are accepted only when this is set (env JWT_SECRET). */
  jwtSecret?: string;
  /** The identity providers whose tokens are accepted (env AUTH_IDENTITY_PROVIDERS or AUTH_IDENTITY_PROVIDERS_FILE). */
  identityProviders?: IdentityProvider[];
  /** Clock skew tolerated on an identity-provider token's exp/nbf, seconds (env AUTH_CLOCK_SKEW_SECONDS; default 30, at most 300). */
  authClockSkewSeconds?: number;
  /** Least time between two JWKS fetches that an unknown key id can cause, seconds (env AUTH_JWKS_COOLDOWN_SECONDS; default 30). */
  authJwksCooldownSeconds?: number;
  /** How long a mutation waits for the complaint's workflow before answering UNAVAILABLE. */
  actionTimeoutMs: number;
  /** Development mode: GraphiQL at /graphiql and introspection. Off unless set (env GRAPHQL_DEV=1; `npm start` sets it). */
  development?: boolean;
  /** Query, body, rate, concurrency and statement-time limits; each one missing takes its default (see limits.ts). */
  limits?: Partial<GatewayLimits>;
  /** Run as a role that bypasses row-level security (refused unless set; env ALLOW_RLS_BYPASS=1). Only the bench's comparison uses it. */
  allowRowSecurityBypass?: boolean;
  /** Where the disk attachment store keeps files (env ATTACHMENTS_DIR; default .data/attachments). */
  attachmentsDir?: string;
  /** The largest attachment accepted, bytes (env ATTACHMENT_MAX_BYTES; default 10 MB). */
  attachmentMaxBytes?: number;
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
    ...authFromEnv(env),
    actionTimeoutMs: Number(env.ACTION_TIMEOUT_MS ?? 30000),
    development: env.GRAPHQL_DEV === '1' || env.GRAPHQL_DEV === 'true',
    limits: limitsFromEnv(env),
    allowRowSecurityBypass: env.ALLOW_RLS_BYPASS === '1',
    attachmentsDir: env.ATTACHMENTS_DIR || undefined,
    attachmentMaxBytes: env.ATTACHMENT_MAX_BYTES ? Number(env.ATTACHMENT_MAX_BYTES) : undefined,
  };
}

/**
 * An identity provider (OpenID Connect or any JWT issuer publishing a JWKS) whose tokens the gateway
 * accepts. With `tenantId` it is that group's own provider: its tokens are for that tenant only.
 * Without, it is the platform's provider and each token names its tenant in `tid`.
 */
export interface IdentityProvider {
  /** The exact `iss` of its tokens; unique among the providers. */
  issuer: string;
  /** Where its public keys are published (https://; http:// only on 127.0.0.1 or localhost). */
  jwksUrl: string;
  /** The `aud` its tokens must carry for this service. */
  audience: string;
  tenantId?: string;
  /** The claim that carries our user id (a UUID); `sub` unless set. */
  userClaim?: string;
  /**
   * The platform operator's own provider (never a group's): its tokens are the platform operator's,
   * who provisions tenants and sees no tenant data. Without one, only development tokens can be.
   */
  platformOperator?: boolean;
}

/** The issuer of development tokens (HS256, JWT_SECRET): no identity provider may use it. */
export const DEVELOPMENT_ISSUER = 'complaint-platform';
export const DEFAULT_CLOCK_SKEW_SECONDS = 30;
export const MAX_CLOCK_SKEW_SECONDS = 300;
export const DEFAULT_JWKS_COOLDOWN_SECONDS = 30;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PROVIDER_FIELDS = new Set(['issuer', 'jwksUrl', 'audience', 'tenantId', 'userClaim', 'platformOperator']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

/**
 * Checks a list of identity providers (from the environment or a GatewayConfig) and returns it
 * normalised; throws one error naming every bad entry and field (`source[i].field`).
 */
export function checkIdentityProviders(raw: unknown, source: string): IdentityProvider[] {
  if (!Array.isArray(raw)) throw new Error(`${source} must be a JSON array of identity providers ({ issuer, jwksUrl, audience, tenantId?, userClaim? })`);
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const providers = raw.map((entry: unknown, i): IdentityProvider => {
    const at = (field: string): string => `${source}[${i}]${field ? `.${field}` : ''}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${at('')} must be an object`);
      return { issuer: '', jwksUrl: '', audience: '' };
    }
    const e = entry as Record<string, unknown>;
    for (const key of Object.keys(e)) if (!PROVIDER_FIELDS.has(key)) problems.push(`${at(key)} is not a setting (expected issuer, jwksUrl, audience, tenantId, userClaim, platformOperator)`);
    const text = (field: string, optional = false): string | undefined => {
      const v = e[field];
      if (v === undefined && optional) return undefined;
      if (typeof v !== 'string' || v.trim() === '') {
        problems.push(`${at(field)} must be a non-empty string`);
        return undefined;
      }
      return v;
    };
    const issuer = text('issuer');
    if (issuer !== undefined) {
      if (issuer === DEVELOPMENT_ISSUER) problems.push(`${at('issuer')} "${DEVELOPMENT_ISSUER}" is the development tokens' issuer`);
      const first = seen.get(issuer);
      if (first !== undefined) problems.push(`${at('issuer')} "${issuer}" is also ${source}[${first}]'s: issuers must be unique`);
      else seen.set(issuer, i);
    }
    const jwksUrl = text('jwksUrl');
    if (jwksUrl !== undefined) {
      let url: URL | undefined;
      try {
        url = new URL(jwksUrl);
      } catch {
        problems.push(`${at('jwksUrl')} "${jwksUrl}" is not a URL`);
      }
      if (url && url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
        problems.push(`${at('jwksUrl')} "${jwksUrl}" must be an https:// URL (http:// only on 127.0.0.1 or localhost)`);
      }
    }
    const audience = text('audience');
    const tenantId = text('tenantId', true);
    if (tenantId !== undefined && !UUID_PATTERN.test(tenantId)) problems.push(`${at('tenantId')} "${tenantId}" is not a tenant id (a UUID)`);
    const userClaim = text('userClaim', true);
    const platformOperator = e.platformOperator;
    if (platformOperator !== undefined && typeof platformOperator !== 'boolean') problems.push(`${at('platformOperator')} must be true or false`);
    if (platformOperator === true && tenantId !== undefined) problems.push(`${at('platformOperator')} a group's own provider (tenantId) cannot speak for the platform operator`);
    return {
      issuer: issuer ?? '', jwksUrl: jwksUrl ?? '', audience: audience ?? '',
      ...(tenantId !== undefined ? { tenantId: tenantId.toLowerCase() } : {}),
      ...(userClaim !== undefined ? { userClaim } : {}),
      ...(platformOperator === true ? { platformOperator: true } : {}),
    };
  });
  if (problems.length > 0) throw new Error(`invalid identity providers:\n  ${problems.join('\n  ')}`);
  return providers;
}

/** A whole number of seconds from 0 to `max`, or throws naming the setting. */
export function checkSeconds(value: unknown, name: string, max: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > max) throw new Error(`${name} must be a whole number of seconds from 0 to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

/** Authentication settings: development tokens (JWT_SECRET), identity providers, clock skew. */
function authFromEnv(env: NodeJS.ProcessEnv): Pick<GatewayConfig, 'jwtSecret' | 'identityProviders' | 'authClockSkewSeconds' | 'authJwksCooldownSeconds'> {
  const inline = env.AUTH_IDENTITY_PROVIDERS;
  const file = env.AUTH_IDENTITY_PROVIDERS_FILE;
  if (inline && file) throw new Error('set AUTH_IDENTITY_PROVIDERS or AUTH_IDENTITY_PROVIDERS_FILE, not both');
  let identityProviders: IdentityProvider[] = [];
  if (inline || file) {
    const source = inline ? 'AUTH_IDENTITY_PROVIDERS' : `AUTH_IDENTITY_PROVIDERS_FILE (${file})`;
    let text: string;
    try {
      text = inline ?? readFileSync(file as string, 'utf8');
    } catch (err) {
      throw new Error(`${source} cannot be read: ${(err as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new Error(`${source} is not JSON: ${(err as Error).message}`);
    }
    identityProviders = checkIdentityProviders(parsed, inline ? 'AUTH_IDENTITY_PROVIDERS' : 'AUTH_IDENTITY_PROVIDERS_FILE');
  }
  const jwtSecret = env.JWT_SECRET || undefined;
  if (!jwtSecret && identityProviders.length === 0) {
    throw new Error('no way to authenticate: set AUTH_IDENTITY_PROVIDERS (production) or JWT_SECRET (development tokens; npm start sets it) — see README "Configuration"');
  }
  return {
    jwtSecret,
    identityProviders,
    authClockSkewSeconds: env.AUTH_CLOCK_SKEW_SECONDS ? checkSeconds(env.AUTH_CLOCK_SKEW_SECONDS, 'AUTH_CLOCK_SKEW_SECONDS', MAX_CLOCK_SKEW_SECONDS) : DEFAULT_CLOCK_SKEW_SECONDS,
    authJwksCooldownSeconds: env.AUTH_JWKS_COOLDOWN_SECONDS ? checkSeconds(env.AUTH_JWKS_COOLDOWN_SECONDS, 'AUTH_JWKS_COOLDOWN_SECONDS', 3600) : DEFAULT_JWKS_COOLDOWN_SECONDS,
  };
}
