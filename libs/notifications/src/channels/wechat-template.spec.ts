import type { ChannelMessage, WechatCredentials } from '../channel';
import { WechatProvider, startWechatProvider } from '../../../../test/support/providers/wechat-provider';
import { WechatTemplateAdapter, wechatTemplateData } from './wechat-template';

const APP_SECRET = 'wx-app-secret-0123456789abcdef';
const message = (n: number): ChannelMessage => ({
  id: `00000000-0000-4000-8000-00000000010${n}`, idempotencyKey: `progress-${n}`, recipient: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', subject: '您的投诉有新进展',
  body: '维修师傅已上门检查电梯，预计今天 18:00 前修复。', variables: { handler: '王', reference: 'GZ01-2026-0002', stage: '处理中', extra: '附加' },
  link: 'https://status.example.cn/s/def',
});

describe('WeChat template messages', () => {
  let provider: WechatProvider;
  let credentials: WechatCredentials;
  let adapter: WechatTemplateAdapter;

  beforeEach(async () => {
    provider = await startWechatProvider({ appId: 'wx1234567890abcdef', appSecret: APP_SECRET });
    credentials = { channel: 'WECHAT', endpoint: provider.url, appId: 'wx1234567890abcdef', appSecret: APP_SECRET, templateId: 'TPL-progress-1' };
    adapter = new WechatTemplateAdapter();
  });
  afterEach(() => provider.stop());

  it('maps variables to keywords in the documented order, then the rest by name', () => {
    expect(wechatTemplateData(message(0))).toEqual({
      first: { value: '您的投诉有新进展' },
      keyword1: { value: 'GZ01-2026-0002' }, keyword2: { value: '处理中' }, keyword3: { value: '王' }, keyword4: { value: '附加' },
      remark: { value: message(0).body },
    });
  });

  it('fetches a token once, sends with it and reuses it', async () => {
    const first = await adapter.send(message(1), credentials, { timeoutMs: 5000 });
    const second = await adapter.send(message(2), credentials, { timeoutMs: 5000 });
    expect(first).toEqual({ ok: true, providerMessageId: String(provider.received[0].msgid) });
    expect(second).toMatchObject({ ok: true });
    expect(provider.tokensIssued()).toBe(1);
    expect(provider.received[0]).toMatchObject({
      touser: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', template_id: 'TPL-progress-1', url: 'https://status.example.cn/s/def', client_msg_id: 'progress-1',
    });
    expect(provider.received[0].data.keyword1).toEqual({ value: 'GZ01-2026-0002' });
  });

  it('refetches the token when WeChat says it expired, and the message goes through once', async () => {
    await adapter.send(message(1), credentials, { timeoutMs: 5000 });
    provider.expireTokens();
    expect(await adapter.send(message(2), credentials, { timeoutMs: 5000 })).toMatchObject({ ok: true });
    expect(provider.tokensIssued()).toBe(2);
    expect(provider.received.map((m) => m.client_msg_id)).toEqual(['progress-1', 'progress-2']);
  });

  it('a wrong secret is refused by the server, not retryable, and the reason does not quote the secret', async () => {
    const wrong = 'wx-wrong-secret-value';
    const result = await adapter.send(message(3), { ...credentials, appSecret: wrong }, { timeoutMs: 5000 });
    expect(result).toEqual({ ok: false, retryable: false, reason: 'WECHAT token 40125: invalid appsecret' });
    expect(JSON.stringify(result)).not.toContain(wrong);
    expect(provider.received).toHaveLength(0);
  });

  it('an outage is retryable, and the next attempt goes through', async () => {
    provider.failNext(1, 'outage');
    expect(await adapter.send(message(4), credentials, { timeoutMs: 5000 })).toEqual({ ok: false, retryable: true, reason: 'WECHAT HTTP 503' });
    expect(await adapter.send(message(4), credentials, { timeoutMs: 5000 })).toMatchObject({ ok: true });
    expect(provider.received).toHaveLength(1);
  });

  it('a follower who unsubscribed is a refusal; system busy is retryable', async () => {
    provider.failNext(1, 'refuse', '43004');
    expect(await adapter.send(message(5), credentials, { timeoutMs: 5000 })).toEqual({ ok: false, retryable: false, reason: 'WECHAT 43004: require subscribe' });
    provider.failNext(1, 'refuse', '-1');
    expect(await adapter.send(message(5), credentials, { timeoutMs: 5000 })).toMatchObject({ ok: false, retryable: true });
  });

  it('gives up after the time limit, retryably', async () => {
    provider.failNext(1, 'timeout');
    expect(await adapter.send(message(6), credentials, { timeoutMs: 300 })).toEqual({ ok: false, retryable: true, reason: 'WECHAT timeout after 300 ms' });
  });

  it('an unreachable endpoint is retryable, and the reason holds neither the secret nor the token URL', async () => {
    await provider.stop();
    const result = await adapter.send(message(7), credentials, { timeoutMs: 2000 });
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(JSON.stringify(result)).not.toMatch(new RegExp(`${APP_SECRET}|cgi-bin|secret=`));
    provider = await startWechatProvider({ appId: 'x', appSecret: 'y' });
  });
});
