import { EmailSmtpAdapter } from './channels/email-smtp';
import { SmsAliyunAdapter } from './channels/sms-aliyun';
import { WechatTemplateAdapter } from './channels/wechat-template';

export const MESSAGE_CHANNELS = ['SMS', 'WECHAT', 'EMAIL'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

/** One message as a channel sends it. */
export interface ChannelMessage {
  id: string; // outbound_messages.id (uuid)
  idempotencyKey: string; // the provider's dedupe key (SMS OutId, e-mail Message-ID, WeChat client_msg_id)
  recipient: string; // phone (SMS), WeChat openid, e-mail address
  subject: string | null; // e-mail subject / WeChat "first" line
  body: string; // rendered text (Chinese)
  variables: Record<string, string>; // the template's variables (SMS TemplateParam, WeChat data keywords)
  link: string | null; // the status page link (WeChat template url, e-mail)
}

export type SendResult =
  | { ok: true; providerMessageId: string }
  | { ok: false; retryable: boolean; reason: string }; // reason: the provider's own code/message, never credentials

export interface ChannelAdapter {
  readonly channel: MessageChannel;
  send(message: ChannelMessage, credentials: ChannelCredentials, opts: { timeoutMs: number }): Promise<SendResult>;
}

/** Aliyun SMS (dysmsapi SendSms). `endpoint` e.g. https://dysmsapi.aliyuncs.com */
export interface SmsCredentials {
  channel: 'SMS';
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  templateCode: string;
  /** Defaults to cn-hangzhou (the region SendSms is served from). */
  regionId?: string;
}

/** A WeChat official account's template messages. `endpoint` e.g. https://api.weixin.qq.com */
export interface WechatCredentials {
  channel: 'WECHAT';
  endpoint: string;
  appId: string;
  appSecret: string;
  templateId: string;
}

/** An SMTP account (nodemailer). */
export interface EmailCredentials {
  channel: 'EMAIL';
  host: string;
  port: number;
  /** TLS from the first byte (port 465); false: plain, upgraded with STARTTLS when the server offers it. */
  secure: boolean;
  user: string;
  pass: string;
  /** The sender's address; `fromName` is shown beside it. */
  from: string;
  fromName?: string;
}

export type ChannelCredentials = SmsCredentials | WechatCredentials | EmailCredentials;

export { SECRET_FIELDS } from './channels/send-support';

const ADAPTERS: { [C in MessageChannel]?: ChannelAdapter } = {};

/** The adapter of a channel (one per process: the WeChat token and SMTP transport caches live in it). */
export function channelAdapter(channel: MessageChannel): ChannelAdapter {
  const known = ADAPTERS[channel];
  if (known) return known;
  const made = channel === 'SMS' ? new SmsAliyunAdapter() : channel === 'WECHAT' ? new WechatTemplateAdapter() : new EmailSmtpAdapter();
  ADAPTERS[channel] = made;
  return made;
}

/** Closes what the adapters hold open (SMTP connections): the worker's shutdown, tests. */
export function closeChannelAdapters(): void {
  const email = ADAPTERS.EMAIL;
  if (email instanceof EmailSmtpAdapter) email.close();
  delete ADAPTERS.EMAIL;
}
