import { Module } from '@nestjs/common';
import { OrganisationModule } from '../organisation/organisation.module';
import { ReportsResolver } from './reports.resolver';
import { ReportFiguresResolver } from './report-figures.resolver';
import { ReportsService } from './services/reports.service';
import { DailyReportResolver, DailyReportSnapshotResolver } from './daily-report.resolver';
import { DailyReportService } from './daily-report.service';

@Module({
  imports: [OrganisationModule],
  providers: [ReportsResolver, DailyReportService, DailyReportResolver, DailyReportSnapshotResolver, ReportsService, ReportFiguresResolver],
  exports: [ReportsService],
})
export class ReportsModule {}
