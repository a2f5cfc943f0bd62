import {
  addBusinessDuration,
  addCalendarDuration,
  endOfWorkingDay,
  isWorkingTime,
  nextWorkingStart,
  sameWorkingDay,
} from '../calendar/business-time.util';
import { BranchCalendar } from '../calendar/calendar.types';
import { DeadlineRule } from '../policy/policy.types';

/** Extra facts some deadline rules need. */
export interface DueAtOptions {
  /** The customer's own deadline (CUSTOMER_DEADLINE_IF_EARLIER), epoch ms. */
  customerDeadlineMs?: number;
}

/** True unless the tenant switched the deadline off (`enabled: false`). */
export function isDeadlineEnabled(rule: DeadlineRule): boolean {
  return rule.enabled !== false;
}

function addAfter(anchorMs: number, duration: string, businessTime: boolean, cal: BranchCalendar): number {
  return businessTime ? addBusinessDuration(anchorMs, duration, cal) : addCalendarDuration(anchorMs, duration, cal.timezone);
}

/**
 * When a deadline falls due, from the instant its obligation starts (`anchorMs`), on the branch
 * calendar `cal`. `rule.after` runs on working time when `rule.businessTime` (see
 * addBusinessDuration: days are working days), else on the wall clock of the calendar's zone
 * (addCalendarDuration). Special rules:
 * - OFF_HOURS_AFTER_START: anchor in working time → anchor + `after`; otherwise the next working
 *   start + `offHoursAfter` (or `after` when that is missing), on the same clock.
 * - SAME_DAY: sameWorkingDay(anchor) — `after` is not used.
 * - END_OF_DAY: endOfWorkingDay(anchor) — `after` is not used.
 * - CUSTOMER_DEADLINE_IF_EARLIER: the earlier of anchor + `after` and `opts.customerDeadlineMs`
 *   (when given; it may be before the anchor, making the deadline already due).
 * `rule.enabled` is not consulted: callers skip disabled rules (isDeadlineEnabled).
 */
export function computeDueAt(rule: DeadlineRule, anchorMs: number, cal: BranchCalendar, opts: DueAtOptions = {}): number {
  if (typeof anchorMs !== 'number' || !Number.isFinite(anchorMs)) {
    throw new Error(`Invalid deadline anchor ${String(anchorMs)}: expected epoch milliseconds`);
  }
  switch (rule.rule) {
    case undefined:
      return addAfter(anchorMs, rule.after, rule.businessTime, cal);
    case 'OFF_HOURS_AFTER_START':
      if (isWorkingTime(anchorMs, cal)) return addAfter(anchorMs, rule.after, rule.businessTime, cal);
      return addAfter(nextWorkingStart(anchorMs, cal), rule.offHoursAfter ?? rule.after, rule.businessTime, cal);
    case 'SAME_DAY':
      return sameWorkingDay(anchorMs, cal);
    case 'END_OF_DAY':
      return endOfWorkingDay(anchorMs, cal);
    case 'CUSTOMER_DEADLINE_IF_EARLIER': {
      const due = addAfter(anchorMs, rule.after, rule.businessTime, cal);
      const customer = opts.customerDeadlineMs;
      return typeof customer === 'number' && Number.isFinite(customer) ? Math.min(due, customer) : due;
    }
    default: {
      // Exhaustive: a new rule name must be handled here.
      const unknown: never = rule.rule;
      throw new Error(`Unknown deadline rule ${JSON.stringify(unknown)}`);
    }
  }
}
