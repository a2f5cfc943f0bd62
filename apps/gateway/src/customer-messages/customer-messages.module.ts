import { Module } from '@nestjs/common';
import { ComplaintsModule } from '../complaints/complaints.module';
import { ComplaintMessagesResolver, CustomerMessagesResolver } from './customer-messages.resolver';
import { CustomerMessagesService } from './services/customer-messages.service';

@Module({
  imports: [ComplaintsModule],
  providers: [CustomerMessagesService, CustomerMessagesResolver, ComplaintMessagesResolver],
})
export class CustomerMessagesModule {}
