// ISO-8601 durations as policies use them (the calendar's parser; the deadline engine owns the
// business-time meaning of a duration), and the bounds a policy's durations must stay within.

import { IsoDuration, parseIsoDuration } from '../calendar/duration.util';

/** The components of an ISO-8601 duration `PnYnMnWnDTnHnMnS` (integers; absent = 0). */
export type PolicyDurationParts = IsoDuration;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The longest text a policy duration may have. Real durations are short ("P1DT4H30M" has 9
 * characters); the cap keeps the parser's work trivial whatever a client sends.
 */
export const MAX_POLICY_DURATION_CHARS = 32;

/**
 * The longest deadline (`after`, `offHoursAfter`) on business time (`businessTime: true`), in
 * working days: P90D. The time part counts {@link BUSINESS_HOURS_PER_DAY_FOR_BOUNDS} working
 * hours to a working day, so PT720H and P45DT360H are at the bound as well.
 */
export const MAX_BUSINESS_DEADLINE_DAYS = 90;

/** Working hours that count as one working day when bounding a business-time duration. */
export const BUSINESS_HOURS_PER_DAY_FOR_BOUNDS = 8;

/**
 * The longest deadline (`after`, `offHoursAfter`) on calendar time (`businessTime: false`), in
 * days: P366D (or P1Y, P52W, PT8784H). Years count as 366 days and months as 31, their longest.
 */
export const MAX_CALENDAR_DEADLINE_DAYS = 366;

/** The longest severity window or age (`sameMatterWindow`, `unresolvedHotAfter`, `unresolvedMajorAfter`): P366D. */
export const MAX_SEVERITY_DURATION_DAYS = 366;

/**
 * The components of an ISO-8601 duration, or null when `s` is not one (the calendar's parser:
 * "P", "PT" and a trailing "T" are rejected) or is longer than {@link MAX_POLICY_DURATION_CHARS}.
 * Policies take whole seconds only.
 */
export function parsePolicyDuration(s: unknown): PolicyDurationParts | null {
  if (typeof s !== 'string' || s.length > MAX_POLICY_DURATION_CHARS) return null;
  try {
    const d = parseIsoDuration(s);
    return Number.isInteger(d.seconds) ? d : null;
  } catch {
    return null;
  }
}

/** True when `s` is an ISO-8601 duration (see parsePolicyDuration). */
export function isPolicyDuration(s: unknown): s is string {
  return parsePolicyDuration(s) !== null;
}

/** True when the duration has no year or month component, so it has a fixed length in milliseconds. */
export function hasFixedLength(parts: PolicyDurationParts): boolean {
  return parts.years === 0 && parts.months === 0;
}

/** True when every component is zero ("PT0S", "P0D"). */
export function isZeroDuration(parts: PolicyDurationParts): boolean {
  return Object.values(parts).every((v) => v === 0);
}

/**
 * The wall-clock length in milliseconds, with 24-hour days and 7-day weeks. Years and months have
 * no fixed length; policy validation rejects them wherever this is used, and as a last resort
 * they count as 365 and 30 days so the result stays deterministic and never throws.
 */
export function policyDurationToMs(parts: PolicyDurationParts): number {
  const days = parts.years * 365 + parts.months * 30 + parts.weeks * 7 + parts.days;
  return days * DAY_MS + parts.hours * HOUR_MS + parts.minutes * 60_000 + parts.seconds * 1000;
}

function timePartHours(parts: PolicyDurationParts): number {
  return parts.hours + parts.minutes / 60 + parts.seconds / 3600;
}

/**
 * The length of a business-time duration in working days, counting its time part at
 * {@link BUSINESS_HOURS_PER_DAY_FOR_BOUNDS} hours a day (P2DT4H → 2.5). Years, months and weeks
 * have no business-time meaning; this ignores them (see policyDurationBoundProblem).
 */
export function businessDurationDays(parts: PolicyDurationParts): number {
  return parts.days + timePartHours(parts) / BUSINESS_HOURS_PER_DAY_FOR_BOUNDS;
}

/**
 * The longest a calendar-time duration can be, in days: years at 366 days, months at 31, weeks
 * at 7, the time part at 24 hours a day (P1M → 31, PT36H → 1.5).
 */
export function calendarDurationMaxDays(parts: PolicyDurationParts): number {
  return parts.years * 366 + parts.months * 31 + parts.weeks * 7 + parts.days + timePartHours(parts) / 24;
}

/**
 * Why a deadline duration is not allowed on its clock, or null when it is: on business time only
 * working days and hours/minutes/seconds, at most {@link MAX_BUSINESS_DEADLINE_DAYS} working days;
 * on calendar time at most {@link MAX_CALENDAR_DEADLINE_DAYS} days. The message reads after the
 * field's path.
 */
export function deadlineDurationProblem(parts: PolicyDurationParts, businessTime: boolean): string | null {
  if (businessTime) {
    if (parts.years || parts.months || parts.weeks) {
      return 'cannot use years, months or weeks on business time (businessTime: true): use working days such as P5D or working hours such as PT8H';
    }
    if (businessDurationDays(parts) > MAX_BUSINESS_DEADLINE_DAYS) {
      return `is too long for business time: at most P${MAX_BUSINESS_DEADLINE_DAYS}D (${MAX_BUSINESS_DEADLINE_DAYS} working days; `
        + `hours count ${BUSINESS_HOURS_PER_DAY_FOR_BOUNDS} to a working day, so at most PT${MAX_BUSINESS_DEADLINE_DAYS * BUSINESS_HOURS_PER_DAY_FOR_BOUNDS}H)`;
    }
    return null;
  }
  if (calendarDurationMaxDays(parts) > MAX_CALENDAR_DEADLINE_DAYS) {
    return `is too long: at most P${MAX_CALENDAR_DEADLINE_DAYS}D of calendar time (P1Y; a year counts as 366 days and a month as 31)`;
  }
  return null;
}
