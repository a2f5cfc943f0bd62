import { randomBytes } from 'crypto';
import { createServer } from 'http';
import { FailureKind, FailurePlan, listen, readBody, sendJson } from './provider-support';

/** One template message the server accepted (a valid access token). */
export interface ReceivedWechatMessage {
  touser: string;
  template_id: string;
  url?: string;
  client_msg_id?: string;
  data: Record<string, { value: string }>;
  msgid: number;
}

export interface WechatProvider {
  /** The endpoint to configure (`WechatCredentials.endpoint`). */
  url: string;
  received: ReceivedWechatMessage[];
  /** Every send request, with the errcode answered ('timeout' when never answered). */
  requests: { outcome: string; clientMsgId: string | null }[];
  /** How many access tokens were issued. */
  tokensIssued(): number;
  /** Every token issued so far expires now: its next use is answered 42001. */
  expireTokens(): void;
  /** The next `n` sends fail: 'outage' HTTP 503, 'timeout' no answer, 'refuse' an errcode (default 43004, not subscribed). */
  failNext(n: number, kind: FailureKind, code?: string): void;
  stop(): Promise<void>;
}

/**
 * A local stand-in for the WeChat official-account API: `/cgi-bin/token` checks the appid and
 * secret and issues expiring access tokens; `/cgi-bin/message/template/send` accepts a message only
 * with a current token (40001 unknown, 42001 expired), records it, and can be told to fail.
 */
export async function startWechatProvider(account: { appId: string; appSecret: string; tokenTtlSeconds?: number }): Promise<WechatProvider> {
  const plan = new FailurePlan();
  const received: ReceivedWechatMessage[] = [];
  const requests: { outcome: string; clientMsgId: string | null }[] = [];
  const tokens = new Map<string, number>(); // token → expires at
  let issued = 0;
  let msgid = 1000;
  const ttl = account.tokenTtlSeconds ?? 7200;
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'GET' && url.pathname === '/cgi-bin/token') {
        const q = url.searchParams;
        if (q.get('grant_type') !== 'client_credential') return sendJson(res, 200, { errcode: 40002, errmsg: 'invalid grant_type' });
        if (q.get('appid') !== account.appId) return sendJson(res, 200, { errcode: 40013, errmsg: 'invalid appid' });
        if (q.get('secret') !== account.appSecret) return sendJson(res, 200, { errcode: 40125, errmsg: 'invalid appsecret' });
        const token = randomBytes(24).toString('hex');
        tokens.set(token, Date.now() + ttl * 1000);
        issued++;
        return sendJson(res, 200, { access_token: token, expires_in: ttl });
      }
      if (req.method === 'POST' && url.pathname === '/cgi-bin/message/template/send') {
        const text = await readBody(req);
        let body: Partial<ReceivedWechatMessage> = {};
        try {
          body = JSON.parse(text) as Partial<ReceivedWechatMessage>;
        } catch {
          return sendJson(res, 200, { errcode: 47001, errmsg: 'data format error' });
        }
        const clientMsgId = body.client_msg_id ?? null;
        const answer = (errcode: number, errmsg: string, extra: Record<string, unknown> = {}) => {
          requests.push({ outcome: String(errcode), clientMsgId });
          sendJson(res, 200, { errcode, errmsg, ...extra });
        };
        const token = url.searchParams.get('access_token') ?? '';
        const expiresAt = tokens.get(token);
        if (expiresAt === undefined) return answer(40001, 'invalid credential, access_token is invalid or not latest');
        if (Date.now() >= expiresAt) return answer(42001, 'access_token expired');
        if (!body.touser || !body.template_id || !body.data) return answer(47003, 'argument invalid!');
        const failure = plan.take();
        if (failure?.kind === 'timeout') {
          requests.push({ outcome: 'timeout', clientMsgId });
          return;
        }
        if (failure?.kind === 'outage') {
          requests.push({ outcome: '503', clientMsgId });
          res.writeHead(503).end('Service Unavailable');
          return;
        }
        if (failure?.kind === 'refuse') return answer(Number(failure.code ?? 43004), 'require subscribe');
        const id = ++msgid;
        received.push({ ...(body as ReceivedWechatMessage), msgid: id });
        return answer(0, 'ok', { msgid: id });
      }
      res.writeHead(404).end();
    })().catch(() => {
      if (!res.headersSent) sendJson(res, 500, { errcode: -1, errmsg: 'system error' });
    });
  });
  const { url, stop } = await listen(server);
  return {
    url, received, requests, tokensIssued: () => issued,
    expireTokens: () => {
      for (const t of tokens.keys()) tokens.set(t, 0);
    },
    failNext: (n, kind, code) => plan.add(n, kind, code),
    stop,
  };
}
