/**
 * Bundled only into the replay test's workflow bundle (workflows/replay.spec.ts): reports every
 * activity the workflow code schedules — with its arguments, i.e. the timeline events it writes —
 * through a sink that runs during replay too. The test derives what the corpus covers (deadline
 * kinds set, met and breached; PROJECTION_FAILED; DEADLINE_UNCOMPUTABLE; …) from what the current
 * code does when it replays the histories. It only observes: the commands are unchanged.
 */
import { proxySinks, Sinks, WorkflowInterceptorsFactory } from '@temporalio/workflow';

export interface ReplayCoverageSinks extends Sinks {
  replayCoverage: { activity(activityType: string, args: unknown[]): void };
}

const { replayCoverage } = proxySinks<ReplayCoverageSinks>();

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      scheduleLocalActivity(input, next) {
        replayCoverage.activity(input.activityType, input.args);
        return next(input);
      },
      scheduleActivity(input, next) {
        replayCoverage.activity(input.activityType, input.args);
        return next(input);
      },
    },
  ],
});
