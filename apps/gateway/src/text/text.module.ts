import { Module } from '@nestjs/common';
import { ComplaintTextFieldsResolver, TextResolver } from './text.resolver';
import { TextService } from './services/text.service';

@Module({
  providers: [TextService, TextResolver, ComplaintTextFieldsResolver],
  exports: [TextService],
})
export class TextModule {}
