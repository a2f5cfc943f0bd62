import { createHmac, timingSafeEqual } from 'crypto';

/**
 * The customer status page's link: `/s/<token>`, no login. The token names one complaint of one
 * tenant until it expires, and is its own authority:
 * `base64url("v1|tenantId|complaintId|expiresAtEpochSeconds") + "." + base64url(HMAC-SHA256(secret, <first part>))`.
 */

/** What a status link grants: one complaint of one tenant, until `expiresAt`. */
export interface StatusLinkPayload {
  tenantId: string;
  complaintId: string;
  expiresAt: Date;
}

export type StatusLinkCheck =
  | { ok: true; payload: StatusLinkPayload }
  | { ok: false; reason: 'expired' | 'invalid' };

/** The default lifetime of a status link, days (config STATUS_LINK_DAYS). */
export const DEFAULT_STATUS_LINK_DAYS = 90;
/** The path a status link's token is served under. */
export const STATUS_LINK_PATH = '/s/';

const VERSION = 'v1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
// A token is short (about 180 characters); anything much longer is refused before any work.
const MAX_TOKEN_CHARS = 512;

function mac(secret: string, payloadPart: string): string {
  return createHmac('sha256', secret).update(payloadPart).digest('base64url');
}

function requireSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length < 16) throw new Error('a status link secret of at least 16 characters is required');
}

/** Signs a link to one complaint's status page, valid until `expiresAt` (to the second). */
export function signStatusLink(secret: string, payload: StatusLinkPayload): string {
  requireSecret(secret);
  const { tenantId, complaintId, expiresAt } = payload;
  if (!UUID.test(tenantId) || !UUID.test(complaintId)) throw new Error('a status link names a tenant and a complaint by their (lower-case) UUIDs');
  const seconds = Math.floor(expiresAt.getTime() / 1000);
  if (!Number.isSafeInteger(seconds) || seconds <= 0) throw new Error('a status link needs a valid expiry');
  const payloadPart = Buffer.from(`${VERSION}|${tenantId}|${complaintId}|${seconds}`, 'utf8').toString('base64url');
  return `${payloadPart}.${mac(secret, payloadPart)}`;
}

/**
 * Checks a status link's token at `now`: its payload, or why not. `invalid` for anything altered,
 * malformed or signed with another key (checked first, in constant time); `expired` only for a
 * genuine link whose time is up — so neither answer says whether the complaint exists.
 */
export function verifyStatusLink(secret: string, token: string, now: Date): StatusLinkCheck {
  requireSecret(secret);
  const invalid: StatusLinkCheck = { ok: false, reason: 'invalid' };
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS) return invalid;
  const parts = token.split('.');
  if (parts.length !== 2 || !BASE64URL.test(parts[0]) || !BASE64URL.test(parts[1])) return invalid;
  const [payloadPart, macPart] = parts;
  // Compared as text, not as decoded bytes: base64url decoding ignores a last character's spare bits,
  // so a flipped last character could otherwise decode to the same MAC.
  const expected = Buffer.from(mac(secret, payloadPart), 'utf8');
  const given = Buffer.from(macPart, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid;
  const fields = Buffer.from(payloadPart, 'base64url').toString('utf8').split('|');
  if (fields.length !== 4) return invalid;
  const [version, tenantId, complaintId, expiry] = fields;
  if (version !== VERSION || !UUID.test(tenantId) || !UUID.test(complaintId) || !/^[1-9]\d{0,11}$/.test(expiry)) return invalid;
  const expiresAt = new Date(Number(expiry) * 1000);
  if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, payload: { tenantId, complaintId, expiresAt } };
}

/** When a link made at `from` expires, `days` later (default 90). */
export function statusLinkExpiry(from: Date, days: number = DEFAULT_STATUS_LINK_DAYS): Date {
  return new Date(from.getTime() + days * 86_400_000);
}

/** The full URL of a status link under the public base URL (config PUBLIC_BASE_URL), e.g. `https://tousu.example.cn/s/<token>`. */
export function statusLinkUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${STATUS_LINK_PATH}${token}`;
}

/** The settings a status link is made and checked with. */
export interface StatusLinkSettings {
  /** The HMAC key; null when none is configured (the status page then answers every link as unavailable). */
  secret: string | null;
  /** How long a new link lasts, days. */
  lifetimeDays: number;
  /** Where the gateway is reached from outside; links are `<publicBaseUrl>/s/<token>`. */
  publicBaseUrl: string;
}

/**
 * The development fallback key: derived from the development-token secret (JWT_SECRET), so the dev
 * stack and tests need no extra setting while the JWT secret itself never signs a link.
 */
export function derivedStatusLinkSecret(jwtSecret: string): string {
  return createHmac('sha256', jwtSecret).update('complaint-platform/status-link/v1').digest('base64url');
}

/**
 * The status link settings from the environment (the gateway and the worker read the same):
 * STATUS_LINK_SECRET (production; at least 16 characters), else derived from JWT_SECRET (development);
 * STATUS_LINK_DAYS (default 90); PUBLIC_BASE_URL (default the gateway's own http://HOST:PORT).
 */
export function statusLinkSettings(env: Record<string, string | undefined>, fallback: { jwtSecret?: string; ownUrl?: string } = {}): StatusLinkSettings {
  const explicit = env.STATUS_LINK_SECRET?.trim();
  if (explicit !== undefined && explicit !== '' && explicit.length < 16) throw new Error('STATUS_LINK_SECRET must be at least 16 characters');
  const jwtSecret = fallback.jwtSecret ?? env.JWT_SECRET;
  const secret = explicit ? explicit : jwtSecret ? derivedStatusLinkSecret(jwtSecret) : null;
  const daysText = env.STATUS_LINK_DAYS?.trim();
  const lifetimeDays = daysText ? Number(daysText) : DEFAULT_STATUS_LINK_DAYS;
  if (!Number.isInteger(lifetimeDays) || lifetimeDays < 1 || lifetimeDays > 3650) throw new Error(`STATUS_LINK_DAYS must be a whole number of days from 1 to 3650, got ${JSON.stringify(daysText)}`);
  const ownUrl = fallback.ownUrl ?? `http://${env.HOST ?? '127.0.0.1'}:${env.PORT ?? '4000'}`;
  const publicBaseUrl = (env.PUBLIC_BASE_URL?.trim() || ownUrl).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+(\/\S*)?$/.test(publicBaseUrl)) throw new Error(`PUBLIC_BASE_URL must be an http(s) URL, got ${JSON.stringify(publicBaseUrl)}`);
  return { secret, lifetimeDays, publicBaseUrl };
}
