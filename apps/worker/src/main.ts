import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NativeConnection } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { ensureCustomSearchAttributes } from '../../../libs/temporal-client/src/search-attributes';
import { ensureWeeklyReviewSchedule } from '../../../libs/temporal-client/src/weekly-review.schedule';
import { CalendarActivitiesService } from './activities/calendar.activities';
import { ComplaintActivitiesService } from './activities/complaint.activities';
import { ReviewActivitiesService } from './activities/review.activities';
import { MatterActivitiesService } from './activities/matter.activities';
import { EscalationActivitiesService } from './activities/escalation.activities';
import { WorkOrderActivitiesService } from './activities/work-order.activities';
import { DailyReportActivitiesService } from './activities/daily-report.activities';
import { CategoryModelActivitiesService } from './activities/category-model.activities';
import { ensureCategoryModelSchedule } from '../../../libs/temporal-client/src/category-model.schedule';
import { ensureDailyReportSchedules } from '../../../libs/temporal-client/src/daily-report.schedule';
import { installTemporalRuntime } from './temporal-runtime';
import { workerConfig } from './worker.config';
import { createComplaintWorker } from './worker.factory';
import { DATA_SOURCE, WorkerModule } from './worker.providers';
import { announce, nestLoggerFor } from '../../../libs/observability/src/logger';
import { workerLogger } from './observability/logger';
import { textAnalyzer } from '../../../libs/text/src/text-analyzer';
import { MessageDelivery, deliveryOptionsFromEnv } from './delivery/message-delivery';
import { closeChannelAdapters } from '../../../libs/notifications/src/channel';

const logger = workerLogger();

async function main(): Promise<void> {
  const config = workerConfig();
  installTemporalRuntime({ metricsPort: config.metricsPort, metricsHost: config.metricsHost });
  const app = await NestFactory.createApplicationContext(WorkerModule, { logger: nestLoggerFor(logger) });
  // jieba's dictionary loads once here, not on the first registration.
  textAnalyzer();
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const worker = await createComplaintWorker({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    activities: app.get(ComplaintActivitiesService),
    reviews: app.get(ReviewActivitiesService),
    calendar: app.get(CalendarActivitiesService),
    matters: app.get(MatterActivitiesService),
    escalations: app.get(EscalationActivitiesService),
    workOrders: app.get(WorkOrderActivitiesService),
    dailyReports: app.get(DailyReportActivitiesService),
    categoryModels: app.get(CategoryModelActivitiesService),
  });
  await ensureSchedules(app.get<DataSource>(DATA_SOURCE), config.temporalAddress, config.namespace, config.taskQueue);
  // scripts/infra/services.ts (WORKER_READY) and the test stack wait for "worker: polling": printed whatever LOG_LEVEL.
  announce(logger, { taskQueue: config.taskQueue, ...(config.metricsPort ? { metrics: `http://${config.metricsHost}:${config.metricsPort}/metrics` } : {}) },
    `worker: polling task queue "${config.taskQueue}" on ${config.temporalAddress}`);
  // The outbox's delivery loop (DELIVERY_ENABLED=false: this worker sends nothing; another one does).
  const delivery = process.env.DELIVERY_ENABLED === 'false' ? null
    : new MessageDelivery(app.get<DataSource>(DATA_SOURCE), deliveryOptionsFromEnv(process.env), config.temporalAddress, config.namespace, config.databaseUrl);
  delivery?.start();
  // Worker.run() resolves after SIGINT/SIGTERM once in-flight tasks are done (the SDK installs the handlers).
  await worker.run();
  await delivery?.stop();
  closeChannelAdapters();
  await connection.close();
  await app.close();
}

/** Every tenant's Monday review and nightly category-model schedules and every branch's daily report schedule exist (self-healing after a failed provisioning). */
async function ensureSchedules(ds: DataSource, address: string, namespace: string, taskQueue: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection, namespace });
    try {
      const created = await ensureCustomSearchAttributes(connection, namespace);
      if (created.length) logger.info({ namespace, searchAttributes: created }, `worker: search attribute(s) ${created.join(', ')} registered in namespace ${namespace}`);
    } catch (err) {
      logger.error(`worker: could not check the TenantId search attribute (${(err as Error).message}); create it: temporal operator search-attribute create --name TenantId --type Keyword -n ${namespace}`);
    }
    // The one cross-tenant read: tenant ids only, through a SECURITY DEFINER function (row-level security hides the rows).
    const tenants: { id: string }[] = await ds.query(`SELECT id FROM platform_tenant_ids() AS id`);
    for (const t of tenants) await ensureWeeklyReviewSchedule(client, { tenantId: t.id, taskQueue });
    // Each tenant's nightly retraining of its category classifier.
    for (const t of tenants) await ensureCategoryModelSchedule(client, { tenantId: t.id, taskQueue });
    // Each branch's daily report schedule, at its policy's time in its zone (read in each tenant's own transaction).
    for (const t of tenants) await ensureDailyReportSchedules(client, ds, t.id, taskQueue);
  } finally {
    await connection.close();
  }
}

main().catch((err: Error) => {
  logger.fatal({ err: { type: err?.name, message: err?.message, stack: err?.stack } }, 'worker: fatal');
  process.exit(1);
});
