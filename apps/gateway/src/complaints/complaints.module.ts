import { Module } from '@nestjs/common';
import { OrganisationModule } from '../organisation/organisation.module';
import { PolicyModule } from '../policy/policy.module';
import { TextModule } from '../text/text.module';
import { ComplaintsResolver, SpecialReportResolver } from './complaints.resolver';
import { TenantWriteBudget } from '../common/write-budget';
import { ComplaintEngineService } from './services/complaint-engine.service';
import { ComplaintsService } from './services/complaints.service';

@Module({
  imports: [OrganisationModule, PolicyModule, TextModule],
  providers: [ComplaintsService, ComplaintEngineService, TenantWriteBudget, ComplaintsResolver, SpecialReportResolver],
  exports: [TenantWriteBudget, ComplaintsService],
})
export class ComplaintsModule {}
