import {
  DEFAULT_STATUS_LINK_DAYS, derivedStatusLinkSecret, signStatusLink, statusLinkExpiry, statusLinkSettings, statusLinkUrl, verifyStatusLink,
} from './status-link.util';

const SECRET = 'a-status-link-secret-of-some-length';
const TENANT = '0b6f6a8e-3f2c-4b7e-9a51-2d7c1f0e9a11';
const COMPLAINT = '7d1e2c3b-4a5f-4e6d-8c7b-9a0f1e2d3c4b';
const NOW = new Date('2025-03-07T10:00:00Z');
const link = (expiresAt = statusLinkExpiry(NOW)): string => signStatusLink(SECRET, { tenantId: TENANT, complaintId: COMPLAINT, expiresAt });

/** The same token with one character at `i` replaced by another of the base64url alphabet. */
function flip(token: string, i: number): string {
  const c = token[i];
  return token.slice(0, i) + (c === 'A' ? 'B' : 'A') + token.slice(i + 1);
}

describe('status links', () => {
  it('a good link names its tenant and complaint until it expires', () => {
    const token = link();
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyStatusLink(SECRET, token, NOW)).toEqual({
      ok: true, payload: { tenantId: TENANT, complaintId: COMPLAINT, expiresAt: new Date(NOW.getTime() + DEFAULT_STATUS_LINK_DAYS * 86_400_000) },
    });
    const [payload] = token.split('.');
    expect(Buffer.from(payload, 'base64url').toString()).toBe(`v1|${TENANT}|${COMPLAINT}|${Math.floor(NOW.getTime() / 1000) + 90 * 86_400}`);
  });

  it('an expired link is "expired" from its expiry second on, and not before', () => {
    const expiresAt = new Date('2025-03-07T12:00:00Z');
    const token = link(expiresAt);
    expect(verifyStatusLink(SECRET, token, new Date(expiresAt.getTime() - 1000)).ok).toBe(true);
    expect(verifyStatusLink(SECRET, token, expiresAt)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyStatusLink(SECRET, token, new Date('2026-01-01T00:00:00Z'))).toEqual({ ok: false, reason: 'expired' });
  });

  it('an altered payload is invalid — another complaint, a later expiry, any flipped character', () => {
    const token = link();
    const [, mac] = token.split('.');
    const other = Buffer.from(`v1|${TENANT}|11111111-2222-4333-8444-555555555555|${Math.floor(NOW.getTime() / 1000) + 86_400}`).toString('base64url');
    expect(verifyStatusLink(SECRET, `${other}.${mac}`, NOW)).toEqual({ ok: false, reason: 'invalid' });
    const later = Buffer.from(`v1|${TENANT}|${COMPLAINT}|${Math.floor(NOW.getTime() / 1000) + 900 * 86_400}`).toString('base64url');
    expect(verifyStatusLink(SECRET, `${later}.${mac}`, NOW)).toEqual({ ok: false, reason: 'invalid' });
    const dot = token.indexOf('.');
    for (let i = 0; i < dot; i++) expect(verifyStatusLink(SECRET, flip(token, i), NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('an altered MAC is invalid, including its last character (whose spare bits decoding would ignore)', () => {
    const token = link();
    for (let i = token.indexOf('.') + 1; i < token.length; i++) expect(verifyStatusLink(SECRET, flip(token, i), NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyStatusLink(SECRET, token.slice(0, -1), NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyStatusLink(SECRET, `${token}A`, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('a link signed with another key is invalid, even when it has expired (the key is checked first)', () => {
    const foreign = signStatusLink('another-secret-entirely-0123', { tenantId: TENANT, complaintId: COMPLAINT, expiresAt: statusLinkExpiry(NOW) });
    expect(verifyStatusLink(SECRET, foreign, NOW)).toEqual({ ok: false, reason: 'invalid' });
    const foreignExpired = signStatusLink('another-secret-entirely-0123', { tenantId: TENANT, complaintId: COMPLAINT, expiresAt: new Date('2020-01-01T00:00:00Z') });
    expect(verifyStatusLink(SECRET, foreignExpired, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('malformed tokens are invalid, whatever their shape', () => {
    const signed = (payload: string): string => {
      const p = Buffer.from(payload).toString('base64url');
      // A well-signed token with a bad payload: only a holder of the key could make one; still refused.
      return `${p}.${require('crypto').createHmac('sha256', SECRET).update(p).digest('base64url')}`;
    };
    for (const t of ['', '.', 'abc', 'a.b.c', 'ab$.cd', 'x'.repeat(600), signed(`v2|${TENANT}|${COMPLAINT}|9999999999`), signed(`v1|${TENANT}|${COMPLAINT}`),
      signed(`v1|not-a-uuid|${COMPLAINT}|9999999999`), signed(`v1|${TENANT}|${COMPLAINT}|soon`), signed(`v1|${TENANT}|${COMPLAINT}|0`)]) {
      expect(verifyStatusLink(SECRET, t, NOW)).toEqual({ ok: false, reason: 'invalid' });
    }
  });

  it('refuses to sign or verify with a missing or short key, or to sign what is not a UUID', () => {
    expect(() => signStatusLink('', { tenantId: TENANT, complaintId: COMPLAINT, expiresAt: NOW })).toThrow(/secret/);
    expect(() => verifyStatusLink('short', link(), NOW)).toThrow(/secret/);
    expect(() => signStatusLink(SECRET, { tenantId: 'tenant', complaintId: COMPLAINT, expiresAt: NOW })).toThrow(/UUID/);
  });

  it('builds the URL under the public base URL', () => {
    expect(statusLinkUrl('https://tousu.example.cn/', 'abc.def')).toBe('https://tousu.example.cn/s/abc.def');
    expect(statusLinkUrl('http://127.0.0.1:4000', 'abc.def')).toBe('http://127.0.0.1:4000/s/abc.def');
  });

  it('reads its settings: an explicit secret, else one derived from JWT_SECRET; 90 days; the gateway\'s own URL by default', () => {
    expect(statusLinkSettings({ STATUS_LINK_SECRET: 'production-secret-0123456789', JWT_SECRET: 'dev' })).toEqual({
      secret: 'production-secret-0123456789', lifetimeDays: 90, publicBaseUrl: 'http://127.0.0.1:4000',
    });
    const dev = statusLinkSettings({ JWT_SECRET: 'dev-secret', PORT: '5000', STATUS_LINK_DAYS: '30', PUBLIC_BASE_URL: 'https://tousu.example.cn/' });
    expect(dev).toEqual({ secret: derivedStatusLinkSecret('dev-secret'), lifetimeDays: 30, publicBaseUrl: 'https://tousu.example.cn' });
    expect(dev.secret).not.toContain('dev-secret');
    expect(statusLinkSettings({}, { jwtSecret: 'from-config', ownUrl: 'http://127.0.0.1:5555' })).toEqual({
      secret: derivedStatusLinkSecret('from-config'), lifetimeDays: 90, publicBaseUrl: 'http://127.0.0.1:5555',
    });
    expect(statusLinkSettings({}).secret).toBeNull();
    expect(() => statusLinkSettings({ STATUS_LINK_SECRET: 'short' })).toThrow(/STATUS_LINK_SECRET/);
    expect(() => statusLinkSettings({ JWT_SECRET: 'x', STATUS_LINK_DAYS: '0' })).toThrow(/STATUS_LINK_DAYS/);
    expect(() => statusLinkSettings({ JWT_SECRET: 'x', PUBLIC_BASE_URL: 'ftp://x' })).toThrow(/PUBLIC_BASE_URL/);
  });
});
