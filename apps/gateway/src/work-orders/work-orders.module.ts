import { Module } from '@nestjs/common';
import { ComplaintsModule } from '../complaints/complaints.module';
import { OrganisationModule } from '../organisation/organisation.module';
import { PolicyModule } from '../policy/policy.module';
import { ContractorsService } from './services/contractors.service';
import { WorkOrderEngineService } from './services/work-order-engine.service';
import { WorkOrdersService } from './services/work-orders.service';
import {
  ComplaintWorkOrdersResolver, ContractorScoreResolver, ContractorsResolver, WorkOrderAttemptResolver, WorkOrderEventResolver, WorkOrdersResolver,
} from './work-orders.resolver';

/** Work orders to contractors (domain.md §6): issue, act, read, score; contractors and their trades. */
@Module({
  imports: [ComplaintsModule, OrganisationModule, PolicyModule],
  providers: [
    WorkOrderEngineService, WorkOrdersService, ContractorsService, WorkOrdersResolver, WorkOrderAttemptResolver, WorkOrderEventResolver,
    ContractorScoreResolver, ContractorsResolver, ComplaintWorkOrdersResolver,
  ],
})
export class WorkOrdersModule {}
