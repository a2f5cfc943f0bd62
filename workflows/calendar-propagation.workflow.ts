import { continueAsNew, proxyActivities, setHandler } from '@temporalio/workflow';
import type { CalendarActivities } from './shared/calendar.activities.types';
import {
  CALENDAR_PROPAGATION_BOUNDS, CALENDAR_PROPAGATION_DEFAULTS, CalendarPropagationCounts, CalendarPropagationInput,
  CalendarPropagationProgress, CalendarPropagationStatus, calendarPropagationProgressQuery,
} from './shared/calendar-propagation';

const { openComplaintsPage } = proxyActivities<CalendarActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

const clamp = (v: number | undefined, fallback: number, b: { min: number; max: number }): number =>
  Math.min(b.max, Math.max(b.min, Math.floor(Number.isFinite(v) ? (v as number) : fallback)));

/**
 * Tells the running complaints of one branch that its calendar changed, one page per run: list a
 * page of open complaints (keyset), signal them at a bounded pace from an activity, then continue
 * as new with the cursor. The history stays a dozen events whatever the branch's size, and the
 * platform sees at most `signalsPerSecond` signals per change however many complaints are open.
 * A newer change of the same branch supersedes this one (the activity sees the branch's calendar
 * differ and stops), so complaints always end on the last calendar.
 */
export async function calendarPropagationWorkflow(input: CalendarPropagationInput): Promise<CalendarPropagationProgress> {
  const pageSize = clamp(input.pageSize, CALENDAR_PROPAGATION_DEFAULTS.pageSize, CALENDAR_PROPAGATION_BOUNDS.pageSize);
  const concurrency = clamp(input.concurrency, CALENDAR_PROPAGATION_DEFAULTS.concurrency, CALENDAR_PROPAGATION_BOUNDS.concurrency);
  const signalsPerSecond = clamp(input.signalsPerSecond, CALENDAR_PROPAGATION_DEFAULTS.signalsPerSecond, CALENDAR_PROPAGATION_BOUNDS.signalsPerSecond);
  const counts: CalendarPropagationCounts = { ...(input.counts ?? { total: 0, signalled: 0, skipped: 0 }) };
  let status: CalendarPropagationStatus = 'RUNNING';
  const progress = (): CalendarPropagationProgress => ({ ...counts, status, done: counts.signalled + counts.skipped });
  setHandler(calendarPropagationProgressQuery, progress);

  const first = !input.counts;
  const page = await openComplaintsPage({ tenantId: input.tenantId, branchId: input.branchId, after: input.cursor ?? null, limit: pageSize, withTotal: first });
  if (first) counts.total = page.total ?? page.complaintIds.length;

  if (page.complaintIds.length > 0) {
    // Pacing a page takes pageSize / signalsPerSecond seconds; the heartbeat proves it is alive.
    const pageSeconds = Math.ceil(page.complaintIds.length / signalsPerSecond);
    const { signalCalendarChange } = proxyActivities<CalendarActivities>({
      startToCloseTimeout: `${60 + 3 * pageSeconds} seconds`,
      heartbeatTimeout: '30 seconds',
      retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
    });
    const r = await signalCalendarChange({
      tenantId: input.tenantId, branchId: input.branchId, calendar: input.calendar, changedBy: input.changedBy,
      complaintIds: page.complaintIds, concurrency, signalsPerSecond,
    });
    counts.signalled += r.signalled;
    counts.skipped += r.skipped;
    if (r.superseded) {
      status = 'SUPERSEDED';
      return progress();
    }
  }
  if (page.next === null) {
    status = 'DONE';
    return progress();
  }
  return continueAsNew<typeof calendarPropagationWorkflow>({ ...input, cursor: page.next, counts });
}
