import { Module } from '@nestjs/common';
import { ComplaintsModule } from '../complaints/complaints.module';
import { OrganisationModule } from '../organisation/organisation.module';
import { ComplaintEscalationsResolver, EscalationsResolver } from './escalations.resolver';
import { EscalationsService } from './services/escalations.service';

@Module({
  imports: [ComplaintsModule, OrganisationModule],
  providers: [EscalationsService, EscalationsResolver, ComplaintEscalationsResolver],
})
export class EscalationsModule {}
