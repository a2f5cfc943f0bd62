import { channelAdapter } from '../libs/notifications/src/channel';
import { ChannelCredentialsRepository } from '../libs/persistence/src/channel-credentials.repository';
import { Group, provisionGroup } from './support/fixtures';
import { SmsProvider, startSmsProvider } from './support/providers/sms-provider';
import { Stack } from './support/stack';

const SET = `mutation($c: MessageChannel!, $config: JSON!, $r: String) {
  setMessageChannel(channel: $c, config: $config, requestId: $r) { channel configured updatedAt summary } }`;
const LIST = `query { messageChannels { channel configured updatedAt summary } }`;
const SMS_SECRET = 'Aliyun-AccessKey-Secret-7f3a9c';
const SMTP_PASS = 'smtp-Pass-word-4e1b';

describe('message channels: credentials per tenant', () => {
  let stack: Stack;
  let a: Group;
  let b: Group;
  let sms: SmsProvider;
  const smsConfig = () => ({ endpoint: sms.url, accessKeyId: 'LTAI5tKeyIdWxyz', accessKeySecret: SMS_SECRET, signName: '阳光物业', templateCode: 'SMS_100001' });

  beforeAll(async () => {
    stack = await Stack.start('message_channels', { worker: 'none' });
    a = await provisionGroup(stack, 'Channels A', 'pm-branch', 'MC01');
    b = await provisionGroup(stack, 'Channels B', 'pm-branch', 'MC02');
    sms = await startSmsProvider({ accessKeyId: 'LTAI5tKeyIdWxyz', accessKeySecret: SMS_SECRET });
  });
  afterAll(async () => {
    await sms?.stop();
    await stack?.stop();
  });

  it('the head office sets a channel; the answer, the list, the audit log and the row never hold the secret', async () => {
    const r = await stack.gql(SET, { c: 'SMS', config: smsConfig(), r: 'set-sms-1' }, a.tokens.headOffice);
    expect(r.errors).toBeUndefined();
    expect(r.data!.setMessageChannel).toEqual({
      channel: 'SMS', configured: true, updatedAt: expect.any(String),
      summary: { endpoint: sms.url, accessKeyId: '****Wxyz', signName: '阳光物业', templateCode: 'SMS_100001', regionId: 'cn-hangzhou' },
    });
    expect(JSON.stringify(r)).not.toContain(SMS_SECRET);
    expect(JSON.stringify(r)).not.toContain('LTAI5tKeyIdWxyz');

    const list = await stack.gql(LIST, {}, a.tokens.headOffice);
    expect(list.data!.messageChannels.map((c: { channel: string; configured: boolean }) => [c.channel, c.configured])).toEqual([['SMS', true], ['WECHAT', false], ['EMAIL', false]]);
    expect(JSON.stringify(list)).not.toContain(SMS_SECRET);

    const rows: { config: Buffer }[] = await stack.db.query(`SELECT config FROM channel_credentials WHERE tenant_id = $1`, [a.tenantId]);
    expect(rows).toHaveLength(1);
    expect(rows[0].config.toString('latin1')).not.toContain(SMS_SECRET);
    const audit: { entry: string }[] = await stack.db.query(`SELECT row_to_json(l)::text AS entry FROM audit_log l WHERE tenant_id = $1`, [a.tenantId]);
    expect(audit.some((l) => l.entry.includes('setMessageChannel'))).toBe(true);
    expect(audit.filter((l) => l.entry.includes(SMS_SECRET))).toEqual([]);
  });

  it('what was set is what a send uses: the provider verifies the signature made with the stored secret', async () => {
    const credentials = await new ChannelCredentialsRepository(stack.db).get(a.tenantId, 'SMS');
    expect(credentials).not.toBeNull();
    const result = await channelAdapter('SMS').send({
      id: '00000000-0000-4000-8000-000000000001', idempotencyKey: 'e2e-ack-1', recipient: '13900139000', subject: null,
      body: '您的投诉已受理，编号 MC01-0001。', variables: { reference: 'MC01-0001' }, link: null,
    }, credentials!, { timeoutMs: 5000 });
    expect(result).toMatchObject({ ok: true });
    expect(sms.received.map((m) => [m.phoneNumbers, m.outId, m.signName])).toEqual([['13900139000', 'e2e-ack-1', '阳光物业']]);
  });

  it('a secret left out keeps the stored one; other settings change', async () => {
    const { accessKeySecret: _omitted, ...rest } = smsConfig();
    const r = await stack.ok(SET, { c: 'SMS', config: { ...rest, templateCode: 'SMS_100002' } }, a.tokens.headOffice);
    expect(r.setMessageChannel.summary.templateCode).toBe('SMS_100002');
    const stored = await new ChannelCredentialsRepository(stack.db).get(a.tenantId, 'SMS');
    expect(stored).toMatchObject({ templateCode: 'SMS_100002', accessKeySecret: SMS_SECRET });
    // A channel never configured needs its secret.
    const missing = await stack.gql(SET, { c: 'WECHAT', config: { endpoint: 'https://api.weixin.qq.com', appId: 'wx0123456789abcdef', templateId: 'T1' } }, a.tokens.headOffice);
    expect(missing.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(missing.errors![0].extensions.fields).toEqual([{ field: 'config.appSecret', message: 'appSecret is required' }]);
  });

  it('refuses a bad configuration naming each field, without echoing a secret, and keeps the stored one', async () => {
    const r = await stack.gql(SET, {
      c: 'EMAIL', config: { host: 'smtp.example.cn', port: 70000, secure: 'yes', user: 'notify@example.cn', pass: SMTP_PASS, from: 'not-an-address', colour: 'red' },
    }, a.tokens.headOffice);
    expect(r.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const fields = [...new Set(r.errors![0].extensions.fields!.map((f) => f.field))].sort();
    expect(fields).toEqual(['config.colour', 'config.from', 'config.port', 'config.secure']);
    expect(JSON.stringify(r)).not.toContain(SMTP_PASS);

    const sms2 = await stack.gql(SET, { c: 'SMS', config: { ...smsConfig(), endpoint: 'ftp://user:pw@host', accessKeySecret: 42 } }, a.tokens.headOffice);
    expect(sms2.errors![0].extensions.fields!.map((f) => f.field).sort()).toEqual(['config.accessKeySecret', 'config.endpoint']);
    expect(await new ChannelCredentialsRepository(stack.db).get(a.tenantId, 'SMS')).toMatchObject({ accessKeySecret: SMS_SECRET, templateCode: 'SMS_100002' });

    const notObject = await stack.gql(SET, { c: 'SMS', config: 'endpoint=x' }, a.tokens.headOffice);
    expect(notObject.errors![0].extensions.fields!.map((f) => f.field)).toEqual(['config']);
  });

  it('only the head office sets or reads channels', async () => {
    const set = await stack.gql(SET, { c: 'SMS', config: smsConfig() }, a.tokens.dispatcher);
    expect(set.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const read = await stack.gql(LIST, {}, a.tokens.branchManager);
    expect(read.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it("another tenant sees nothing configured and cannot use the first tenant's credentials", async () => {
    const list = await stack.ok(LIST, {}, b.tokens.headOffice);
    expect(list.messageChannels).toEqual([
      { channel: 'SMS', configured: false, updatedAt: null, summary: null },
      { channel: 'WECHAT', configured: false, updatedAt: null, summary: null },
      { channel: 'EMAIL', configured: false, updatedAt: null, summary: null },
    ]);
    expect(await new ChannelCredentialsRepository(stack.db).get(b.tenantId, 'SMS')).toBeNull();
    // Its own e-mail settings leave the first tenant's untouched.
    await stack.ok(SET, { c: 'EMAIL', config: { host: '127.0.0.1', port: 2525, secure: false, user: 'b@example.cn', pass: SMTP_PASS, from: 'b@example.cn' } }, b.tokens.headOffice);
    const aList = await stack.ok(LIST, {}, a.tokens.headOffice);
    expect(aList.messageChannels.find((c: { channel: string }) => c.channel === 'EMAIL').configured).toBe(false);
  });
});
