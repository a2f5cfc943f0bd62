import { KeyObject, createSecretKey } from 'crypto';
import * as jwt from 'jsonwebtoken';
import { DEVELOPMENT_ISSUER } from '../common/gateway.config';
import type { TokenVerifier } from './token-verifier';

/** What a token carries: who, and in which tenant. Roles are never taken from the token. */
export interface TokenClaims {
  sub: string;
  tid?: string;
  /** Only development tokens of the platform operator carry this. */
  platformAdmin?: boolean;
}

/** The platform operator's subject: the one `sub` that is not a user id. */
export const PLATFORM_OPERATOR_SUB = 'platform-operator';
/** The longest a token may live (`exp` − `iat`): longer-lived tokens are refused, signed or not. */
export const MAX_TOKEN_LIFETIME_SECONDS = 30 * 24 * 3600;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// jsonwebtoken turns a string secret into a key on every verify, first trying (and failing) to read
// it as a public key: a measurable share of every request's CPU. The key object is made once.
const secretKeys = new Map<string, KeyObject>();
function secretKey(secret: string): KeyObject {
  let key = secretKeys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    if (secretKeys.size > 16) secretKeys.clear();
    secretKeys.set(secret, key);
  }
  return key;
}

/** A development token (HS256, issuer `complaint-platform`): accepted only by a gateway with the same JWT_SECRET. */
export function signToken(claims: TokenClaims, secret: string, expiresIn: jwt.SignOptions['expiresIn'] = '12h'): string {
  return jwt.sign(claims, secret, { algorithm: 'HS256', expiresIn, issuer: DEVELOPMENT_ISSUER });
}

/** A refusal is `unavailable` when the token could not be checked (its identity provider's keys are out of reach): retry. */
export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: string; unavailable?: boolean };

/**
 * Checks a development token (HS256 with JWT_SECRET). Verifies signature, issuer and expiry, and the claims' shape: `exp` is required and at most
 * MAX_TOKEN_LIFETIME_SECONDS after `iat`; `sub` and `tid` are UUIDs (ids that reach SQL as such).
 */
export function checkToken(token: string, secret: string): TokenCheck {
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(token, secretKey(secret), { algorithms: ['HS256'], issuer: DEVELOPMENT_ISSUER });
  } catch (err) {
    return { ok: false, reason: err instanceof jwt.TokenExpiredError ? 'the bearer token has expired' : 'the bearer token is invalid' };
  }
  if (typeof payload !== 'object' || payload === null) return { ok: false, reason: 'the bearer token is invalid' };
  if (typeof payload.exp !== 'number') return { ok: false, reason: 'the bearer token has no expiry (exp)' };
  const issuedAt = typeof payload.iat === 'number' ? payload.iat : Math.floor(Date.now() / 1000);
  if (payload.exp - issuedAt > MAX_TOKEN_LIFETIME_SECONDS) {
    return { ok: false, reason: `the bearer token lives longer than ${MAX_TOKEN_LIFETIME_SECONDS / 86400} days` };
  }
  const platformAdmin = payload.platformAdmin === true;
  if (typeof payload.sub !== 'string' || !(UUID.test(payload.sub) || (platformAdmin && payload.sub === PLATFORM_OPERATOR_SUB))) {
    return { ok: false, reason: 'the bearer token\'s subject is not a user id' };
  }
  if (payload.tid !== undefined && (typeof payload.tid !== 'string' || !UUID.test(payload.tid))) {
    return { ok: false, reason: 'the bearer token\'s tenant is not a tenant id' };
  }
  return { ok: true, claims: { sub: payload.sub, tid: payload.tid as string | undefined, platformAdmin: platformAdmin || undefined } };
}

const BEARER = /^Bearer\s+(.+)$/i;
// One check per request: the rate limits (before the body is read) and authentication both need it.
// The promise is kept, so a second caller waits for the first check instead of starting another.
const checkedRequests = new WeakMap<object, Promise<TokenCheck | null>>();

/** The request's bearer token, checked once per request; null when it carries none. */
export function requestToken(req: { headers: { authorization?: string } }, tokens: TokenVerifier): Promise<TokenCheck | null> {
  let checked = checkedRequests.get(req);
  if (!checked) {
    const match = BEARER.exec(req.headers.authorization ?? '');
    checked = match ? tokens.verify(match[1].trim()) : Promise.resolve(null);
    checkedRequests.set(req, checked);
  }
  return checked;
}
