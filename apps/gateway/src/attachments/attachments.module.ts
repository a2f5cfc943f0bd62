import { Module } from '@nestjs/common';
import { DiskAttachmentStore } from '../../../../libs/persistence/src/attachment-store';
import { GATEWAY_CONFIG, GatewayConfig } from '../common/gateway.config';
import { ComplaintsModule } from '../complaints/complaints.module';
import { attachmentSettings } from './attachment.util';
import { ComplaintAttachmentsResolver } from './attachments.resolver';
import { ATTACHMENT_STORE, AttachmentsService } from './services/attachments.service';

@Module({
  imports: [ComplaintsModule],
  providers: [
    // The disk store; an S3-compatible one would be provided here instead (README "Attachments").
    { provide: ATTACHMENT_STORE, inject: [GATEWAY_CONFIG], useFactory: (config: GatewayConfig) => new DiskAttachmentStore(attachmentSettings(config).dir) },
    AttachmentsService,
    ComplaintAttachmentsResolver,
  ],
  exports: [AttachmentsService],
})
export class AttachmentsModule {}
