import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validate } from 'class-validator';
import { DataSource } from 'typeorm';
import { holdsRole } from '../../../../../libs/domain/src/permissions/permission.util';
import { ChannelCredentials, MESSAGE_CHANNELS, MessageChannel, SECRET_FIELDS } from '../../../../../libs/notifications/src/channel';
import { CredentialDecryptError } from '../../../../../libs/notifications/src/credential-cipher';
import { ChannelCredentialsRepository, StoredChannelCredentials } from '../../../../../libs/persistence/src/channel-credentials.repository';
import { tenantOf } from '../../auth/auth.service';
import { Principal } from '../../auth/principal';
import { BadUserInputError, FieldIssue, ForbiddenError } from '../../common/app-error';
import { InjectDataSource } from '../../common/database.provider';
import { CONFIG_INPUTS } from '../dtos/message-channel.input';
import { MessageChannelInfoDto } from '../dtos/message-channel.dto';

const HEAD_OFFICE_ONLY = 'only the head office configures how customers are sent messages';

/** The group's message channels: credentials per channel, stored encrypted, never shown back. */
@Injectable()
export class MessageChannelsService {
  private readonly credentials: ChannelCredentialsRepository;

  constructor(@InjectDataSource() ds: DataSource) {
    // Made at startup: without CREDENTIALS_KEY in production the gateway refuses to start.
    this.credentials = new ChannelCredentialsRepository(ds);
  }

  /**
   * Validates the channel's settings and stores them (replacing the previous ones). A secret field
   * left out keeps the stored secret, so a head office can change a template without retyping it.
   */
  async setMessageChannel(p: Principal, channel: MessageChannel, config: unknown): Promise<MessageChannelInfoDto> {
    const tenantId = tenantOf(p);
    if (!holdsRole(p, ['HEAD_OFFICE'])) throw new ForbiddenError(HEAD_OFFICE_ONLY);
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new BadUserInputError([{ field: 'config', message: 'config must be an object of the channel\'s settings' }]);
    }
    const given = { ...(config as Record<string, unknown>) };
    // The discriminator is ours: the channel argument decides it.
    delete given.channel;
    const stored = await this.readable(tenantId, channel);
    for (const field of SECRET_FIELDS[channel]) {
      if ((given[field] === undefined || given[field] === null) && stored) given[field] = (stored.credentials as unknown as Record<string, unknown>)[field];
    }
    const input = plainToInstance(CONFIG_INPUTS[channel], given);
    const errors = await validate(input, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false });
    if (errors.length) throw new BadUserInputError(issues(errors, given, 'config'));
    const credentials = { ...(input as Record<string, unknown>), channel } as ChannelCredentials;
    return info(await this.credentials.put(tenantId, credentials, p.userId));
  }

  /** Every channel, configured or not, with a summary that holds no secret. */
  async messageChannels(p: Principal): Promise<MessageChannelInfoDto[]> {
    const tenantId = tenantOf(p);
    if (!holdsRole(p, ['HEAD_OFFICE'])) throw new ForbiddenError(HEAD_OFFICE_ONLY);
    const list: MessageChannelInfoDto[] = [];
    for (const channel of MESSAGE_CHANNELS) {
      try {
        const stored = await this.credentials.getStored(tenantId, channel);
        list.push(stored ? info(stored) : { channel, configured: false, updatedAt: null, summary: null });
      } catch (err) {
        if (!(err instanceof CredentialDecryptError)) throw err;
        // Stored under another key (CREDENTIALS_KEY changed): configured, but it has to be set again.
        list.push({ channel, configured: true, updatedAt: null, summary: { unreadable: 'stored under another CREDENTIALS_KEY: set this channel again' } });
      }
    }
    return list;
  }

  private async readable(tenantId: string, channel: MessageChannel): Promise<StoredChannelCredentials | null> {
    try {
      return await this.credentials.getStored(tenantId, channel);
    } catch (err) {
      if (err instanceof CredentialDecryptError) return null;
      throw err;
    }
  }
}

/**
 * class-validator's errors as one issue per field, named from the argument (`config.accessKeySecret`);
 * never the value given (it may be a secret).
 */
function issues(errors: ValidationError[], given: Record<string, unknown>, prefix: string): FieldIssue[] {
  return errors.map((e) => {
    const name = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(e.property) ? e.property : '*';
    const field = `${prefix}.${name}`;
    const messages = Object.values(e.constraints ?? {});
    if (messages.some((m) => m.startsWith('property '))) return { field, message: `${name} is not a setting of this channel` };
    if (given[e.property] === undefined || given[e.property] === null) return { field, message: `${name} is required` };
    return { field, message: messages.join('; ') };
  });
}

/** Masks an account id to its last 4 characters. */
export function maskId(id: string): string {
  return id.length <= 4 ? '****' : `****${id.slice(-4)}`;
}

/** What the head office sees of stored credentials: no secret, ids masked. */
export function summaryOf(c: ChannelCredentials): Record<string, unknown> {
  switch (c.channel) {
    case 'SMS':
      return { endpoint: c.endpoint, accessKeyId: maskId(c.accessKeyId), signName: c.signName, templateCode: c.templateCode, regionId: c.regionId ?? 'cn-hangzhou' };
    case 'WECHAT':
      return { endpoint: c.endpoint, appId: maskId(c.appId), templateId: c.templateId };
    case 'EMAIL':
      return { host: c.host, port: c.port, secure: c.secure, user: c.user, from: c.from, fromName: c.fromName ?? null };
  }
}

function info(s: StoredChannelCredentials): MessageChannelInfoDto {
  return { channel: s.channel, configured: true, updatedAt: s.updatedAt, summary: summaryOf(s.credentials) };
}
