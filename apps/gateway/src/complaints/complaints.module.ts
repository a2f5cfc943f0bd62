import { Module } from '@nestjs/common';
import { OrganisationModule } from '../organisation/organisation.module';
import { ComplaintsResolver, SpecialReportResolver } from './complaints.resolver';
import { ComplaintEngineService } from './services/complaint-engine.service';
import { ComplaintsService } from './services/complaints.service';

@Module({
  imports: [OrganisationModule],
  providers: [ComplaintsService, ComplaintEngineService, ComplaintsResolver, SpecialReportResolver],
})
export class ComplaintsModule {}
