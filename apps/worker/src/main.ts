import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NativeConnection } from '@temporalio/worker';
import { ComplaintActivitiesService } from './activities/complaint.activities';
import { installTemporalRuntime } from './temporal-runtime';
import { workerConfig } from './worker.config';
import { createComplaintWorker } from './worker.factory';
import { WorkerModule } from './worker.providers';

async function main(): Promise<void> {
  const config = workerConfig();
  installTemporalRuntime();
  const app = await NestFactory.createApplicationContext(WorkerModule, { logger: ['error', 'warn'] });
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const worker = await createComplaintWorker({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    activities: app.get(ComplaintActivitiesService),
  });
  console.log(`worker: polling task queue "${config.taskQueue}" on ${config.temporalAddress}`);
  // Worker.run() resolves after SIGINT/SIGTERM once in-flight tasks are done (the SDK installs the handlers).
  await worker.run();
  await connection.close();
  await app.close();
}

main().catch((err) => {
  console.error('worker: fatal', err);
  process.exit(1);
});
