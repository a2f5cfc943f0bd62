import { createHmac, randomUUID } from 'crypto';
import type { ChannelAdapter, ChannelCredentials, ChannelMessage, SendResult, SmsCredentials } from '../channel';
import { endpointBase, failed, isTimeout, networkCode, readJson, secretsOf } from './send-support';

// Codes of Aliyun's SendSms that a later attempt can clear (flow control, the provider's own
// trouble); every other code is a refusal of this message (bad number, unapproved sign or template…).
const RETRYABLE_CODES = new Set([
  'Throttling', 'Throttling.User', 'Throttling.Api', 'ServiceUnavailable', 'InternalError', 'isp.SYSTEM_ERROR', 'isv.BUSINESS_LIMIT_CONTROL',
]);

/**
 * Aliyun's percent-encoding for RPC signatures: RFC 3986 unreserved characters stay, everything
 * else is %XY of its UTF-8 bytes (a space is %20, `*` is %2A; encodeURIComponent leaves `!'()*`).
 */
export function aliyunPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The canonicalized query string: parameters (without Signature) sorted by name, encoded. */
export function aliyunCanonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(params[k])}`)
    .join('&');
}

/** Signature = base64(HMAC-SHA1(secret + '&', METHOD + '&%2F&' + percentEncode(canonical query))). */
export function aliyunSignature(method: 'GET' | 'POST', params: Record<string, string>, accessKeySecret: string): string {
  const stringToSign = `${method}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(aliyunCanonicalQuery(params))}`;
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64');
}

/** Aliyun's timestamp format: ISO 8601 in UTC, whole seconds. */
function aliyunTimestamp(now: Date): string {
  return `${now.toISOString().slice(0, 19)}Z`;
}

/** The signed query parameters of one SendSms request. */
export function sendSmsParams(message: ChannelMessage, c: SmsCredentials, now = new Date(), nonce = randomUUID()): Record<string, string> {
  const params: Record<string, string> = {
    AccessKeyId: c.accessKeyId,
    Action: 'SendSms',
    Format: 'JSON',
    OutId: message.idempotencyKey,
    PhoneNumbers: message.recipient,
    RegionId: c.regionId ?? 'cn-hangzhou',
    SignName: c.signName,
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: nonce,
    SignatureVersion: '1.0',
    TemplateCode: c.templateCode,
    // The template's variables, and the rendered text as `content` (a template of `${content}` sends it whole).
    TemplateParam: JSON.stringify({ ...message.variables, content: message.body }),
    Timestamp: aliyunTimestamp(now),
    Version: '2017-05-25',
  };
  return { ...params, Signature: aliyunSignature('GET', params, c.accessKeySecret) };
}

/** SMS through Aliyun's SendSms RPC API (HTTP GET, HMAC-SHA1 signed query). */
export class SmsAliyunAdapter implements ChannelAdapter {
  readonly channel = 'SMS' as const;

  async send(message: ChannelMessage, credentials: ChannelCredentials, opts: { timeoutMs: number }): Promise<SendResult> {
    if (credentials.channel !== 'SMS') throw new Error(`SMS adapter given ${credentials.channel} credentials`);
    const secrets = secretsOf(credentials);
    const params = sendSmsParams(message, credentials);
    const query = Object.entries(params).map(([k, v]) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(v)}`).join('&');
    let res: Response;
    let body: Record<string, unknown> | null;
    try {
      res = await fetch(`${endpointBase(credentials.endpoint)}/?${query}`, { method: 'GET', signal: AbortSignal.timeout(opts.timeoutMs) });
      body = await readJson(res);
    } catch (err) {
      if (isTimeout(err)) return failed(true, `SMS timeout after ${opts.timeoutMs} ms`, secrets);
      return failed(true, `SMS ${networkCode(err)}`, secrets);
    }
    const code = typeof body?.Code === 'string' ? body.Code : null;
    const text = typeof body?.Message === 'string' ? body.Message : '';
    if (res.ok && code === 'OK') {
      return { ok: true, providerMessageId: typeof body?.BizId === 'string' ? body.BizId : message.idempotencyKey };
    }
    if (code === null) return failed(res.status >= 500 || res.status === 429, `SMS HTTP ${res.status}`, secrets);
    const retryable = RETRYABLE_CODES.has(code) || res.status >= 500 || res.status === 429;
    return failed(retryable, `SMS ${code}${text ? `: ${text}` : ''}`, secrets);
  }
}
