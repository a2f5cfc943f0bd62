import { isValidTimeZone, parseLocalDate, civilFromDays, zonedToInstant } from '../calendar/zoned-time.util';
import { PERIOD_FIRST_YEAR, PERIOD_LAST_YEAR, periodBounds, type PeriodBounds } from '../work-order/period.util';

// The reports' periods as [fromMs, toMs) of local midnights in a time zone: a year "2026", a quarter
// "2026-Q3", a month "2026-10" (periodBounds), a day "2026-10-09", and a half month (days 1–15 of the
// month, or the 16th to its end). Each also knows the period of the same kind just before it (the
// branch ranking's "previous period").

/** The zone a report is computed in when the branches in scope do not share one. */
export const DEFAULT_REPORT_TIME_ZONE = 'Asia/Shanghai';

export type ReportPeriodKind = 'YEAR' | 'QUARTER' | 'MONTH' | 'DAY';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;
const YEAR = /^(\d{4})$/;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

const midnight = (year: number, month: number, day: number, tz: string): number =>
  zonedToInstant({ year, month, day, hour: 0, minute: 0, second: 0, millisecond: 0 }, tz);

/** The kind of a period string, or null when it is none of them (shape and calendar; years 2000–2100). */
export function reportPeriodKind(period: string): ReportPeriodKind | null {
  if (typeof period !== 'string' || period.length > 10) return null;
  if (DAY.test(period)) {
    const days = parseLocalDate(period);
    if (Number.isNaN(days)) return null;
    const { year } = civilFromDays(days);
    return year >= PERIOD_FIRST_YEAR && year <= PERIOD_LAST_YEAR ? 'DAY' : null;
  }
  if (!isValidPeriodShape(period)) return null;
  return QUARTER.test(period) ? 'QUARTER' : MONTH.test(period) ? 'MONTH' : 'YEAR';
}

function isValidPeriodShape(period: string): boolean {
  return periodBounds(period, 'UTC') !== null;
}

/** [fromMs, toMs) of a year, quarter, month or day in `timeZone`; null for anything else. */
export function reportPeriodBounds(period: string, timeZone: string): PeriodBounds | null {
  if (typeof timeZone !== 'string' || !isValidTimeZone(timeZone)) return null;
  const kind = reportPeriodKind(period);
  if (kind === null) return null;
  if (kind !== 'DAY') return periodBounds(period, timeZone);
  const days = parseLocalDate(period);
  const d = civilFromDays(days);
  const next = civilFromDays(days + 1);
  return { fromMs: midnight(d.year, d.month, d.day, timeZone), toMs: midnight(next.year, next.month, next.day, timeZone) };
}

/** [fromMs, toMs) of a half month: half 1 = days 1–15, half 2 = the 16th to the month's end; null when invalid. */
export function halfMonthBounds(month: string, half: number, timeZone: string): PeriodBounds | null {
  const whole = reportPeriodKind(month) === 'MONTH' ? reportPeriodBounds(month, timeZone) : null;
  if (!whole || (half !== 1 && half !== 2)) return null;
  const m = MONTH.exec(month) as RegExpExecArray;
  const sixteenth = midnight(Number(m[1]), Number(m[2]), 16, timeZone);
  return half === 1 ? { fromMs: whole.fromMs, toMs: sixteenth } : { fromMs: sixteenth, toMs: whole.toMs };
}

/** The period of the same kind just before: "2026-Q3" → "2026-Q2", "2026-01" → "2025-12", "2026-10-01" → "2026-09-30"; null when invalid. */
export function previousReportPeriod(period: string): string | null {
  const kind = reportPeriodKind(period);
  if (kind === null) return null;
  let prev: string;
  if (kind === 'DAY') {
    const d = civilFromDays(parseLocalDate(period) - 1);
    prev = `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;
  } else if (kind === 'MONTH') {
    const m = MONTH.exec(period) as RegExpExecArray;
    const y = Number(m[1]);
    const mo = Number(m[2]);
    prev = mo === 1 ? `${pad(y - 1, 4)}-12` : `${pad(y, 4)}-${pad(mo - 1)}`;
  } else if (kind === 'QUARTER') {
    const m = QUARTER.exec(period) as RegExpExecArray;
    const y = Number(m[1]);
    const q = Number(m[2]);
    prev = q === 1 ? `${pad(y - 1, 4)}-Q4` : `${pad(y, 4)}-Q${q - 1}`;
  } else {
    const y = Number((YEAR.exec(period) as RegExpExecArray)[1]);
    prev = pad(y - 1, 4);
  }
  return reportPeriodKind(prev) === null ? null : prev;
}

/** The zone of a report over branches: theirs when they all share one, else the default (Asia/Shanghai). */
export function reportTimeZone(branchZones: readonly string[]): string {
  const zones = new Set(branchZones);
  if (zones.size === 1) {
    const [only] = [...zones];
    if (isValidTimeZone(only)) return only;
  }
  return DEFAULT_REPORT_TIME_ZONE;
}
