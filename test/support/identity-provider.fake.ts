import { createHmac, randomUUID } from 'crypto';
import { Server, createServer } from 'http';
import { AddressInfo } from 'net';
import { JWK, JWTPayload, KeyLike, SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';

// Tests only: an identity provider on 127.0.0.1 that publishes a JWKS and signs tokens, so the
// verifier is exercised against real HTTP, real keys and real rotation.

interface SigningKey {
  kid: string;
  alg: string;
  privateKey: KeyLike;
  publicJwk: JWK;
  publicPem: string;
}

export interface SignOptions {
  /** Claims added to (or, when undefined, removed from) the defaults: iss, aud, iat, exp (in 1 h). */
  claims?: JWTPayload & Record<string, unknown>;
  /** The key to sign with (default: the current one). */
  key?: SigningKey;
  /** Overrides the header's kid. */
  kid?: string;
}

const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

export class FakeIdentityProvider {
  /** How many times the JWKS was fetched. */
  fetches = 0;
  /** What the JWKS endpoint answers; `down` closes the server instead (connection refused). */
  private published: SigningKey[] = [];
  private server: Server | null = null;
  current!: SigningKey;

  private constructor(readonly audience: string, private port: number) {}

  static async start(audience = 'complaint-platform-api'): Promise<FakeIdentityProvider> {
    const idp = new FakeIdentityProvider(audience, 0);
    idp.current = await FakeIdentityProvider.newKey();
    idp.published = [idp.current];
    await idp.listen();
    return idp;
  }

  static async newKey(alg = 'ES256'): Promise<SigningKey> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const kid = randomUUID();
    return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }, publicPem: await exportSPKI(publicKey) };
  }

  get issuer(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  get jwksUrl(): string {
    return `http://127.0.0.1:${this.port}/.well-known/jwks.json`;
  }

  /** The provider's configuration entry (tenantId for a group's own provider). */
  provider(extra: { tenantId?: string; userClaim?: string; platformOperator?: boolean } = {}): { issuer: string; jwksUrl: string; audience: string; tenantId?: string; userClaim?: string; platformOperator?: boolean } {
    return { issuer: this.issuer, jwksUrl: this.jwksUrl, audience: this.audience, ...extra };
  }

  /** Rotation: a new signing key, published alone (or beside the old one with `keepOld`). */
  async rotate(opts: { keepOld?: boolean; alg?: string } = {}): Promise<SigningKey> {
    const next = await FakeIdentityProvider.newKey(opts.alg);
    this.published = opts.keepOld ? [...this.published, next] : [next];
    this.current = next;
    return next;
  }

  async sign(opts: SignOptions = {}): Promise<string> {
    const key = opts.key ?? this.current;
    const now = Math.floor(Date.now() / 1000);
    const payload = withDefaults({ iss: this.issuer, aud: this.audience, iat: now, exp: now + 3600 }, opts.claims);
    return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: opts.kid ?? key.kid }).sign(key.privateKey);
  }

  /** An unsigned token (`alg: none`). */
  unsigned(claims?: SignOptions['claims']): string {
    const now = Math.floor(Date.now() / 1000);
    const payload = withDefaults({ iss: this.issuer, aud: this.audience, iat: now, exp: now + 3600 }, claims);
    return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.`;
  }

  /** Algorithm confusion: HS256 with the provider's public key text as the HMAC secret. */
  hmacWithPublicKey(claims?: SignOptions['claims']): string {
    const now = Math.floor(Date.now() / 1000);
    const payload = withDefaults({ iss: this.issuer, aud: this.audience, iat: now, exp: now + 3600 }, claims);
    const signingInput = `${b64url({ alg: 'HS256', typ: 'JWT', kid: this.current.kid })}.${b64url(payload)}`;
    return `${signingInput}.${createHmac('sha256', this.current.publicPem).update(signingInput).digest('base64url')}`;
  }

  /** Stops answering: connections to the JWKS URL are refused until `up()`. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Serves the JWKS again, on the same port. */
  async up(): Promise<void> {
    if (!this.server) await this.listen();
  }

  stop(): Promise<void> {
    return this.down();
  }

  private async listen(): Promise<void> {
    const server = createServer((req, res) => {
      if (req.url !== '/.well-known/jwks.json') {
        res.writeHead(404).end();
        return;
      }
      this.fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.published.map((k) => k.publicJwk) }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }
}

function withDefaults(defaults: JWTPayload, claims: SignOptions['claims'] = {}): JWTPayload {
  const payload: Record<string, unknown> = { ...defaults, ...claims };
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
  return payload;
}
