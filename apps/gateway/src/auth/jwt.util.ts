import * as jwt from 'jsonwebtoken';

/** What a token carries: who, and in which tenant. Roles are never taken from the token. */
export interface TokenClaims {
  sub: string;
  tid?: string;
  /** Only development tokens of the platform operator carry this. */
  platformAdmin?: boolean;
}

export function signToken(claims: TokenClaims, secret: string, expiresIn: jwt.SignOptions['expiresIn'] = '12h'): string {
  return jwt.sign(claims, secret, { algorithm: 'HS256', expiresIn, issuer: 'complaint-platform' });
}

export function verifyToken(token: string, secret: string): TokenClaims | null {
  try {
    const payload = jwt.verify(token, secret, { algorithms: ['HS256'], issuer: 'complaint-platform' });
    if (typeof payload !== 'object' || typeof payload.sub !== 'string') return null;
    return payload as TokenClaims;
  } catch {
    return null;
  }
}
