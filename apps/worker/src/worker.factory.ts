import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import * as path from 'path';
import { CalendarActivitiesService, calendarActivities } from './activities/calendar.activities';
import { ComplaintActivitiesService, complaintActivities } from './activities/complaint.activities';
import { ReviewActivitiesService } from './activities/review.activities';
import { MatterActivitiesService, matterActivities } from './activities/matter.activities';
import { EscalationActivitiesService, escalationActivities } from './activities/escalation.activities';
import { WorkOrderActivitiesService, workOrderActivities } from './activities/work-order.activities';
import { DailyReportActivitiesService, dailyReportActivities } from './activities/daily-report.activities';
import { CategoryModelActivitiesService, categoryModelActivities } from './activities/category-model.activities';
import { requestIdActivityInterceptors } from './observability/activity-interceptors';
import { WORKFLOW_INTERCEPTOR_MODULES } from './observability/workflow-interceptor-modules';
import { WorkerCacheOptions, workerCacheOptions } from './worker.config';

// index.ts under ts-node, index.js in the built image: let the resolver pick.
export const WORKFLOWS_PATH = require.resolve(path.join(__dirname, '..', '..', '..', 'workflows'));

/** Builds the complaint worker; tests pass a pre-built bundle to skip re-bundling. */
export async function createComplaintWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ComplaintActivitiesService;
  reviews: ReviewActivitiesService;
  calendar: CalendarActivitiesService;
  matters: MatterActivitiesService;
  escalations: EscalationActivitiesService;
  workOrders: WorkOrderActivitiesService;
  dailyReports: DailyReportActivitiesService;
  categoryModels: CategoryModelActivitiesService;
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Sticky cache and workflow-task concurrency; from the environment when absent (worker.config.ts). */
  cache?: WorkerCacheOptions;
}): Promise<Worker> {
  const cache = opts.cache ?? workerCacheOptions();
  return Worker.create({
    connection: opts.connection,
    maxCachedWorkflows: cache.maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: cache.maxConcurrentWorkflowTaskExecutions,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: {
      ...complaintActivities(opts.activities),
      recordWeeklyReview: opts.reviews.recordWeeklyReview.bind(opts.reviews),
      ...calendarActivities(opts.calendar),
      ...matterActivities(opts.matters),
      ...escalationActivities(opts.escalations),
      ...workOrderActivities(opts.workOrders),
      ...dailyReportActivities(opts.dailyReports),
      ...categoryModelActivities(opts.categoryModels),
    },
    // The request id from the workflow's headers into each activity's log lines. A pre-built bundle must
    // have been built with WORKFLOW_INTERCEPTOR_MODULES (the SDK ignores workflowModules then).
    interceptors: { activity: [requestIdActivityInterceptors], ...(opts.workflowBundle || process.env.WORKFLOW_BUNDLE_PATH ? {} : { workflowModules: WORKFLOW_INTERCEPTOR_MODULES }) },
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : process.env.WORKFLOW_BUNDLE_PATH
        ? { workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH } }
        : { workflowsPath: WORKFLOWS_PATH }),
  });
}
