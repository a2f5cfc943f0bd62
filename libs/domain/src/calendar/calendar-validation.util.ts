import { BranchCalendar } from './calendar.types';
import {
  civilFromDays, daysFromCivil, formatLocalDate, isoWeekdayOfDays, isValidTimeZone, parseLocalDate, parseWallTime,
} from './zoned-time.util';

/** A problem in a branch calendar, located by its JSON path (e.g. "workingHours[2].end"). */
export interface CalendarIssue {
  path: string;
  message: string;
}

/** The first and last year a holiday or make-up workday may fall in. */
export const CALENDAR_FIRST_YEAR = 2000;
export const CALENDAR_LAST_YEAR = 2100;

/** The most holidays a calendar may list in one calendar year (mainland China lists about 30). */
export const MAX_HOLIDAYS_PER_YEAR = 60;
/** The most 调休 make-up workdays a calendar may list in one calendar year (mainland China lists 5 or 6). */
export const MAX_MAKE_UP_WORKDAYS_PER_YEAR = 30;
/** The longest holiday list of one calendar, all years together. */
export const MAX_CALENDAR_HOLIDAYS = 2000;
/** The longest make-up workday list of one calendar, all years together. */
export const MAX_CALENDAR_MAKE_UP_WORKDAYS = 1000;
/** The least working time a week must have, in minutes (weekday hours; holidays aside). */
export const MIN_WORKING_MINUTES_PER_WEEK = 60;
/**
 * The longest run of consecutive local dates without working time (weekday hours, holidays and
 * make-up workdays combined) a calendar may have. The deadline engine scans further than this for
 * the next working period, so on a valid calendar it always finds one.
 */
export const MAX_DAYS_WITHOUT_WORK = 31;
/** The longest time zone name accepted (IANA names are at most about 30 characters). */
export const MAX_TIME_ZONE_CHARS = 64;

const MINUTES_PER_WEEK_LABEL = (m: number): string => (m % 60 === 0 ? `${m / 60} hour${m === 60 ? '' : 's'}` : `${m} minutes`);

/**
 * Every problem in a calendar (empty when valid):
 * - an IANA time zone;
 * - working hours: at most one entry per ISO weekday 1..7, "HH:mm" times with start < end
 *   ("24:00" allowed as an end), at least {@link MIN_WORKING_MINUTES_PER_WEEK} minutes a week;
 * - holidays and make-up workdays: real "YYYY-MM-DD" dates in the years
 *   {@link CALENDAR_FIRST_YEAR}–{@link CALENDAR_LAST_YEAR}, no date both a holiday and a make-up
 *   workday, at most {@link MAX_HOLIDAYS_PER_YEAR} holidays and
 *   {@link MAX_MAKE_UP_WORKDAYS_PER_YEAR} make-up workdays a year (and
 *   {@link MAX_CALENDAR_HOLIDAYS} / {@link MAX_CALENDAR_MAKE_UP_WORKDAYS} in all);
 * - every year keeps working days, and no run of consecutive days without working time is longer
 *   than {@link MAX_DAYS_WITHOUT_WORK} days.
 * Aggregate problems are located at the list ("holidays"), problems of one entry at the entry
 * ("holidays[3]").
 */
export function validateCalendar(cal: BranchCalendar): CalendarIssue[] {
  const issues: CalendarIssue[] = [];
  if (!cal || typeof cal !== 'object') return [{ path: '', message: 'must be a calendar object' }];

  if (typeof cal.timezone !== 'string' || cal.timezone.length > MAX_TIME_ZONE_CHARS || !isValidTimeZone(cal.timezone)) {
    const shown = typeof cal.timezone === 'string' && cal.timezone.length > MAX_TIME_ZONE_CHARS
      ? `${JSON.stringify(cal.timezone.slice(0, 40))}…` : JSON.stringify(cal.timezone);
    issues.push({ path: 'timezone', message: `${shown} is not an IANA time zone such as "Asia/Shanghai"` });
  }

  // Minutes of working time per ISO weekday (index 1..7), from the entries that are valid.
  const weekly: number[] = new Array(8).fill(0);
  let hoursValid = false;
  if (!Array.isArray(cal.workingHours)) {
    issues.push({ path: 'workingHours', message: 'must be a list' });
  } else if (cal.workingHours.length > 7) {
    issues.push({ path: 'workingHours', message: `has ${cal.workingHours.length} entries: at most 7, one per weekday` });
  } else {
    const before = issues.length;
    if (cal.workingHours.length === 0) {
      issues.push({ path: 'workingHours', message: 'at least one weekday must have working hours' });
    }
    const seen = new Set<number>();
    cal.workingHours.forEach((wh, i) => {
      const at = `workingHours[${i}]`;
      let weekday = 0;
      if (!Number.isInteger(wh?.weekday) || wh.weekday < 1 || wh.weekday > 7) {
        issues.push({ path: `${at}.weekday`, message: 'must be an ISO weekday 1 (Monday) … 7 (Sunday)' });
      } else if (seen.has(wh.weekday)) {
        issues.push({ path: `${at}.weekday`, message: `weekday ${wh.weekday} has more than one entry` });
      } else {
        seen.add(wh.weekday);
        weekday = wh.weekday;
      }
      const start = parseWallTime(wh?.start);
      const end = parseWallTime(wh?.end, true);
      if (Number.isNaN(start)) issues.push({ path: `${at}.start`, message: 'must be a time "HH:mm" from 00:00 to 23:59' });
      if (Number.isNaN(end)) issues.push({ path: `${at}.end`, message: 'must be a time "HH:mm" from 00:01 to 24:00' });
      if (!Number.isNaN(start) && !Number.isNaN(end) && start >= end) {
        issues.push({ path: `${at}.end`, message: 'must be after start' });
      } else if (weekday && !Number.isNaN(start) && !Number.isNaN(end)) {
        weekly[weekday] = end - start;
      }
    });
    const total = weekly.reduce((a, b) => a + b, 0);
    if (issues.length === before && total < MIN_WORKING_MINUTES_PER_WEEK) {
      issues.push({
        path: 'workingHours',
        message: `the week has ${MINUTES_PER_WEEK_LABEL(total)} of working time: at least ${MINUTES_PER_WEEK_LABEL(MIN_WORKING_MINUTES_PER_WEEK)} are needed`,
      });
    }
    hoursValid = issues.length === before;
  }

  const holidays = checkDates(cal, 'holidays', MAX_CALENDAR_HOLIDAYS, issues);
  const makeUp = checkDates(cal, 'makeUpWorkdays', MAX_CALENDAR_MAKE_UP_WORKDAYS, issues);
  if (holidays && makeUp && Array.isArray(cal.makeUpWorkdays)) {
    cal.makeUpWorkdays.forEach((s, i) => {
      if (holidays.has(parseLocalDate(s))) {
        issues.push({ path: `makeUpWorkdays[${i}]`, message: `${s} is both a holiday and a make-up workday` });
      }
    });
  }
  if (!holidays || !makeUp) return issues;

  const overCap = new Set<number>();
  for (const [year, n] of countByYear(holidays)) {
    if (n > MAX_HOLIDAYS_PER_YEAR) {
      overCap.add(year);
      issues.push({ path: 'holidays', message: `${year} has ${n} holidays: at most ${MAX_HOLIDAYS_PER_YEAR} a year` });
    }
  }
  for (const [year, n] of countByYear(makeUp)) {
    if (n > MAX_MAKE_UP_WORKDAYS_PER_YEAR) {
      issues.push({ path: 'makeUpWorkdays', message: `${year} has ${n} make-up workdays: at most ${MAX_MAKE_UP_WORKDAYS_PER_YEAR} a year` });
    }
  }
  // The rest needs a usable week: without one every day is off anyway and workingHours says so.
  if (!hoursValid) return issues;

  const works = weekly.map((m) => m > 0);
  let yearWithoutWork = false;
  for (const year of countByYear(holidays).keys()) {
    const working = workingDaysInYear(year, works, holidays, makeUp);
    // A year over the cap already has its issue; the run below then says how long the gap is.
    if (working === 0 && !overCap.has(year)) {
      yearWithoutWork = true;
      issues.push({ path: 'holidays', message: `${year} has ${daysInYear(year)} days off: a year must keep working days` });
    }
  }
  if (!yearWithoutWork) {
    const run = longestRunWithoutWork(works, holidays, makeUp);
    if (run.length > MAX_DAYS_WITHOUT_WORK) {
      issues.push({
        path: 'holidays',
        message: `${formatLocalDate(run.from)} to ${formatLocalDate(run.to)} is ${run.length} consecutive days without working time: `
          + `at most ${MAX_DAYS_WITHOUT_WORK} are allowed, so that every deadline can fall on a working day`,
      });
    }
  }
  return issues;
}

/**
 * Checks one date list entry by entry; returns its valid dates as day numbers (since
 * 1970-01-01), or null when the list itself is unusable (not a list, too long).
 */
function checkDates(
  cal: BranchCalendar, name: 'holidays' | 'makeUpWorkdays', maxLength: number, issues: CalendarIssue[],
): Set<number> | null {
  const list: unknown = cal[name];
  if (!Array.isArray(list)) {
    issues.push({ path: name, message: 'must be a list' });
    return null;
  }
  if (list.length > maxLength) {
    issues.push({ path: name, message: `has ${list.length} dates: at most ${maxLength}` });
    return null;
  }
  const valid = new Set<number>();
  list.forEach((s: unknown, i) => {
    const day = typeof s === 'string' ? parseLocalDate(s) : NaN;
    if (Number.isNaN(day)) {
      const shown = typeof s === 'string' && s.length > 40 ? `${JSON.stringify(s.slice(0, 40))}…` : JSON.stringify(s);
      issues.push({ path: `${name}[${i}]`, message: `${shown} is not a date "YYYY-MM-DD"` });
      return;
    }
    const { year } = civilFromDays(day);
    if (year < CALENDAR_FIRST_YEAR || year > CALENDAR_LAST_YEAR) {
      issues.push({ path: `${name}[${i}]`, message: `${String(s)} is outside the years ${CALENDAR_FIRST_YEAR}–${CALENDAR_LAST_YEAR}` });
      return;
    }
    valid.add(day);
  });
  return valid;
}

/** Distinct dates per calendar year, in year order. */
function countByYear(days: Set<number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (const day of [...days].sort((a, b) => a - b)) {
    const { year } = civilFromDays(day);
    counts.set(year, (counts.get(year) ?? 0) + 1);
  }
  return counts;
}

function daysInYear(year: number): number {
  return daysFromCivil(year + 1, 1, 1) - daysFromCivil(year, 1, 1);
}

/** Working days of a year: its working weekdays, less holidays on them, plus make-up workdays on the others. */
function workingDaysInYear(year: number, works: boolean[], holidays: Set<number>, makeUp: Set<number>): number {
  const first = daysFromCivil(year, 1, 1);
  const n = daysInYear(year);
  const firstWeekday = isoWeekdayOfDays(first);
  let count = 0;
  for (let w = 1; w <= 7; w++) {
    if (!works[w]) continue;
    // Days of weekday w in the year: whole weeks, plus one when w falls in the leftover days.
    count += Math.floor(n / 7) + (((w - firstWeekday + 7) % 7) < n % 7 ? 1 : 0);
  }
  const last = first + n - 1;
  for (const day of holidays) {
    if (day >= first && day <= last && works[isoWeekdayOfDays(day)] && !makeUp.has(day)) count--;
  }
  for (const day of makeUp) {
    if (day >= first && day <= last && !works[isoWeekdayOfDays(day)]) count++;
  }
  return count;
}

/**
 * The longest run of consecutive days without working time, as the deadline engine sees the
 * calendar (a make-up workday works, else a holiday is off, else the weekday decides). `works`
 * must have at least one working weekday. Only the weeks around holidays are walked: between
 * them the weekly pattern repeats and its runs are at most 6 days.
 */
export function longestRunWithoutWork(
  works: readonly boolean[], holidays: ReadonlySet<number>, makeUp: ReadonlySet<number>,
): { length: number; from: number; to: number } {
  const working = (day: number): boolean =>
    makeUp.has(day) || (!holidays.has(day) && works[isoWeekdayOfDays(day)]);
  // The weekly pattern alone, cyclically (from/to NaN: not tied to a date).
  let best = { length: 0, from: NaN, to: NaN };
  for (let start = 1; start <= 7; start++) {
    let n = 0;
    while (n < 7 && !works[((start - 1 + n) % 7) + 1]) n++;
    if (n > best.length) best = { length: n, from: NaN, to: NaN };
  }
  const offDays = [...holidays].filter((d) => !makeUp.has(d)).sort((a, b) => a - b);
  if (offDays.length === 0) return best;
  // The last working day before `day`: no holiday lies between the current position and `day`,
  // so this goes back at most 6 days (to a working weekday or a make-up workday).
  const workingDayBefore = (day: number): number => {
    let d = day - 1;
    while (!working(d)) d--;
    return d;
  };
  let i = 0;
  let d = workingDayBefore(offDays[0]);
  let run = 0;
  let runStart = d;
  for (;;) {
    if (run === 0) {
      while (i < offDays.length && offDays[i] <= d) i++;
      if (i === offDays.length) break;
      // Skip the holiday-free stretch up to the week before the next holiday.
      if (offDays[i] - d > 7) d = workingDayBefore(offDays[i]);
    }
    d++;
    if (working(d)) {
      if (run > best.length) best = { length: run, from: runStart, to: d - 1 };
      run = 0;
    } else {
      if (run === 0) runStart = d;
      run++;
    }
  }
  return best;
}
