import { Module } from '@nestjs/common';
import { MessageChannelsResolver } from './message-channels.resolver';
import { MessageChannelsService } from './services/message-channels.service';

@Module({ providers: [MessageChannelsService, MessageChannelsResolver] })
export class MessageChannelsModule {}
