import { Client, ScheduleAlreadyRunning, ScheduleDescription } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import type { Policy } from '../../domain/src/policy/policy.types';
import { reportsPolicyOf } from '../../domain/src/policy/policy.util';
import { tenantTransaction } from '../../persistence/src/tenant-transaction';
import { dailyReportScheduleOptions } from '../../../workflows/shared/schedules';

/** Where and when a branch's daily report is built: the branch's zone, the policy's `reports` section. */
export interface DailyReportScheduleTarget {
  tenantId: string;
  branchId: string;
  taskQueue: string;
  /** The branch's IANA time zone. */
  timezone: string;
  /** The policy's `reports.dailyReportAt`, "HH:MM" local time. */
  at: string;
  /** The policy's `reports.enabled`: false pauses the schedule (it is kept, so switching back on resumes it). */
  enabled: boolean;
}

/**
 * Makes sure the branch's daily report runs as a Temporal Schedule (idempotent). Used when a branch is
 * created and at the worker's start for every branch; an existing schedule whose time, zone or on/off
 * no longer matches (the policy or the branch changed) is brought up to date, otherwise left alone.
 */
export async function ensureDailyReportSchedule(client: Client, target: DailyReportScheduleTarget): Promise<'created' | 'updated' | 'unchanged'> {
  const options = dailyReportScheduleOptions({ ...target, paused: !target.enabled });
  try {
    await client.schedule.create(options);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(options.scheduleId);
  if (matches(await handle.describe(), target)) return 'unchanged';
  await handle.update((previous) => ({
    ...previous,
    spec: options.spec,
    action: { ...previous.action, ...(options.action as typeof previous.action) },
    state: { ...previous.state, paused: !target.enabled, note: options.state?.note },
  }));
  return 'updated';
}

function matches(d: ScheduleDescription, t: DailyReportScheduleTarget): boolean {
  const [hour, minute] = t.at.split(':').map(Number);
  const c = d.spec.calendars?.[0];
  const first = (r: { start: number }[] | undefined): number | undefined => r?.[0]?.start;
  return d.spec.timezone === t.timezone && d.spec.calendars?.length === 1 && first(c?.hour) === hour && first(c?.minute) === minute
    && d.state.paused === !t.enabled && d.action.type === 'startWorkflow' && d.action.workflowType === 'dailyReportWorkflow';
}

/**
 * Ensures the daily report schedule of each of the tenant's branches (of one branch, when named), at
 * the time of the tenant's current policy in each branch's zone. Reads in the tenant's own transaction.
 */
export async function ensureDailyReportSchedules(
  client: Client, ds: DataSource, tenantId: string, taskQueue: string, branchId?: string,
): Promise<DailyReportScheduleTarget[]> {
  const targets = await tenantTransaction(ds, tenantId, async (m) => {
    const [row]: { document: Policy }[] = await m.query(
      `SELECT p.document FROM tenants t JOIN policy_versions p ON p.tenant_id = t.id AND p.version = t.current_policy_version WHERE t.id = $1`,
      [tenantId],
    );
    const reports = reportsPolicyOf(row?.document ?? { preset: 'training' });
    const branches: { id: string; timezone: string }[] = await m.query(
      `SELECT id, timezone FROM branches WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id = $2) ORDER BY code`, [tenantId, branchId ?? null],
    );
    return branches.map((b) => ({ tenantId, branchId: b.id, taskQueue, timezone: b.timezone, at: reports.dailyReportAt, enabled: reports.enabled }));
  });
  for (const t of targets) await ensureDailyReportSchedule(client, t);
  return targets;
}
