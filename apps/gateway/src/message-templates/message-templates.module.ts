import { Module } from '@nestjs/common';
import { MessageTemplatesResolver } from './message-templates.resolver';
import { MessageTemplatesService } from './services/message-templates.service';

@Module({
  providers: [MessageTemplatesService, MessageTemplatesResolver],
  exports: [MessageTemplatesService],
})
export class MessageTemplatesModule {}
