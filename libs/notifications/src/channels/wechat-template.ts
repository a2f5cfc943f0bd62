import { createHash } from 'crypto';
import type { ChannelAdapter, ChannelCredentials, ChannelMessage, SendResult, WechatCredentials } from '../channel';
import { endpointBase, failed, isTimeout, networkCode, readJson, secretsOf } from './send-support';

/**
 * The order template variables fill a template's keywords in: keyword1 is the first of these the
 * message has, keyword2 the next, and so on; variables not listed follow in name order. An
 * official-account template is set up with its keywords in this order (编号, 进度, 服务中心, 时限, 处理人).
 */
export const WECHAT_KEYWORD_ORDER = ['reference', 'stage', 'branch', 'dueAt', 'handler'] as const;

// An access token is refetched this long before WeChat says it expires (it is valid for 7200 s).
const TOKEN_EARLY_REFRESH_MS = 5 * 60_000;
// Token codes: invalid, expired, not the latest. The token is refetched once and the send retried.
const STALE_TOKEN_CODES = new Set([40001, 40014, 42001]);
// System busy, API call limit reached: a later attempt can succeed.
const RETRYABLE_CODES = new Set([-1, 45009, 45011]);

/** The template message's `data`: first (subject), keyword1… (variables in WECHAT_KEYWORD_ORDER), remark (the text). */
export function wechatTemplateData(message: ChannelMessage): Record<string, { value: string }> {
  const listed = WECHAT_KEYWORD_ORDER.filter((k) => message.variables[k] !== undefined);
  const others = Object.keys(message.variables).filter((k) => !(WECHAT_KEYWORD_ORDER as readonly string[]).includes(k)).sort();
  const data: Record<string, { value: string }> = { first: { value: message.subject ?? message.body.split('\n')[0] } };
  [...listed, ...others].forEach((k, i) => {
    data[`keyword${i + 1}`] = { value: message.variables[k] };
  });
  data.remark = { value: message.body };
  return data;
}

interface CachedToken {
  token: string;
  refreshAt: number;
}

class WechatFailure {
  constructor(readonly result: SendResult) {}
}

/** WeChat official-account template messages: an access token (cached), then message/template/send. */
export class WechatTemplateAdapter implements ChannelAdapter {
  readonly channel = 'WECHAT' as const;
  private readonly tokens = new Map<string, CachedToken>();
  // Concurrent sends of one account share one token fetch (each fetch replaces the account's token).
  private readonly fetching = new Map<string, Promise<string>>();

  async send(message: ChannelMessage, credentials: ChannelCredentials, opts: { timeoutMs: number }): Promise<SendResult> {
    if (credentials.channel !== 'WECHAT') throw new Error(`WeChat adapter given ${credentials.channel} credentials`);
    const secrets = secretsOf(credentials);
    // One time limit for the whole send (token and message).
    const signal = AbortSignal.timeout(opts.timeoutMs);
    const payload = JSON.stringify({
      touser: message.recipient, template_id: credentials.templateId, url: message.link ?? undefined,
      client_msg_id: message.idempotencyKey, data: wechatTemplateData(message),
    });
    try {
      for (let attempt = 0; ; attempt++) {
        const token = await this.token(credentials, signal, attempt > 0);
        const res = await fetch(`${endpointBase(credentials.endpoint)}/cgi-bin/message/template/send?access_token=${encodeURIComponent(token)}`, {
          method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: payload, signal,
        });
        const body = await readJson(res);
        const errcode = typeof body?.errcode === 'number' ? body.errcode : null;
        if (!res.ok || errcode === null) return failed(res.status >= 500 || res.status === 429 || res.ok, `WECHAT HTTP ${res.status}`, secrets);
        if (errcode === 0) return { ok: true, providerMessageId: String(body?.msgid ?? message.idempotencyKey) };
        if (STALE_TOKEN_CODES.has(errcode) && attempt === 0) {
          this.tokens.delete(this.tokenKey(credentials));
          continue;
        }
        const errmsg = typeof body?.errmsg === 'string' ? body.errmsg : '';
        return failed(RETRYABLE_CODES.has(errcode) || STALE_TOKEN_CODES.has(errcode), `WECHAT ${errcode}${errmsg ? `: ${errmsg}` : ''}`, secrets);
      }
    } catch (err) {
      if (err instanceof WechatFailure) return err.result;
      if (isTimeout(err)) return failed(true, `WECHAT timeout after ${opts.timeoutMs} ms`, secrets);
      return failed(true, `WECHAT ${networkCode(err)}`, secrets);
    }
  }

  // The cache is per account and secret: a changed secret fetches a new token.
  private tokenKey(c: WechatCredentials): string {
    return `${endpointBase(c.endpoint)}|${c.appId}|${createHash('sha256').update(c.appSecret).digest('hex')}`;
  }

  private async token(c: WechatCredentials, signal: AbortSignal, fresh: boolean): Promise<string> {
    const key = this.tokenKey(c);
    const cached = this.tokens.get(key);
    if (cached && !fresh && Date.now() < cached.refreshAt) return cached.token;
    const pending = this.fetching.get(key);
    if (pending) return pending;
    const fetched = this.fetchToken(c, key, signal).finally(() => this.fetching.delete(key));
    this.fetching.set(key, fetched);
    return fetched;
  }

  private async fetchToken(c: WechatCredentials, key: string, signal: AbortSignal): Promise<string> {
    const url = `${endpointBase(c.endpoint)}/cgi-bin/token?grant_type=client_credential&appid=${encodeURIComponent(c.appId)}&secret=${encodeURIComponent(c.appSecret)}`;
    const res = await fetch(url, { method: 'GET', signal });
    const body = await readJson(res);
    const secrets = secretsOf(c);
    if (typeof body?.access_token === 'string') {
      const expiresIn = typeof body.expires_in === 'number' ? body.expires_in * 1000 : 7200_000;
      this.tokens.set(key, { token: body.access_token, refreshAt: Date.now() + Math.max(expiresIn - TOKEN_EARLY_REFRESH_MS, expiresIn / 2) });
      return body.access_token;
    }
    const errcode = typeof body?.errcode === 'number' ? body.errcode : null;
    if (!res.ok || errcode === null) throw new WechatFailure(failed(res.status >= 500 || res.status === 429 || res.ok, `WECHAT token HTTP ${res.status}`, secrets));
    const errmsg = typeof body?.errmsg === 'string' ? body.errmsg : '';
    // A wrong appid or secret, an IP not on the allow-list: refusals until someone fixes the account.
    throw new WechatFailure(failed(RETRYABLE_CODES.has(errcode), `WECHAT token ${errcode}${errmsg ? `: ${errmsg}` : ''}`, secrets));
  }
}
