import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MESSAGE_CHANNELS, MessageChannel } from '../../../../../libs/notifications/src/channel';
import { JSONScalar } from '../../common/json.scalar';

export const MessageChannelEnum = Object.fromEntries(MESSAGE_CHANNELS.map((c) => [c, c])) as { [C in MessageChannel]: C };
registerEnumType(MessageChannelEnum, { name: 'MessageChannel', description: 'how a customer is sent messages: SMS, WeChat template message, e-mail' });

@ObjectType('MessageChannelInfo')
export class MessageChannelInfoDto {
  @Field(() => MessageChannelEnum) channel!: MessageChannel;
  @Field({ description: 'true when the group has credentials for this channel' }) configured!: boolean;
  @Field(() => Date, { nullable: true, description: 'when the credentials were last set' }) updatedAt!: Date | null;
  @Field(() => JSONScalar, {
    nullable: true,
    description: 'what is configured, without secrets: endpoint or host, account ids masked to their last 4 characters, sign, template, sender',
  })
  summary!: Record<string, unknown> | null;
}
