import { ArgsType, Field } from '@nestjs/graphql';
import { Allow, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Length, Matches, Max, Min } from 'class-validator';
import { MESSAGE_CHANNELS, MessageChannel } from '../../../../../libs/notifications/src/channel';
import { JSONScalar } from '../../common/json.scalar';
import { REQUEST_ID } from '../../complaints/dtos/complaint.input';
import { MessageChannelEnum } from './message-channel.dto';

@ArgsType()
export class SetMessageChannelArgs {
  @Field(() => MessageChannelEnum) @IsIn(MESSAGE_CHANNELS) channel!: MessageChannel;

  @Field(() => JSONScalar, {
    description: 'the channel\'s settings. SMS: endpoint, accessKeyId, accessKeySecret, signName, templateCode (regionId). WECHAT: endpoint, appId, '
      + 'appSecret, templateId. EMAIL: host, port, secure, user, pass, from (fromName). A secret left out keeps the one stored.',
  })
  @Allow() config!: unknown;

  @Field(() => String, { nullable: true, description: 'the client\'s retry key (setting the same settings again changes nothing)' })
  @IsOptional() @Matches(REQUEST_ID, { message: 'requestId must be 1 to 128 printable ASCII characters without spaces' }) requestId?: string | null;
}

// The provider's endpoint: http(s), no user or password in it (credentials go in their own fields).
const ENDPOINT: Parameters<typeof IsUrl>[0] = { protocols: ['http', 'https'], require_protocol: true, require_tld: false, disallow_auth: true };
const ENDPOINT_MESSAGE = { message: 'endpoint must be an http(s) URL without credentials in it' };
const HOST = /^[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*$/;

/** Aliyun SMS (SendSms). */
export class SmsConfigInput {
  @IsUrl(ENDPOINT, ENDPOINT_MESSAGE) @Length(1, 512) endpoint!: string;
  @IsString() @Matches(/^[A-Za-z0-9]{4,128}$/, { message: 'accessKeyId must be 4 to 128 letters or digits' }) accessKeyId!: string;
  @IsString() @Length(1, 256) accessKeySecret!: string;
  @IsString() @Length(1, 64) signName!: string;
  @IsString() @Length(1, 64) templateCode!: string;
  @IsOptional() @Matches(/^[a-z0-9-]{1,32}$/, { message: 'regionId must be an Aliyun region id such as cn-hangzhou' }) regionId?: string;
}

/** A WeChat official account's template messages. */
export class WechatConfigInput {
  @IsUrl(ENDPOINT, ENDPOINT_MESSAGE) @Length(1, 512) endpoint!: string;
  @IsString() @Length(4, 64) appId!: string;
  @IsString() @Length(1, 256) appSecret!: string;
  @IsString() @Length(1, 128) templateId!: string;
}

// Any text but control characters, direction overrides and unpaired surrogates (a login or a password).
const PRINTABLE = /^[^\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ud800-\udfff]+$/u;

/** An SMTP account. */
export class EmailConfigInput {
  @IsString() @Matches(HOST, { message: 'host must be a host name or IPv4 address' }) @Length(1, 253) host!: string;
  @IsInt() @Min(1) @Max(65535) port!: number;
  @IsBoolean() secure!: boolean;
  @IsString() @Length(1, 256) @Matches(PRINTABLE, { message: 'user must not contain control, direction or unpaired surrogate characters' }) user!: string;
  @IsString() @Length(1, 256) @Matches(PRINTABLE, { message: 'pass must not contain control, direction or unpaired surrogate characters' }) pass!: string;
  // A pattern, not IsEmail: validator.js throws on unpaired surrogates instead of refusing them.
  @IsString() @Length(3, 254) @Matches(/^[^\s@\u0000-\u001f\u007f-\u009f]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, { message: 'from must be an e-mail address, e.g. service@estate.example' }) from!: string;
  @IsOptional() @IsString() @Length(1, 64) fromName?: string;
}

export const CONFIG_INPUTS: { [C in MessageChannel]: new () => object } = {
  SMS: SmsConfigInput,
  WECHAT: WechatConfigInput,
  EMAIL: EmailConfigInput,
};
