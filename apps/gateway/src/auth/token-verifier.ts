import { Logger } from '@nestjs/common';
import { JWTPayload, JWTVerifyGetKey, createRemoteJWKSet, decodeJwt, errors, jwtVerify } from 'jose';
import {
  DEFAULT_CLOCK_SKEW_SECONDS, DEFAULT_JWKS_COOLDOWN_SECONDS, DEVELOPMENT_ISSUER, GatewayConfig, IdentityProvider, MAX_CLOCK_SKEW_SECONDS,
  checkIdentityProviders, checkSeconds,
} from '../common/gateway.config';
import { MAX_TOKEN_LIFETIME_SECONDS, PLATFORM_OPERATOR_SUB, TokenCheck, checkToken } from './jwt.util';

/** What the verifier needs from the gateway's configuration. */
export type TokenSettings = Pick<GatewayConfig, 'jwtSecret' | 'identityProviders' | 'authClockSkewSeconds' | 'authJwksCooldownSeconds'>;

/**
 * Asymmetric algorithms only: an identity provider's public key must never serve as an HMAC secret
 * (algorithm confusion), and `none` is never a signature.
 */
export const IDENTITY_PROVIDER_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const JWKS_TIMEOUT_MS = 5_000;

/** The provider's key set could not be fetched or read: the caller's token may be fine. */
class KeySetUnavailable extends Error {}

interface Provider {
  config: IdentityProvider;
  keys: JWTVerifyGetKey;
  lastOutageLog: number;
}

const refused = (reason: string): TokenCheck => ({ ok: false, reason });

/**
 * Verifies bearer tokens: development tokens (HS256 with JWT_SECRET, issuer `complaint-platform`)
 * when a secret is configured, and identity-provider tokens against each provider's published keys.
 * One per gateway (see `tokenVerifierFor`): each provider's key set is fetched once and cached, and
 * jose refetches it when a token names a key it has not seen (rotation), at most once per cooldown.
 */
export class TokenVerifier {
  private readonly logger = new Logger('TokenVerifier');
  private readonly providers = new Map<string, Provider>();
  private readonly jwtSecret: string | undefined;
  private readonly clockSkewSeconds: number;

  constructor(settings: TokenSettings) {
    this.jwtSecret = settings.jwtSecret || undefined;
    this.clockSkewSeconds = checkSeconds(settings.authClockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS, 'authClockSkewSeconds', MAX_CLOCK_SKEW_SECONDS);
    const cooldownSeconds = checkSeconds(settings.authJwksCooldownSeconds ?? DEFAULT_JWKS_COOLDOWN_SECONDS, 'authJwksCooldownSeconds', 3600);
    for (const config of checkIdentityProviders(settings.identityProviders ?? [], 'identityProviders')) {
      const remote = createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: cooldownSeconds * 1000, timeoutDuration: JWKS_TIMEOUT_MS });
      const provider: Provider = {
        config,
        lastOutageLog: 0,
        // A key the set does not hold is the token's fault; any other failure (down, slow, not a
        // JWKS) is the provider's, and the request may be retried.
        keys: async (header, token) => {
          try {
            return await remote(header, token);
          } catch (err) {
            if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
            this.logOutage(provider, err);
            throw new KeySetUnavailable();
          }
        },
      };
      this.providers.set(config.issuer, provider);
    }
  }

  /** Checks a bearer token. Never throws for a bad token; reasons never repeat the token's content. */
  async verify(token: string): Promise<TokenCheck> {
    let issuer: unknown;
    try {
      // Unverified: only to choose the key set. Everything is checked by the signature below.
      issuer = decodeJwt(token).iss;
    } catch {
      return refused('the bearer token is not a JWT');
    }
    if (issuer === DEVELOPMENT_ISSUER) {
      if (!this.jwtSecret) return refused('development tokens are not accepted here (the gateway has no JWT_SECRET)');
      return checkToken(token, this.jwtSecret);
    }
    if (typeof issuer !== 'string') return refused('the bearer token names no issuer (iss)');
    const provider = this.providers.get(issuer);
    if (!provider) return refused('the bearer token\'s issuer (iss) is not an identity provider this gateway trusts');
    return this.verifyProviderToken(token, provider);
  }

  private async verifyProviderToken(token: string, provider: Provider): Promise<TokenCheck> {
    const { config } = provider;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, provider.keys, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: IDENTITY_PROVIDER_ALGORITHMS,
        requiredClaims: ['exp'],
        clockTolerance: this.clockSkewSeconds,
      }));
    } catch (err) {
      if (err instanceof KeySetUnavailable) {
        return { ok: false, unavailable: true, reason: 'the identity provider\'s signing keys cannot be fetched just now' };
      }
      return refused(refusalOf(err));
    }
    const exp = payload.exp as number;
    const issuedAt = typeof payload.iat === 'number' ? payload.iat : Math.floor(Date.now() / 1000);
    if (exp - issuedAt > MAX_TOKEN_LIFETIME_SECONDS) {
      return refused(`the bearer token lives longer than ${MAX_TOKEN_LIFETIME_SECONDS / 86400} days`);
    }
    // The platform operator's provider: who provisions tenants (and sees no tenant data).
    if (config.platformOperator) return { ok: true, claims: { sub: PLATFORM_OPERATOR_SUB, platformAdmin: true } };
    const userClaim = config.userClaim ?? 'sub';
    const user = payload[userClaim];
    if (typeof user !== 'string' || !UUID.test(user)) return refused(`the bearer token's user claim (${userClaim}) is not a user id`);
    const tid = payload.tid;
    if (tid !== undefined && (typeof tid !== 'string' || !UUID.test(tid))) return refused('the bearer token\'s tenant (tid) is not a tenant id');
    if (config.tenantId) {
      // A group's own provider speaks for that group only, whatever its tokens claim.
      if (tid !== undefined && tid.toLowerCase() !== config.tenantId) return refused('the bearer token names a tenant (tid) its identity provider does not serve');
      return { ok: true, claims: { sub: user.toLowerCase(), tid: config.tenantId } };
    }
    if (tid === undefined) return refused('the bearer token names no tenant (tid)');
    return { ok: true, claims: { sub: user.toLowerCase(), tid: tid.toLowerCase() } };
  }

  private logOutage(provider: Provider, err: unknown): void {
    const now = Date.now();
    if (now - provider.lastOutageLog < 60_000) return;
    provider.lastOutageLog = now;
    this.logger.warn(`identity provider ${provider.config.issuer}: its keys at ${provider.config.jwksUrl} cannot be fetched: ${(err as Error)?.message ?? String(err)}`);
  }
}

/** A refusal's reason from jose's error; none repeats the token. */
function refusalOf(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'the bearer token has expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return `the bearer token has no ${err.claim === 'exp' ? 'expiry (exp)' : `${err.claim} claim`}`;
    switch (err.claim) {
      case 'iss': return 'the bearer token\'s issuer (iss) does not match its identity provider';
      case 'aud': return 'the bearer token is not meant for this service (aud)';
      case 'nbf': return 'the bearer token is not valid yet (nbf)';
      default: return `the bearer token's ${err.claim} claim is invalid`;
    }
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return `the bearer token's algorithm (alg) is not accepted: identity-provider tokens are signed with one of ${IDENTITY_PROVIDER_ALGORITHMS.join(', ')}`;
  if (err instanceof errors.JWKSNoMatchingKey) return 'the bearer token\'s signing key (kid) is not among its identity provider\'s published keys';
  if (err instanceof errors.JWKSMultipleMatchingKeys) return 'the bearer token names no signing key (kid) and its identity provider publishes several';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the bearer token\'s signature is invalid';
  if (err instanceof errors.JOSEError) return 'the bearer token is invalid';
  throw err;
}

const verifiers = new WeakMap<TokenSettings, TokenVerifier>();

/** The gateway's one verifier (one cache of key sets), shared by the rate limits and authentication. */
export function tokenVerifierFor(config: TokenSettings): TokenVerifier {
  let verifier = verifiers.get(config);
  if (!verifier) {
    verifier = new TokenVerifier(config);
    verifiers.set(config, verifier);
  }
  return verifier;
}
