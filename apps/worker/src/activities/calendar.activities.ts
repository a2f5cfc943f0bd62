import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { tenantTransaction } from '../../../../libs/persistence/src/tenant-transaction';
import type { BranchCalendar } from '../../../../libs/domain/src/calendar/calendar.types';
import type { ComplaintCursor } from '../../../../workflows/shared/calendar-propagation';
import { complaintWorkflowId } from '../../../../workflows/shared/ids';
import { calendarChangedSignal } from '../../../../workflows/shared/updates';
import type { CalendarActivities, OpenComplaintsPage, SignalCalendarResult } from './calendar.activities.types';

const OPEN = `status NOT IN ('CLOSED', 'WITHDRAWN', 'MERGED')`;

/** Progress of a page, heartbeated after every batch: a retried attempt resumes from it. */
interface SignalHeartbeat extends SignalCalendarResult {
  next: number;
}

/** The calendar propagation's side: page through a branch's open complaints, signal them at a pace. */
export class CalendarActivitiesService implements CalendarActivities {
  constructor(private readonly dataSource: DataSource) {}

  async openComplaintsPage(args: { tenantId: string; branchId: string; after: ComplaintCursor | null; limit: number; withTotal: boolean }): Promise<OpenComplaintsPage> {
    const { tenantId, branchId, after, limit } = args;
    // Keyset on (received_at, id), served by complaints_tenant_branch_received_idx: no OFFSET scans.
    const rows: { id: string; received_at: Date }[] = await tenantTransaction(this.dataSource, tenantId, (m) => m.query(
      `SELECT id, received_at FROM complaints
        WHERE tenant_id = $1 AND branch_id = $2 AND ${OPEN}
          AND ($3::timestamptz IS NULL OR (received_at, id) > ($3::timestamptz, $4::uuid))
        ORDER BY received_at, id LIMIT $5`,
      [tenantId, branchId, after?.receivedAt ?? null, after?.id ?? null, limit + 1],
    ));
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const next = rows.length > limit && last ? { receivedAt: new Date(last.received_at).toISOString(), id: last.id } : null;
    let total: number | undefined;
    if (args.withTotal) {
      const [{ n }] = await tenantTransaction(this.dataSource, tenantId, (m) => m.query(
        `SELECT count(*)::int AS n FROM complaints WHERE tenant_id = $1 AND branch_id = $2 AND ${OPEN}`, [tenantId, branchId],
      ));
      total = n;
    }
    return { complaintIds: page.map((r) => r.id), next, total };
  }

  async signalCalendarChange(args: {
    tenantId: string; branchId: string; calendar: BranchCalendar; changedBy: string; complaintIds: string[];
    concurrency: number; signalsPerSecond: number;
  }): Promise<SignalCalendarResult> {
    const ctx = Context.current();
    const client = ctx.client;
    const resumed = ctx.info.heartbeatDetails as SignalHeartbeat | undefined;
    const state: SignalHeartbeat = resumed ?? { next: 0, signalled: 0, skipped: 0, superseded: false };
    const minBatchMs = (n: number): number => (n * 1000) / args.signalsPerSecond;

    while (state.next < args.complaintIds.length) {
      const batch = args.complaintIds.slice(state.next, state.next + args.concurrency);
      const started = Date.now();
      // The batch is signalled while this propagation holds a share lock on the branch row, and only
      // if the row still has this calendar: a newer change's UPDATE waits for the batch, and this
      // propagation stops at its next batch. A complaint never receives an older calendar after a newer one.
      const current = await tenantTransaction(this.dataSource, args.tenantId, async (m) => {
        const still = await m.query(
          `SELECT 1 FROM branches WHERE id = $1 AND tenant_id = $2 AND calendar = $3::jsonb FOR SHARE`,
          [args.branchId, args.tenantId, JSON.stringify(args.calendar)],
        );
        if (still.length === 0) return false;
        await Promise.all(batch.map(async (complaintId) => {
          try {
            await client.workflow.getHandle(complaintWorkflowId(args.tenantId, complaintId)).signal(calendarChangedSignal, { tenantId: args.tenantId, calendar: args.calendar, changedBy: args.changedBy });
            state.signalled += 1;
          } catch (err) {
            // A complaint closed since the page was read: it has no clock left to move.
            if (!(err instanceof WorkflowNotFoundError)) throw err;
            state.skipped += 1;
          }
        }));
        return true;
      });
      if (!current) return { signalled: state.signalled, skipped: state.skipped, superseded: true };
      state.next += batch.length;
      ctx.heartbeat(state);
      const wait = minBatchMs(batch.length) - (Date.now() - started);
      // Context.sleep rejects when the propagation is cancelled, which ends the activity.
      if (wait > 0 && state.next < args.complaintIds.length) await ctx.sleep(wait);
    }
    return { signalled: state.signalled, skipped: state.skipped, superseded: false };
  }
}

export function calendarActivities(service: CalendarActivitiesService): CalendarActivities {
  return {
    openComplaintsPage: service.openComplaintsPage.bind(service),
    signalCalendarChange: service.signalCalendarChange.bind(service),
  };
}
