import { isValidTimeZone, zonedToInstant } from '../calendar/zoned-time.util';

// A scorecard period ("2026", "2026-Q3", "2026-10") as the instants [fromMs, toMs) of its local
// midnights in a time zone (the tenant's or the branch's): an attempt belongs to the period by its start.

const PERIOD = /^(\d{4})(?:-(?:Q([1-4])|(0[1-9]|1[0-2])))?$/;

/** The first and last year a period may name (the calendars' range). */
export const PERIOD_FIRST_YEAR = 2000;
export const PERIOD_LAST_YEAR = 2100;

export interface PeriodBounds { fromMs: number; toMs: number }

/**
 * [fromMs, toMs) of a period in `timeZone`: a year "2026", a quarter "2026-Q3" (Jul–Sep) or a month
 * "2026-10"; null for anything else (a bad shape, a year outside 2000–2100, an unknown time zone).
 */
export function periodBounds(period: string, timeZone: string): PeriodBounds | null {
  if (typeof period !== 'string' || period.length > 7 || typeof timeZone !== 'string' || !isValidTimeZone(timeZone)) return null;
  const m = PERIOD.exec(period);
  if (!m) return null;
  const year = Number(m[1]);
  if (year < PERIOD_FIRST_YEAR || year > PERIOD_LAST_YEAR) return null;
  let firstMonth = 1;
  let months = 12;
  if (m[2]) {
    firstMonth = (Number(m[2]) - 1) * 3 + 1;
    months = 3;
  } else if (m[3]) {
    firstMonth = Number(m[3]);
    months = 1;
  }
  const endMonthIndex = firstMonth - 1 + months; // 0-based months from January of `year`
  const start = { year, month: firstMonth };
  const end = { year: year + Math.floor(endMonthIndex / 12), month: (endMonthIndex % 12) + 1 };
  const midnight = (d: { year: number; month: number }): number =>
    zonedToInstant({ year: d.year, month: d.month, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
  return { fromMs: midnight(start), toMs: midnight(end) };
}

/** True when `period` is a scorecard period (shape and year; the zone is not checked). */
export function isValidPeriod(period: string): boolean {
  return periodBounds(period, 'UTC') !== null;
}
