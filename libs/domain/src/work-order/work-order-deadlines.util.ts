import type { BranchCalendar } from '../calendar/calendar.types';
import { isDeadlineEnabled, tryComputeDueAt } from '../deadlines/deadline.util';
import type { DeadlineRule } from '../policy/policy.types';
import type { WorkOrderDeadline, WorkOrderState } from './work-order.types';

// The work order's clocks as pure maths: when each falls due, which is open, which is next.
// Never throws for what a policy or calendar holds: an uncomputable rule falls back to a safe due
// time (tryComputeDueAt), so a workflow can run it on whatever reached it through its history.

const DAY_MS = 24 * 3600_000;

/** The due time of `rule` from `anchorMs` on the branch calendar (a fallback when the rule cannot be computed). */
export function workOrderDueAt(rule: DeadlineRule, anchorMs: number, calendar: BranchCalendar): number {
  const r = tryComputeDueAt(rule, anchorMs, calendar);
  if (r.ok) return r.dueAt;
  return r.fallbackDueAt ?? anchorMs + DAY_MS;
}

/** A calendar-time (wall clock) duration after `anchorMs` in the calendar's zone, as a rule. */
export function calendarRule(after: string): DeadlineRule {
  return { after, businessTime: false };
}

/** True when the rule is switched on (`enabled` not false). */
export const ruleEnabled = (rule: DeadlineRule): boolean => isDeadlineEnabled(rule);

/** A deadline neither met, breached nor cancelled: its clock still runs. */
export const isOpenWorkOrderDeadline = (d: Pick<WorkOrderDeadline, 'metAt' | 'breachedAt' | 'cancelledAt'>): boolean =>
  d.metAt === null && d.breachedAt === null && d.cancelledAt === null;

/** When the workflow's one timer must fire: the earliest open deadline's due time, or null when none runs. */
export function nextWorkOrderDueAt(state: Pick<WorkOrderState, 'deadlines'>): number | null {
  let next: number | null = null;
  for (const d of state.deadlines) {
    if (isOpenWorkOrderDeadline(d) && (next === null || d.dueAt < next)) next = d.dueAt;
  }
  return next;
}
