import type { ChannelMessage, EmailCredentials } from '../channel';
import { SmtpProvider, startSmtpProvider } from '../../../../test/support/providers/smtp-provider';
import { EmailSmtpAdapter } from './email-smtp';

const PASS = 'smtp-pass-S3cret!';
const message = (n: number): ChannelMessage => ({
  id: `00000000-0000-4000-8000-00000000020${n}`, idempotencyKey: `result-${n}`, recipient: 'zhang@example.cn', subject: '您的投诉已处理完毕',
  body: '张女士您好：\n您反映的电梯故障（编号 GZ01-2026-0003）已修复。\n\n如有疑问请致电 020-12345678。', variables: { reference: 'GZ01-2026-0003' },
  link: 'https://status.example.cn/s/ghi',
});

describe('e-mail over SMTP', () => {
  let server: SmtpProvider;
  let credentials: EmailCredentials;
  let adapter: EmailSmtpAdapter;

  beforeEach(async () => {
    server = await startSmtpProvider({ user: 'notify@example.cn', pass: PASS });
    credentials = { channel: 'EMAIL', host: server.host, port: server.port, secure: false, user: 'notify@example.cn', pass: PASS, from: 'notify@example.cn', fromName: '阳光物业客服' };
    adapter = new EmailSmtpAdapter();
  });
  afterEach(async () => {
    adapter.close();
    await server.stop();
  });

  it('delivers the text, an HTML part with the link, the subject and a Message-ID from the idempotency key', async () => {
    const result = await adapter.send(message(1), credentials, { timeoutMs: 5000 });
    expect(result).toEqual({ ok: true, providerMessageId: '<result-1@example.cn>' });
    expect(server.received).toHaveLength(1);
    const mail = server.received[0];
    expect(mail).toMatchObject({ messageId: '<result-1@example.cn>', from: 'notify@example.cn', to: ['zhang@example.cn'], subject: '您的投诉已处理完毕', user: 'notify@example.cn' });
    expect(mail.text).toContain('编号 GZ01-2026-0003');
    expect(mail.text).toContain('https://status.example.cn/s/ghi');
    expect(mail.html).toContain('<a href="https://status.example.cn/s/ghi">');
  });

  it('a wrong password is refused by the server (535), not retryable, and not quoted', async () => {
    const result = await adapter.send(message(2), { ...credentials, pass: 'wrong-password-xyz' }, { timeoutMs: 5000 });
    expect(result).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('EMAIL 535') });
    expect(JSON.stringify(result)).not.toContain('wrong-password-xyz');
    expect(server.authFailures()).toBe(1);
    expect(server.received).toHaveLength(0);
  });

  it('a temporary failure (451) is retryable, and the next attempt goes through once', async () => {
    server.failNext(1, 'outage');
    expect(await adapter.send(message(3), credentials, { timeoutMs: 5000 })).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('EMAIL 451') });
    expect(await adapter.send(message(3), credentials, { timeoutMs: 5000 })).toMatchObject({ ok: true });
    expect(server.received.map((m) => m.messageId)).toEqual(['<result-3@example.cn>']);
  });

  it('a refused mailbox (550) is not retryable', async () => {
    server.failNext(1, 'refuse');
    expect(await adapter.send(message(4), credentials, { timeoutMs: 5000 })).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('EMAIL 550') });
  });

  it('gives up after the time limit, retryably, and the next send uses a fresh connection', async () => {
    server.failNext(1, 'timeout');
    expect(await adapter.send(message(5), credentials, { timeoutMs: 500 })).toEqual({ ok: false, retryable: true, reason: 'EMAIL timeout after 500 ms' });
    expect(await adapter.send(message(6), credentials, { timeoutMs: 5000 })).toMatchObject({ ok: true });
    expect(server.received.map((m) => m.messageId)).toEqual(['<result-6@example.cn>']);
  });

  it('an unreachable server is retryable', async () => {
    const result = await adapter.send(message(7), { ...credentials, port: 1 }, { timeoutMs: 2000 });
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(JSON.stringify(result)).not.toContain(PASS);
  });
});
