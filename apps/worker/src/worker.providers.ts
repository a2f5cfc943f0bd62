import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { assertRowSecurityApplies } from '../../../libs/persistence/src/application-role';
import { createDataSource } from '../../../libs/persistence/src/data-source';
import { CalendarActivitiesService } from './activities/calendar.activities';
import { ComplaintActivitiesService } from './activities/complaint.activities';
import { ReviewActivitiesService } from './activities/review.activities';
import { MatterActivitiesService } from './activities/matter.activities';
import { EscalationActivitiesService } from './activities/escalation.activities';
import { WorkOrderActivitiesService } from './activities/work-order.activities';
import { DailyReportActivitiesService } from './activities/daily-report.activities';
import { CategoryModelActivitiesService } from './activities/category-model.activities';
import { workerConfig } from './worker.config';

export const DATA_SOURCE = Symbol('DATA_SOURCE');

/** The worker's Nest application context: activities and what they need, no HTTP and no GraphQL. */
@Module({
  providers: [
    {
      provide: DATA_SOURCE,
      useFactory: async (): Promise<DataSource> => {
        const ds = await createDataSource(workerConfig().databaseUrl).initialize();
        await assertRowSecurityApplies(ds);
        return ds;
      },
    },
    {
      provide: ComplaintActivitiesService,
      useFactory: (ds: DataSource) => new ComplaintActivitiesService(ds),
      inject: [DATA_SOURCE],
    },
    {
      provide: ReviewActivitiesService,
      useFactory: (ds: DataSource) => new ReviewActivitiesService(ds),
      inject: [DATA_SOURCE],
    },
    {
      provide: EscalationActivitiesService,
      useFactory: (ds: DataSource) => new EscalationActivitiesService(ds),
      inject: [DATA_SOURCE],
    },
    {
      provide: WorkOrderActivitiesService,
      useFactory: (ds: DataSource) => new WorkOrderActivitiesService(ds),
      inject: [DATA_SOURCE],
    },
    {
      provide: DailyReportActivitiesService,
      useFactory: (ds: DataSource) => new DailyReportActivitiesService(ds),
      inject: [DATA_SOURCE],
    },
    {
      provide: CategoryModelActivitiesService,
      useFactory: (ds: DataSource) => new CategoryModelActivitiesService(ds),
      inject: [DATA_SOURCE],
    },
    {
      provide: CalendarActivitiesService,
      useFactory: (ds: DataSource) => new CalendarActivitiesService(ds),
      inject: [DATA_SOURCE],
    },
    {
      provide: MatterActivitiesService,
      useFactory: (ds: DataSource) => new MatterActivitiesService(ds),
      inject: [DATA_SOURCE],
    },
  ],
  exports: [EscalationActivitiesService, ComplaintActivitiesService, ReviewActivitiesService, CalendarActivitiesService, MatterActivitiesService, WorkOrderActivitiesService, DailyReportActivitiesService, CategoryModelActivitiesService, DATA_SOURCE],
})
export class WorkerModule {}
