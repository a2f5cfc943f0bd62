import { createServer } from 'http';
import { aliyunSignature } from '../../../libs/notifications/src/channels/sms-aliyun';
import { FailureKind, FailurePlan, listen, readBody, sendJson } from './provider-support';

/** One SendSms request the server accepted (signature verified). */
export interface ReceivedSms {
  phoneNumbers: string;
  signName: string;
  templateCode: string;
  templateParam: Record<string, string>;
  outId: string | null;
  bizId: string;
  params: Record<string, string>;
}

export interface SmsProvider {
  /** The endpoint to configure (`SmsCredentials.endpoint`). */
  url: string;
  /** Messages accepted (Code OK), in order. */
  received: ReceivedSms[];
  /** Every request, with what the server answered (`OK`, a failure kind or a verification refusal code). */
  requests: { outcome: string; outId: string | null }[];
  /** The next `n` requests fail: 'outage' HTTP 503 ServiceUnavailable, 'timeout' no answer, 'refuse' a business code. */
  failNext(n: number, kind: FailureKind, code?: string): void;
  stop(): Promise<void>;
}

// How far a request's Timestamp may be from the server's clock (Aliyun allows 15 minutes).
const CLOCK_SKEW_MS = 15 * 60_000;

/**
 * A local stand-in for Aliyun's SMS API (dysmsapi SendSms): it checks each request as Aliyun does —
 * the common parameters, a known AccessKeyId, the Timestamp, a nonce not seen before and the
 * HMAC-SHA1 signature recomputed with the account's secret — records what it accepted, and can be
 * told to fail.
 */
export async function startSmsProvider(account: { accessKeyId: string; accessKeySecret: string }): Promise<SmsProvider> {
  const plan = new FailurePlan();
  const received: ReceivedSms[] = [];
  const requests: { outcome: string; outId: string | null }[] = [];
  const nonces = new Set<string>();
  let seq = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const params: Record<string, string> = {};
      const raw = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : url.searchParams;
      for (const [k, v] of raw) params[k] = v;
      const requestId = `req-${++seq}`;
      const refuse = (status: number, code: string, message: string) => {
        requests.push({ outcome: code, outId: params.OutId ?? null });
        sendJson(res, status, { RequestId: requestId, Code: code, Message: message });
      };
      if (url.pathname !== '/') return refuse(404, 'InvalidAction.NotFound', 'Specified api is not found');
      if (params.Action !== 'SendSms' || params.Version !== '2017-05-25') return refuse(400, 'InvalidAction.NotFound', 'Specified api is not found');
      if (params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0' || params.Format !== 'JSON') {
        return refuse(400, 'InvalidParameter', 'SignatureMethod, SignatureVersion or Format');
      }
      if (params.AccessKeyId !== account.accessKeyId) return refuse(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
      const at = Date.parse(params.Timestamp ?? '');
      if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(params.Timestamp ?? '') || Math.abs(Date.now() - at) > CLOCK_SKEW_MS) {
        return refuse(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
      }
      const expected = aliyunSignature(req.method === 'POST' ? 'POST' : 'GET', params, account.accessKeySecret);
      if (params.Signature !== expected) return refuse(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.');
      if (!params.SignatureNonce || nonces.has(params.SignatureNonce)) return refuse(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
      nonces.add(params.SignatureNonce);
      for (const name of ['PhoneNumbers', 'SignName', 'TemplateCode']) {
        if (!params[name]) return refuse(400, 'MissingParameter', `${name} is mandatory for this action.`);
      }
      const failure = plan.take();
      if (failure?.kind === 'timeout') {
        requests.push({ outcome: 'timeout', outId: params.OutId ?? null });
        return; // never answered (stop() ends the connection)
      }
      if (failure?.kind === 'outage') return refuse(503, failure.code ?? 'ServiceUnavailable', 'The request has failed due to a temporary failure of the server.');
      if (failure?.kind === 'refuse') return refuse(200, failure.code ?? 'isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
      let templateParam: Record<string, string> = {};
      try {
        templateParam = JSON.parse(params.TemplateParam ?? '{}') as Record<string, string>;
      } catch {
        return refuse(400, 'isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
      }
      const bizId = `biz-${seq}-${Date.now()}`;
      received.push({
        phoneNumbers: params.PhoneNumbers, signName: params.SignName, templateCode: params.TemplateCode, templateParam,
        outId: params.OutId ?? null, bizId, params,
      });
      requests.push({ outcome: 'OK', outId: params.OutId ?? null });
      sendJson(res, 200, { RequestId: requestId, Code: 'OK', Message: 'OK', BizId: bizId });
    })().catch(() => {
      if (!res.headersSent) sendJson(res, 500, { Code: 'InternalError', Message: 'test server failure' });
    });
  });
  const { url, stop } = await listen(server);
  return { url, received, requests, failNext: (n, kind, code) => plan.add(n, kind, code), stop };
}
