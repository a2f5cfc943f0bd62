import { Module } from '@nestjs/common';
import { OrganisationModule } from '../organisation/organisation.module';
import { ReportsResolver } from './reports.resolver';

@Module({ imports: [OrganisationModule], providers: [ReportsResolver] })
export class ReportsModule {}
