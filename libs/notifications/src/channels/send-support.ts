import type { ChannelCredentials, MessageChannel, SendResult } from '../channel';

/** The fields of each channel's credentials that are secret: never logged, returned or echoed. */
export const SECRET_FIELDS: { readonly [C in MessageChannel]: readonly string[] } = {
  SMS: ['accessKeySecret'],
  WECHAT: ['appSecret'],
  EMAIL: ['pass'],
};

const MAX_REASON = 300;

/** The credential values that must never appear in a reason, a log line or an error. */
export function secretsOf(credentials: ChannelCredentials): string[] {
  const record = credentials as unknown as Record<string, unknown>;
  return SECRET_FIELDS[credentials.channel].map((k) => record[k]).filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** A provider's reason, bounded and with every secret blanked (a provider may quote a request back). */
export function scrub(reason: string, secrets: readonly string[]): string {
  let out = reason;
  for (const s of secrets) out = out.split(s).join('***');
  // Secrets are also sent percent-encoded (query strings): blank those too.
  for (const s of secrets) out = out.split(encodeURIComponent(s)).join('***');
  return out.length > MAX_REASON ? `${out.slice(0, MAX_REASON - 1)}…` : out;
}

export function failed(retryable: boolean, reason: string, secrets: readonly string[]): SendResult {
  return { ok: false, retryable, reason: scrub(reason, secrets) };
}

/** True when `err` is the abort of a timeout signal (fetch rejects with the signal's reason). */
export function isTimeout(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

/** A network failure's code (ECONNREFUSED, ECONNRESET, …) without its message, which may quote a URL. */
export function networkCode(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
  const code = cause?.code ?? (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? code : 'NETWORK_ERROR';
}

/** The text of a response, read within the request's time limit. */
export async function readJson(res: Response): Promise<Record<string, unknown> | null> {
  const text = await res.text();
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The base of a configured endpoint without a trailing slash. */
export function endpointBase(endpoint: string): string {
  return endpoint.replace(/\/+$/, '');
}
