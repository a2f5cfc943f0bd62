import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/auth.guard';
import { Principal } from '../auth/principal';
import { MessageChannelInfoDto } from './dtos/message-channel.dto';
import { SetMessageChannelArgs } from './dtos/message-channel.input';
import { MessageChannelsService } from './services/message-channels.service';

@Resolver(() => MessageChannelInfoDto)
export class MessageChannelsResolver {
  constructor(private readonly channels: MessageChannelsService) {}

  @Mutation(() => MessageChannelInfoDto, { description: 'HEAD_OFFICE: sets a channel\'s credentials (validated, stored encrypted; secrets are never returned)' })
  setMessageChannel(@CurrentPrincipal() p: Principal, @Args() a: SetMessageChannelArgs): Promise<MessageChannelInfoDto> {
    return this.channels.setMessageChannel(p, a.channel, a.config);
  }

  @Query(() => [MessageChannelInfoDto], { description: 'HEAD_OFFICE: every message channel, whether it is configured, and a summary without secrets' })
  messageChannels(@CurrentPrincipal() p: Principal): Promise<MessageChannelInfoDto[]> {
    return this.channels.messageChannels(p);
  }
}
