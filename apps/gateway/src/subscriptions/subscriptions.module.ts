import { Module } from '@nestjs/common';
import { ComplaintsModule } from '../complaints/complaints.module';
import { OrganisationModule } from '../organisation/organisation.module';
import { ChangeListenerService } from './services/change-listener.service';
import { SubscriptionsService } from './services/subscriptions.service';
import { SubscriptionsResolver } from './subscriptions.resolver';

/** Live updates over graphql-ws, delivered across gateways through PostgreSQL LISTEN/NOTIFY. */
@Module({
  imports: [ComplaintsModule, OrganisationModule],
  providers: [ChangeListenerService, SubscriptionsService, SubscriptionsResolver],
  exports: [SubscriptionsService],
})
export class SubscriptionsModule {}
