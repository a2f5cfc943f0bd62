import { Module } from '@nestjs/common';
import { BranchCalendarResolver, BranchResolver, CompanyResolver, TenantResolver, UserResolver } from './organisation.resolver';
import { OrganisationService } from './services/organisation.service';

@Module({
  providers: [OrganisationService, TenantResolver, CompanyResolver, BranchResolver, BranchCalendarResolver, UserResolver],
  exports: [OrganisationService],
})
export class OrganisationModule {}
