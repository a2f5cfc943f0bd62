import type { ChannelMessage, SmsCredentials } from '../channel';
import { SmsProvider, startSmsProvider } from '../../../../test/support/providers/sms-provider';
import { SmsAliyunAdapter, aliyunSignature } from './sms-aliyun';

const SECRET = 'sms-Secret/+=*!tenant-a';
const message = (n: number): ChannelMessage => ({
  id: `00000000-0000-4000-8000-00000000000${n}`, idempotencyKey: `ack-${n}`, recipient: '13800138000', subject: null,
  body: '【物业】您的投诉已受理，编号 GZ01-2026-0001，我们将在 11月30日 18:00 前答复您 (请勿回复)! *', variables: { reference: 'GZ01-2026-0001', branch: '天河服务中心' },
  link: 'https://status.example.cn/s/abc',
});

describe('SMS over Aliyun SendSms', () => {
  let provider: SmsProvider;
  let credentials: SmsCredentials;
  const adapter = new SmsAliyunAdapter();

  beforeEach(async () => {
    provider = await startSmsProvider({ accessKeyId: 'LTAI5tTestKeyId9xyz', accessKeySecret: SECRET });
    credentials = { channel: 'SMS', endpoint: provider.url, accessKeyId: 'LTAI5tTestKeyId9xyz', accessKeySecret: SECRET, signName: '阳光物业', templateCode: 'SMS_123456789' };
  });
  afterEach(() => provider.stop());

  it('signs as Aliyun documents it (the published DescribeRegions example)', () => {
    const params = {
      TimeStamp: '2016-02-23T12:46:24Z', Format: 'XML', AccessKeyId: 'testid', Action: 'DescribeRegions', SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf', Version: '2014-05-26', SignatureVersion: '1.0',
    };
    expect(aliyunSignature('GET', params, 'testsecret')).toBe('CT9X0VtwR86fNWSnsc6v8YGOjuE=');
  });

  it('sends a signed SendSms request the server verifies: sign, template, variables, the text and OutId', async () => {
    const result = await adapter.send(message(1), credentials, { timeoutMs: 5000 });
    expect(result).toEqual({ ok: true, providerMessageId: provider.received[0].bizId });
    expect(provider.received).toHaveLength(1);
    const sms = provider.received[0];
    expect(sms).toMatchObject({ phoneNumbers: '13800138000', signName: '阳光物业', templateCode: 'SMS_123456789', outId: 'ack-1' });
    expect(sms.templateParam).toEqual({ reference: 'GZ01-2026-0001', branch: '天河服务中心', content: message(1).body });
    expect(sms.params).toMatchObject({ Action: 'SendSms', Version: '2017-05-25', Format: 'JSON', SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0', RegionId: 'cn-hangzhou' });
  });

  it('is refused by the server when signed with another secret, and says so without the secret', async () => {
    const result = await adapter.send(message(2), { ...credentials, accessKeySecret: 'not-the-secret' }, { timeoutMs: 5000 });
    expect(result).toEqual({ ok: false, retryable: false, reason: expect.stringContaining('SignatureDoesNotMatch') });
    expect(provider.received).toHaveLength(0);
    expect(JSON.stringify(result)).not.toContain('not-the-secret');
  });

  it('an outage is retryable, and the next attempt goes through', async () => {
    provider.failNext(2, 'outage');
    const first = await adapter.send(message(3), credentials, { timeoutMs: 5000 });
    const second = await adapter.send(message(3), credentials, { timeoutMs: 5000 });
    expect(first).toEqual({ ok: false, retryable: true, reason: expect.stringContaining('ServiceUnavailable') });
    expect(second).toMatchObject({ ok: false, retryable: true });
    expect(await adapter.send(message(3), credentials, { timeoutMs: 5000 })).toMatchObject({ ok: true });
    expect(provider.received.map((r) => r.outId)).toEqual(['ack-3']);
  });

  it('throttling is retryable; a bad number is a refusal, with the provider code as the reason', async () => {
    provider.failNext(1, 'refuse', 'Throttling.User');
    expect(await adapter.send(message(4), credentials, { timeoutMs: 5000 })).toEqual({ ok: false, retryable: true, reason: expect.stringContaining('Throttling.User') });
    provider.failNext(1, 'refuse', 'isv.MOBILE_NUMBER_ILLEGAL');
    expect(await adapter.send(message(4), credentials, { timeoutMs: 5000 })).toEqual({ ok: false, retryable: false, reason: 'SMS isv.MOBILE_NUMBER_ILLEGAL: 非法手机号' });
    expect(provider.received).toHaveLength(0);
  });

  it('gives up after the time limit, retryably', async () => {
    provider.failNext(1, 'timeout');
    const started = Date.now();
    const result = await adapter.send(message(5), credentials, { timeoutMs: 300 });
    expect(result).toEqual({ ok: false, retryable: true, reason: 'SMS timeout after 300 ms' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('an unreachable endpoint is retryable and the reason names no secret or URL', async () => {
    await provider.stop();
    const result = await adapter.send(message(6), credentials, { timeoutMs: 2000 });
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(JSON.stringify(result)).not.toMatch(/Secret|127\.0\.0\.1/);
    provider = await startSmsProvider({ accessKeyId: 'x', accessKeySecret: 'y' });
  });
});
