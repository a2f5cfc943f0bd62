import { randomUUID } from 'crypto';
import { PLATFORM_OPERATOR_SUB, TokenCheck, requestToken, signToken } from './jwt.util';
import { FakeIdentityProvider } from '../../../../test/support/identity-provider.fake';
import { TokenSettings, TokenVerifier } from './token-verifier';

const DAY = 86400;
const now = (): number => Math.floor(Date.now() / 1000);
const SECRET = 'a-development-secret-of-enough-length';

function refusal(check: TokenCheck): { reason: string; unavailable?: boolean } {
  if (check.ok) throw new Error(`expected a refusal, got claims ${JSON.stringify(check.claims)}`);
  return check;
}

describe('TokenVerifier (identity-provider tokens against a JWKS on 127.0.0.1)', () => {
  let idp: FakeIdentityProvider;
  let other: FakeIdentityProvider;
  const user = randomUUID();
  const tenant = randomUUID();

  beforeAll(async () => {
    idp = await FakeIdentityProvider.start();
    other = await FakeIdentityProvider.start();
  });
  afterAll(async () => {
    await idp.stop();
    await other.stop();
  });

  const verifier = (settings: Partial<TokenSettings> = {}): TokenVerifier =>
    new TokenVerifier({ identityProviders: [idp.provider(), other.provider()], authClockSkewSeconds: 30, ...settings });

  it('accepts a valid token: the user from sub, the tenant from tid', async () => {
    const check = await verifier().verify(await idp.sign({ claims: { sub: user, tid: tenant } }));
    expect(check).toEqual({ ok: true, claims: { sub: user, tid: tenant } });
  });

  it('refuses a token signed by one provider that claims another as its issuer', async () => {
    const token = await idp.sign({ claims: { sub: user, tid: tenant, iss: other.issuer } });
    expect(refusal(await verifier().verify(token)).reason).toMatch(/signing key \(kid\) is not among its identity provider's published keys/);
  });

  it('refuses a token for another audience', async () => {
    const token = await idp.sign({ claims: { sub: user, tid: tenant, aud: 'some-other-api' } });
    expect(refusal(await verifier().verify(token)).reason).toMatch(/not meant for this service \(aud\)/);
  });

  it('refuses an expired token, and one without exp', async () => {
    const expired = await idp.sign({ claims: { sub: user, tid: tenant, iat: now() - 7200, exp: now() - 3600 } });
    expect(refusal(await verifier().verify(expired)).reason).toBe('the bearer token has expired');
    const endless = await idp.sign({ claims: { sub: user, tid: tenant, exp: undefined } });
    expect(refusal(await verifier().verify(endless)).reason).toBe('the bearer token has no expiry (exp)');
  });

  it('tolerates the configured clock skew on exp and nbf, and no more', async () => {
    const v = verifier({ authClockSkewSeconds: 30 });
    const justExpired = await idp.sign({ claims: { sub: user, tid: tenant, iat: now() - 600, exp: now() - 10 } });
    expect((await v.verify(justExpired)).ok).toBe(true);
    const expiredBeyondSkew = await idp.sign({ claims: { sub: user, tid: tenant, iat: now() - 600, exp: now() - 60 } });
    expect(refusal(await v.verify(expiredBeyondSkew)).reason).toBe('the bearer token has expired');
    const almostValid = await idp.sign({ claims: { sub: user, tid: tenant, nbf: now() + 10 } });
    expect((await v.verify(almostValid)).ok).toBe(true);
    const notYetValid = await idp.sign({ claims: { sub: user, tid: tenant, nbf: now() + 120 } });
    expect(refusal(await v.verify(notYetValid)).reason).toMatch(/not valid yet \(nbf\)/);
    // Without skew the token a few seconds early is refused too.
    expect(refusal(await verifier({ authClockSkewSeconds: 0 }).verify(almostValid)).reason).toMatch(/nbf/);
  });

  it('refuses a token that lives longer than 30 days', async () => {
    const token = await idp.sign({ claims: { sub: user, tid: tenant, iat: now(), exp: now() + 31 * DAY } });
    expect(refusal(await verifier().verify(token)).reason).toBe('the bearer token lives longer than 30 days');
    const thirtyDays = await idp.sign({ claims: { sub: user, tid: tenant, iat: now(), exp: now() + 30 * DAY } });
    expect((await verifier().verify(thirtyDays)).ok).toBe(true);
  });

  it('refuses a key the provider does not publish, and a forged signature', async () => {
    const stranger = await FakeIdentityProvider.newKey();
    const unknownKid = await idp.sign({ key: stranger, claims: { sub: user, tid: tenant } });
    expect(refusal(await verifier().verify(unknownKid)).reason).toMatch(/signing key \(kid\) is not among/);
    // The provider's kid on a stranger's signature.
    const forged = await idp.sign({ key: stranger, kid: idp.current.kid, claims: { sub: user, tid: tenant } });
    expect(refusal(await verifier().verify(forged)).reason).toBe('the bearer token\'s signature is invalid');
  });

  it('refuses alg none, and HS256 signed with the provider\'s public key (algorithm confusion)', async () => {
    expect(refusal(await verifier().verify(idp.unsigned({ sub: user, tid: tenant }))).reason).toMatch(/algorithm \(alg\) is not accepted/);
    expect(refusal(await verifier().verify(idp.hmacWithPublicKey({ sub: user, tid: tenant }))).reason).toMatch(/algorithm \(alg\) is not accepted/);
  });

  it('refuses an unknown issuer without repeating anything from the token', async () => {
    const token = await idp.sign({ claims: { sub: user, tid: tenant, iss: 'https://evil.example/<b>' } });
    const { reason, unavailable } = refusal(await verifier().verify(token));
    expect(reason).toBe('the bearer token\'s issuer (iss) is not an identity provider this gateway trusts');
    expect(unavailable).toBeUndefined();
    expect(reason).not.toContain('evil');
    expect(refusal(await verifier().verify('not-a-jwt')).reason).toBe('the bearer token is not a JWT');
  });

  it('takes the user from the configured claim, which must be a UUID', async () => {
    const v = verifier({ identityProviders: [idp.provider({ userClaim: 'oid' })] });
    const ok = await v.verify(await idp.sign({ claims: { sub: 'auth0|12345', oid: user, tid: tenant } }));
    expect(ok).toEqual({ ok: true, claims: { sub: user, tid: tenant } });
    const noOid = await v.verify(await idp.sign({ claims: { sub: user, tid: tenant } }));
    expect(refusal(noOid).reason).toBe('the bearer token\'s user claim (oid) is not a user id');
    const notUuid = await verifier().verify(await idp.sign({ claims: { sub: 'auth0|12345', tid: tenant } }));
    expect(refusal(notUuid).reason).toBe('the bearer token\'s user claim (sub) is not a user id');
  });

  it("binds a group's own provider to its tenant; the platform's provider needs tid", async () => {
    const groupIdp = verifier({ identityProviders: [idp.provider({ tenantId: tenant })] });
    expect(await groupIdp.verify(await idp.sign({ claims: { sub: user } }))).toEqual({ ok: true, claims: { sub: user, tid: tenant } });
    expect((await groupIdp.verify(await idp.sign({ claims: { sub: user, tid: tenant } }))).ok).toBe(true);
    const otherTenant = await groupIdp.verify(await idp.sign({ claims: { sub: user, tid: randomUUID() } }));
    expect(refusal(otherTenant).reason).toBe('the bearer token names a tenant (tid) its identity provider does not serve');
    const platform = await verifier().verify(await idp.sign({ claims: { sub: user } }));
    expect(refusal(platform).reason).toBe('the bearer token names no tenant (tid)');
    // A token's own claim never makes the platform operator: only the operator's provider does.
    const admin = await verifier().verify(await idp.sign({ claims: { sub: user, tid: tenant, platformAdmin: true } }));
    expect(admin).toEqual({ ok: true, claims: { sub: user, tid: tenant } });
  });

  it("makes the platform operator only from the operator's own provider", async () => {
    const v = verifier({ identityProviders: [other.provider({ platformOperator: true }), idp.provider()] });
    expect(await v.verify(await other.sign({ claims: { sub: 'ops-alice' } }))).toEqual({ ok: true, claims: { sub: PLATFORM_OPERATOR_SUB, platformAdmin: true } });
    // The groups' provider beside it still yields tenant users, whatever the token claims.
    expect(await v.verify(await idp.sign({ claims: { sub: user, tid: tenant, platformAdmin: true } }))).toEqual({ ok: true, claims: { sub: user, tid: tenant } });
  });

  it('fetches the key set once, and again when a token names a new key (rotation)', async () => {
    const rotating = await FakeIdentityProvider.start();
    try {
      const v = new TokenVerifier({ identityProviders: [rotating.provider()], authJwksCooldownSeconds: 0 });
      for (let i = 0; i < 5; i++) expect((await v.verify(await rotating.sign({ claims: { sub: user, tid: tenant } }))).ok).toBe(true);
      expect(rotating.fetches).toBe(1);
      await rotating.rotate();
      expect((await v.verify(await rotating.sign({ claims: { sub: user, tid: tenant } }))).ok).toBe(true);
      expect(rotating.fetches).toBe(2);
    } finally {
      await rotating.stop();
    }
  });

  it('answers unavailable, not unauthenticated, when the key set cannot be fetched', async () => {
    const flaky = await FakeIdentityProvider.start();
    try {
      const token = await flaky.sign({ claims: { sub: user, tid: tenant } });
      await flaky.down();
      const v = new TokenVerifier({ identityProviders: [flaky.provider()], authJwksCooldownSeconds: 0 });
      expect(await v.verify(token)).toEqual({ ok: false, unavailable: true, reason: 'the identity provider\'s signing keys cannot be fetched just now' });
      await flaky.up();
      expect((await v.verify(token)).ok).toBe(true);
      // Known keys stay usable while the endpoint is down; a new key cannot be fetched.
      await flaky.down();
      expect((await v.verify(token)).ok).toBe(true);
      const rotated = await flaky.sign({ key: await FakeIdentityProvider.newKey(), claims: { sub: user, tid: tenant } });
      expect(refusal(await v.verify(rotated)).unavailable).toBe(true);
    } finally {
      await flaky.stop();
    }
  });

  it('accepts development tokens only when a JWT_SECRET is configured', async () => {
    const dev = signToken({ sub: user, tid: tenant }, SECRET);
    expect(await verifier({ jwtSecret: SECRET }).verify(dev)).toEqual({ ok: true, claims: { sub: user, tid: tenant } });
    expect(refusal(await verifier().verify(dev)).reason).toBe('development tokens are not accepted here (the gateway has no JWT_SECRET)');
    expect(refusal(await verifier({ jwtSecret: 'another-secret-another-secret-another' }).verify(dev)).reason).toBe('the bearer token is invalid');
    const admin = signToken({ sub: 'platform-operator', platformAdmin: true }, SECRET);
    expect(await verifier({ jwtSecret: SECRET }).verify(admin)).toEqual({ ok: true, claims: { sub: 'platform-operator', platformAdmin: true } });
  });

  it('checks a request\'s token once, however many ask', async () => {
    const v = verifier();
    const verify = jest.spyOn(v, 'verify');
    const req = { headers: { authorization: `Bearer ${await idp.sign({ claims: { sub: user, tid: tenant } })}` } };
    const [a, b] = await Promise.all([requestToken(req, v), requestToken(req, v)]);
    expect(await requestToken(req, v)).toBe(a);
    expect(a).toBe(b);
    expect(a?.ok).toBe(true);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(await requestToken({ headers: {} }, v)).toBeNull();
  });
});
