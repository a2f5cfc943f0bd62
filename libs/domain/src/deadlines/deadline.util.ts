import {
  addBusinessDuration,
  addCalendarDuration,
  BusinessTimeLimitError,
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

/**
 * The instants the deadline engine works with: years 0001–9999, what an ISO-8601 timestamp and
 * PostgreSQL both carry without surprises (a Date reaches ±271821, where local-date maths fails).
 */
const MIN_INSTANT_MS = -62_135_596_800_000; // 0001-01-01T00:00:00Z
const MAX_INSTANT_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

/** The longest fallback deadline the engine sets when the rule cannot be computed: 366 days. */
export const MAX_FALLBACK_DEADLINE_MS = 366 * 24 * 3600_000;

/**
 * Why a due time could not be computed:
 * - NO_WORKING_TIME: the calendar has no working time within the engine's horizon;
 * - BEYOND_ENGINE_LIMIT: the duration exceeds the engine's bounds (MAX_BUSINESS_DAYS working
 *   days, MAX_SCAN_DAYS days ahead, or past the last representable instant);
 * - INVALID_RULE: the rule's duration is malformed or not allowed on its clock (years in business time);
 * - INVALID_CALENDAR: the calendar cannot be read (time zone, hours, dates);
 * - INVALID_ANCHOR: the start instant is not a usable instant.
 */
export type DeadlineUncomputableReason = 'NO_WORKING_TIME' | 'BEYOND_ENGINE_LIMIT' | 'INVALID_RULE' | 'INVALID_CALENDAR' | 'INVALID_ANCHOR';

export type DueAtResult =
  | { ok: true; dueAt: number }
  | {
      ok: false;
      reason: DeadlineUncomputableReason;
      /** What went wrong, in words staff can act on (no personal data: only the rule and calendar). */
      message: string;
      /** A safe due time to use instead (see fallbackDueAt); null when the anchor itself is unusable. */
      fallbackDueAt: number | null;
    };

const isInstant = (ms: unknown): ms is number => typeof ms === 'number' && Number.isFinite(ms) && ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS;

function reasonOf(err: unknown): DeadlineUncomputableReason {
  if (err instanceof BusinessTimeLimitError) return err.reason;
  const message = err instanceof Error ? err.message : String(err);
  if (/calendar|time zone|timezone/i.test(message)) return 'INVALID_CALENDAR';
  if (/duration|rule/i.test(message)) return 'INVALID_RULE';
  return 'BEYOND_ENGINE_LIMIT';
}

/**
 * A due time the engine can always set when the rule cannot be computed: end-of-day rules get 24
 * hours; other rules get their `after` on calendar (wall-clock) time, capped at
 * {@link MAX_FALLBACK_DEADLINE_MS}, or that cap when `after` cannot be read either. Null only when
 * the anchor is not an instant. Never throws.
 */
export function fallbackDueAt(rule: DeadlineRule, anchorMs: number, cal: BranchCalendar): number | null {
  if (!isInstant(anchorMs)) return null;
  const cap = Math.min(anchorMs + MAX_FALLBACK_DEADLINE_MS, MAX_INSTANT_MS);
  if (rule?.rule === 'SAME_DAY' || rule?.rule === 'END_OF_DAY') return Math.min(anchorMs + 24 * 3600_000, cap);
  try {
    const due = addCalendarDuration(anchorMs, rule.after, cal?.timezone ?? 'UTC');
    return isInstant(due) ? Math.min(Math.max(due, anchorMs), cap) : cap;
  } catch {
    return cap;
  }
}

/**
 * computeDueAt as a result instead of an exception: `{ ok: true, dueAt }`, or `{ ok: false,
 * reason, message, fallbackDueAt }` for anything the engine cannot compute (a calendar without
 * working time, a duration beyond the engine's bounds, a malformed rule or calendar). Never throws
 * for bad data, and its work is bounded (see business-time.util), so a workflow can call it with
 * whatever a policy or calendar holds.
 */
export function tryComputeDueAt(rule: DeadlineRule, anchorMs: number, cal: BranchCalendar, opts: DueAtOptions = {}): DueAtResult {
  if (!isInstant(anchorMs)) {
    return { ok: false, reason: 'INVALID_ANCHOR', message: `The deadline's start ${String(anchorMs)} is not a usable instant`, fallbackDueAt: null };
  }
  try {
    const dueAt = computeDueAt(rule, anchorMs, cal, opts);
    if (isInstant(dueAt)) return { ok: true, dueAt };
    return {
      ok: false, reason: 'BEYOND_ENGINE_LIMIT', message: `The rule "${String(rule?.after)}" ends beyond the last instant the engine can represent`,
      fallbackDueAt: fallbackDueAt(rule, anchorMs, cal),
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, reason: reasonOf(err), message, fallbackDueAt: fallbackDueAt(rule, anchorMs, cal) };
  }
}
