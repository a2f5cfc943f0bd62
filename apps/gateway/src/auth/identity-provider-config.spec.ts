import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { gatewayConfig } from '../common/gateway.config';
import { TokenVerifier } from './token-verifier';

const BASE = { DATABASE_URL: 'postgres://127.0.0.1/x', TEMPORAL_ADDRESS: '127.0.0.1:7233' };
const TENANT = '6f1c2a3e-8b7d-4c5e-9f0a-1b2c3d4e5f60';
const GOOD = { issuer: 'https://login.example.com/', jwksUrl: 'https://login.example.com/.well-known/jwks.json', audience: 'complaints-api' };

const configWith = (providers: unknown, extra: Record<string, string> = {}): ReturnType<typeof gatewayConfig> =>
  gatewayConfig({ ...BASE, AUTH_IDENTITY_PROVIDERS: JSON.stringify(providers), ...extra });

describe('identity-provider configuration (AUTH_IDENTITY_PROVIDERS)', () => {
  it('reads providers from the environment or a file, with the default skew', () => {
    const c = configWith([GOOD, { ...GOOD, issuer: 'https://group-a.example/', tenantId: TENANT.toUpperCase(), userClaim: 'oid' }]);
    expect(c.identityProviders).toEqual([GOOD, { ...GOOD, issuer: 'https://group-a.example/', tenantId: TENANT, userClaim: 'oid' }]);
    expect(c.authClockSkewSeconds).toBe(30);
    expect(c.jwtSecret).toBeUndefined();
    const dir = mkdtempSync(path.join(tmpdir(), 'idp-'));
    const file = path.join(dir, 'providers.json');
    writeFileSync(file, JSON.stringify([GOOD]));
    expect(gatewayConfig({ ...BASE, AUTH_IDENTITY_PROVIDERS_FILE: file, AUTH_CLOCK_SKEW_SECONDS: '120' })).toMatchObject({ identityProviders: [GOOD], authClockSkewSeconds: 120 });
    expect(() => gatewayConfig({ ...BASE, AUTH_IDENTITY_PROVIDERS_FILE: path.join(dir, 'missing.json') })).toThrow(/AUTH_IDENTITY_PROVIDERS_FILE .*missing\.json.* cannot be read/);
  });

  it('names the entry and the field of every mistake', () => {
    const bad = [
      GOOD,
      { ...GOOD, jwksUrl: 'http://login.example.com/jwks' },
      { ...GOOD, issuer: 'https://b.example/', audience: '' },
      { ...GOOD, issuer: 'https://c.example/', tenantId: 'group-a' },
      { ...GOOD, issuer: 'https://d.example/', tennantId: TENANT },
    ];
    let message = '';
    try {
      configWith(bad);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('AUTH_IDENTITY_PROVIDERS[1].issuer "https://login.example.com/" is also AUTH_IDENTITY_PROVIDERS[0]\'s: issuers must be unique');
    expect(message).toContain('AUTH_IDENTITY_PROVIDERS[1].jwksUrl "http://login.example.com/jwks" must be an https:// URL (http:// only on 127.0.0.1 or localhost)');
    expect(message).toContain('AUTH_IDENTITY_PROVIDERS[2].audience must be a non-empty string');
    expect(message).toContain('AUTH_IDENTITY_PROVIDERS[3].tenantId "group-a" is not a tenant id (a UUID)');
    expect(message).toContain('AUTH_IDENTITY_PROVIDERS[4].tennantId is not a setting');
    expect(() => configWith({ issuer: 'x' })).toThrow('AUTH_IDENTITY_PROVIDERS must be a JSON array');
    expect(() => gatewayConfig({ ...BASE, AUTH_IDENTITY_PROVIDERS: '[{' })).toThrow(/AUTH_IDENTITY_PROVIDERS is not JSON/);
    expect(() => configWith([{ ...GOOD, issuer: 'complaint-platform' }])).toThrow(/development tokens' issuer/);
  });

  it('allows http:// only on the loopback address', () => {
    expect(configWith([{ ...GOOD, jwksUrl: 'http://127.0.0.1:8080/jwks' }]).identityProviders?.[0].jwksUrl).toBe('http://127.0.0.1:8080/jwks');
    expect(configWith([{ ...GOOD, jwksUrl: 'http://localhost/jwks' }]).identityProviders).toHaveLength(1);
    expect(() => configWith([{ ...GOOD, jwksUrl: 'http://10.0.0.5/jwks' }])).toThrow(/jwksUrl .* must be an https:\/\/ URL/);
    expect(() => configWith([{ ...GOOD, jwksUrl: 'ftp://login.example.com/jwks' }])).toThrow(/jwksUrl .* must be an https:\/\/ URL/);
  });

  it('bounds the clock skew and requires some way to authenticate', () => {
    expect(() => configWith([GOOD], { AUTH_CLOCK_SKEW_SECONDS: '301' })).toThrow('AUTH_CLOCK_SKEW_SECONDS must be a whole number of seconds from 0 to 300');
    expect(() => configWith([GOOD], { AUTH_CLOCK_SKEW_SECONDS: 'lots' })).toThrow(/AUTH_CLOCK_SKEW_SECONDS/);
    expect(() => gatewayConfig(BASE)).toThrow(/set AUTH_IDENTITY_PROVIDERS .* or JWT_SECRET/);
    expect(gatewayConfig({ ...BASE, JWT_SECRET: 's3cret' })).toMatchObject({ jwtSecret: 's3cret', identityProviders: [] });
    expect(() => gatewayConfig({ ...BASE, AUTH_IDENTITY_PROVIDERS: '[]', AUTH_IDENTITY_PROVIDERS_FILE: '/x.json', JWT_SECRET: 's' })).toThrow(/not both/);
  });

  it('checks a configuration given in code (tests, the bench) when the verifier is built', () => {
    expect(() => new TokenVerifier({ identityProviders: [{ ...GOOD, tenantId: 'nope' }] })).toThrow('identityProviders[0].tenantId "nope" is not a tenant id');
    expect(() => new TokenVerifier({ identityProviders: [GOOD], authClockSkewSeconds: 900 })).toThrow(/authClockSkewSeconds/);
  });
});
