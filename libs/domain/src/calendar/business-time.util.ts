/**
 * Business time on a branch calendar. The model:
 * - a working day has exactly one working period [start, end) in local wall-clock time (its
 *   weekday's `workingHours` entry, the first one if a weekday is listed twice); the end
 *   instant itself is not working time;
 * - 调休 make-up workdays work even on a day-off weekday; holidays are off even on a working
 *   weekday; a date listed as both is treated as a make-up workday (validateCalendar flags it);
 * - period bounds are local wall-clock times converted to instants in the branch's time zone,
 *   so a DST change moves them with the wall clock (a bound inside a DST gap moves forward);
 * - the work is bounded by construction: one computation looks at most {@link MAX_HORIZON_DAYS}
 *   local days ahead of where it starts (and crosses at most {@link MAX_SCAN_DAYS} days without
 *   working time), and a business duration counts at most
 *   {@link MAX_BUSINESS_DAYS} working days. Past either bound it throws a
 *   {@link BusinessTimeLimitError} (a typed reason, never a loop over years).
 */

import { BranchCalendar } from './calendar.types';
import { assertBusinessDuration, parseIsoDuration, timePartMs } from './duration.util';
import {
  civilFromDays,
  DAY_MS,
  daysFromCivil,
  daysInMonth,
  isoWeekdayOfDays,
  localDayNumber,
  parseLocalDate,
  parseWallTime,
  wallClockMs,
  wallClockToInstant,
} from './zoned-time.util';

/** The longest run of consecutive days without working time a scan crosses before NO_WORKING_TIME. */
export const MAX_SCAN_DAYS = 3 * 366;

/**
 * The horizon of one whole computation, in local days: a business duration whose end lies further
 * ahead stops with BEYOND_ENGINE_LIMIT. Together with MAX_SCAN_DAYS per gap this bounds the work of
 * any computation to some ten thousand day steps, whatever the duration or the calendar.
 * Replay safety: the day-by-day walk and MAX_SCAN_DAYS are unchanged, so every result that used to
 * compute within this horizon is the same; only computations that previously threw, hung the
 * workflow task (P5000000D), or spanned more than twenty years (far beyond any accepted policy) now
 * end with a typed error. Recorded histories therefore replay unchanged.
 */
export const MAX_HORIZON_DAYS = 20 * 366;

/**
 * The engine's hard cap on the days part of a business duration, in working days. The edge caps
 * policy durations much lower (about P90D); this holds even for data written by an older release.
 */
export const MAX_BUSINESS_DAYS = 366;

/** Why business time could not be computed: reasons a caller can act on (see deadline.util tryComputeDueAt). */
export type BusinessTimeLimitReason = 'NO_WORKING_TIME' | 'BEYOND_ENGINE_LIMIT';

/** A business-time computation that is beyond the engine's bounds: a typed domain result, not a crash. */
export class BusinessTimeLimitError extends Error {
  constructor(
    readonly reason: BusinessTimeLimitReason,
    message: string,
  ) {
    super(message);
    this.name = 'BusinessTimeLimitError';
  }
}

/** A working period: instants [start, end) of one working day's hours. */
export interface WorkingPeriod {
  /** The local date, as a day count since 1970-01-01. */
  day: number;
  start: number;
  end: number;
}

interface Span {
  startMin: number;
  endMin: number;
}

/** A parsed calendar: sets of day numbers instead of arrays, minutes instead of "HH:mm", memoised periods. */
interface CompiledCalendar {
  tz: string;
  byWeekday: (Span | undefined)[];
  makeUpFallback: Span | undefined;
  holidays: Set<number>;
  makeUp: Set<number>;
  periods: Map<number, WorkingPeriod | null>;
}

// Compiled calendars keyed by their content (not identity, so mutating a calendar object can
// never serve stale results). Bounded: cleared when full. Pure memoisation, safe in workflows.
const compiledCache = new Map<string, CompiledCalendar>();
const MAX_CACHED_CALENDARS = 64;
const MAX_CACHED_PERIODS = 4096;

function compile(cal: BranchCalendar): CompiledCalendar {
  if (!cal || typeof cal !== 'object') throw new Error('Invalid calendar: expected a BranchCalendar');
  const key = [
    cal.timezone,
    (cal.workingHours ?? []).map((w) => `${w.weekday} ${w.start} ${w.end}`).join(','),
    (cal.holidays ?? []).join(','),
    (cal.makeUpWorkdays ?? []).join(','),
  ].join('|');
  let c = compiledCache.get(key);
  if (c === undefined) {
    c = build(cal);
    if (compiledCache.size >= MAX_CACHED_CALENDARS) compiledCache.clear();
    compiledCache.set(key, c);
  }
  return c;
}

function build(cal: BranchCalendar): CompiledCalendar {
  const byWeekday: (Span | undefined)[] = new Array(8).fill(undefined);
  for (const [i, wh] of (cal.workingHours ?? []).entries()) {
    const startMin = parseWallTime(wh.start);
    const endMin = parseWallTime(wh.end, true);
    if (!Number.isInteger(wh.weekday) || wh.weekday < 1 || wh.weekday > 7) {
      throw new Error(`Invalid calendar: workingHours[${i}].weekday ${String(wh.weekday)} is not 1..7`);
    }
    if (Number.isNaN(startMin) || Number.isNaN(endMin) || startMin >= endMin) {
      throw new Error(`Invalid calendar: workingHours[${i}] "${wh.start}"–"${wh.end}" is not a valid HH:mm span`);
    }
    byWeekday[wh.weekday] ??= { startMin, endMin };
  }
  const first = byWeekday.find((s) => s !== undefined);
  if (first === undefined) {
    throw new Error('Invalid calendar: no working hours on any weekday, so there is no working time at all');
  }
  const dates = (list: string[] | undefined, name: string): Set<number> => {
    const set = new Set<number>();
    for (const [i, s] of (list ?? []).entries()) {
      const d = parseLocalDate(s);
      if (Number.isNaN(d)) throw new Error(`Invalid calendar: ${name}[${i}] ${JSON.stringify(s)} is not a YYYY-MM-DD date`);
      set.add(d);
    }
    return set;
  };
  // Validates the zone early, with a clear message.
  wallClockMs(0, cal.timezone);
  return {
    tz: cal.timezone,
    byWeekday,
    makeUpFallback: byWeekday[1] ?? first,
    holidays: dates(cal.holidays, 'holidays'),
    makeUp: dates(cal.makeUpWorkdays, 'makeUpWorkdays'),
    periods: new Map(),
  };
}

function assertInstant(ms: number, what = 'instant'): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new Error(`Invalid ${what} ${String(ms)}: expected epoch milliseconds`);
  }
}

function spanOn(c: CompiledCalendar, day: number): Span | undefined {
  const own = c.byWeekday[isoWeekdayOfDays(day)];
  if (c.makeUp.has(day)) return own ?? c.makeUpFallback;
  if (c.holidays.has(day)) return undefined;
  return own;
}

function periodOn(c: CompiledCalendar, day: number): WorkingPeriod | null {
  let p = c.periods.get(day);
  if (p === undefined) {
    const span = spanOn(c, day);
    p = null;
    if (span) {
      const start = wallClockToInstant(day * DAY_MS + span.startMin * 60_000, c.tz);
      const end = wallClockToInstant(day * DAY_MS + span.endMin * 60_000, c.tz);
      // A span squeezed to nothing by a DST gap (e.g. 02:30–03:00) has no working time.
      if (end > start) p = { day, start, end };
    }
    if (c.periods.size >= MAX_CACHED_PERIODS) c.periods.clear();
    c.periods.set(day, p);
  }
  return p;
}

function noWorkingTime(fromMs: number): BusinessTimeLimitError {
  return new BusinessTimeLimitError(
    'NO_WORKING_TIME',
    `No working time within ${MAX_SCAN_DAYS} days after instant ${fromMs}: check the calendar's working hours, holidays and time zone`,
  );
}

function beyondHorizon(): BusinessTimeLimitError {
  return new BusinessTimeLimitError(
    'BEYOND_ENGINE_LIMIT',
    `The business duration ends more than ${MAX_HORIZON_DAYS} days ahead, beyond what the deadline engine computes`,
  );
}

/** The last local day one computation may look at (see MAX_HORIZON_DAYS); Infinity = each scan on its own. */
type Horizon = number;
const NO_HORIZON: Horizon = Number.POSITIVE_INFINITY;
const horizonFrom = (c: CompiledCalendar, t: number): Horizon => localDayNumber(t, c.tz) + MAX_HORIZON_DAYS;

/** The working period containing `t`, or else the first one after it (its end is always > t). */
function periodAtOrAfter(c: CompiledCalendar, t: number, horizon: Horizon = NO_HORIZON): WorkingPeriod {
  // Start a day early: a period ending at "24:00" belongs to the previous local date.
  const first = localDayNumber(t, c.tz) - 1;
  const last = Math.min(first + MAX_SCAN_DAYS, horizon);
  for (let day = first; day <= last; day++) {
    const p = periodOn(c, day);
    if (p && p.end > t) return p;
  }
  throw last < first + MAX_SCAN_DAYS ? beyondHorizon() : noWorkingTime(t);
}

/** The first working period on a local date after `day`. */
function periodAfterDay(c: CompiledCalendar, day: number, horizon: Horizon = NO_HORIZON): WorkingPeriod {
  const last = Math.min(day + MAX_SCAN_DAYS, horizon);
  for (let d = day + 1; d <= last; d++) {
    const p = periodOn(c, d);
    if (p) return p;
  }
  throw last < day + MAX_SCAN_DAYS ? beyondHorizon() : noWorkingTime(day * DAY_MS);
}

function inWorkingTime(c: CompiledCalendar, ms: number): boolean {
  const day = localDayNumber(ms, c.tz);
  for (const d of [day, day - 1]) {
    const p = periodOn(c, d);
    if (p && p.start <= ms && ms < p.end) return true;
  }
  return false;
}

/** Spends `remaining` ms of working time starting at `t`; 0 returns `t` unchanged. */
function consumeWorkingTime(c: CompiledCalendar, t: number, remaining: number, horizon: Horizon): number {
  let now = t;
  let left = remaining;
  if (left === 0) return now;
  // Each period consumed moves at least a day on, and the horizon stops the scan: bounded work.
  for (;;) {
    const p = periodAtOrAfter(c, now, horizon);
    const from = Math.max(now, p.start);
    // `<=`: a duration that exactly exhausts a period ends at that period's end (18:00), not
    // at the next day's start.
    if (from + left <= p.end) return from + left;
    left -= p.end - from;
    now = p.end;
  }
}

/** Moves `t` by `n` working days (see addBusinessDuration for the exact rule). */
function addWorkingDays(c: CompiledCalendar, t: number, n: number, horizon: Horizon): number {
  if (n > MAX_BUSINESS_DAYS) {
    throw new BusinessTimeLimitError(
      'BEYOND_ENGINE_LIMIT',
      `${n} working days is more than the deadline engine's maximum of ${MAX_BUSINESS_DAYS} working days`,
    );
  }
  let p = periodAtOrAfter(c, t, horizon);
  if (t <= p.start) {
    // Off hours or exactly at a period start: the first working day counts whole.
    for (let k = 1; k < n; k++) p = periodAfterDay(c, p.day, horizon);
    return p.end;
  }
  const wall = wallClockMs(t, c.tz);
  const timeOfDay = wall - Math.floor(wall / DAY_MS) * DAY_MS;
  for (let k = 0; k < n; k++) p = periodAfterDay(c, p.day, horizon);
  const target = wallClockToInstant(p.day * DAY_MS + timeOfDay, c.tz);
  return Math.min(Math.max(target, p.start), p.end);
}

/**
 * True when the local date "YYYY-MM-DD" is a working day of the calendar: a make-up workday
 * (调休) always is (with its weekday's hours, else Monday's, else the first defined entry's);
 * otherwise a holiday never is; otherwise it is when its weekday has working hours.
 */
export function isWorkingDay(localDate: string, cal: BranchCalendar): boolean {
  const day = parseLocalDate(localDate);
  if (Number.isNaN(day)) throw new Error(`Invalid local date ${JSON.stringify(localDate)}: expected "YYYY-MM-DD"`);
  return spanOn(compile(cal), day) !== undefined;
}

/** True when instant `ms` falls inside a working period [start, end) of the calendar. */
export function isWorkingTime(ms: number, cal: BranchCalendar): boolean {
  assertInstant(ms);
  return inWorkingTime(compile(cal), ms);
}

/**
 * The working period containing `ms`, or else the next one: its `end` is always after `ms`.
 * Throws when there is no working time within {@link MAX_SCAN_DAYS} days.
 */
export function workingPeriodAtOrAfter(ms: number, cal: BranchCalendar): WorkingPeriod {
  assertInstant(ms);
  return { ...periodAtOrAfter(compile(cal), ms) };
}

/** `ms` itself when it is working time, else the start of the next working period. */
export function nextWorkingStart(ms: number, cal: BranchCalendar): number {
  assertInstant(ms);
  const p = periodAtOrAfter(compile(cal), ms);
  return Math.max(ms, p.start);
}

/**
 * The end of the working period of the day `ms` is in; when `ms` is outside working time, the
 * end of the next working day's period (today's, when `ms` is before work on a working day; a
 * period's end instant itself counts as outside, so 18:00 → tomorrow's end).
 */
export function endOfWorkingDay(ms: number, cal: BranchCalendar): number {
  assertInstant(ms);
  return periodAtOrAfter(compile(cal), ms).end;
}

/**
 * "Same day": the end of the working day when `ms` is in working time or before work on a
 * working day, else the end of the next working day. This coincides with {@link endOfWorkingDay}
 * (any other reading of either would make a later anchor get an earlier due time).
 */
export function sameWorkingDay(ms: number, cal: BranchCalendar): number {
  return endOfWorkingDay(ms, cal);
}

/**
 * `ms` plus a business duration: an ISO-8601 string or a number of working milliseconds.
 * - Hours/minutes/seconds (and numbers) are working time: the clock only runs inside working
 *   periods. A duration that exactly uses up a period ends at that period's end (e.g. 18:00).
 *   A zero duration returns `ms` unchanged.
 * - Days ("P1D") are working days, applied before the time part. From a moment inside a working
 *   period, N days is the same wall-clock time on the Nth next working day, clamped into that
 *   day's working period. From off hours (or exactly a period's start) the next working day
 *   counts whole: N days is the end of the Nth working day counting that one as the first —
 *   so Mon 10:30 + P1D = Tue 10:30, Mon 19:00 + P1D = Tue 18:00, Sat + P1D = Mon 18:00.
 * - Years, months and weeks are rejected.
 * - Bounded: more than {@link MAX_BUSINESS_DAYS} working days, or an end beyond
 *   {@link MAX_HORIZON_DAYS} local days ahead, throws BusinessTimeLimitError BEYOND_ENGINE_LIMIT;
 *   no working time within the horizon throws it with NO_WORKING_TIME.
 */
export function addBusinessDuration(ms: number, duration: string | number, cal: BranchCalendar): number {
  assertInstant(ms);
  const c = compile(cal);
  const horizon = horizonFrom(c, ms);
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration) || duration < 0) {
      throw new Error(`Invalid business duration ${duration}: expected a non-negative number of milliseconds`);
    }
    return consumeWorkingTime(c, ms, duration, horizon);
  }
  const d = parseIsoDuration(duration);
  assertBusinessDuration(d, duration);
  const t = d.days > 0 ? addWorkingDays(c, ms, d.days, horizon) : ms;
  return consumeWorkingTime(c, t, timePartMs(d), horizon);
}

/**
 * Working time in ms between two instants (negative when `toMs` is before `fromMs`): the
 * business-time length of an interval, e.g. how long a stage took in working hours.
 */
export function businessTimeBetween(fromMs: number, toMs: number, cal: BranchCalendar): number {
  assertInstant(fromMs);
  assertInstant(toMs);
  if (toMs < fromMs) return -businessTimeBetween(toMs, fromMs, cal);
  const c = compile(cal);
  let total = 0;
  const lastDay = localDayNumber(toMs, c.tz);
  // One step per day: bounded like every other computation here.
  if (!(lastDay - localDayNumber(fromMs, c.tz) <= MAX_HORIZON_DAYS)) {
    throw new BusinessTimeLimitError('BEYOND_ENGINE_LIMIT', `The interval is longer than ${MAX_HORIZON_DAYS} days, beyond what the engine measures in business time`);
  }
  for (let day = localDayNumber(fromMs, c.tz) - 1; day <= lastDay; day++) {
    const p = periodOn(c, day);
    if (p) total += Math.max(0, Math.min(p.end, toMs) - Math.max(p.start, fromMs));
  }
  return total;
}

/**
 * `ms` plus a wall-clock (calendar) duration in time zone `tz`: years, months, weeks and days
 * are added to the local date keeping the local time of day (so P1D across a DST change is 23 or
 * 25 hours, and Jan 31 + P1M = Feb 28/29); hours, minutes and seconds are then added as absolute
 * time. A wall time that lands in a DST gap moves forward; in an overlap, the earlier instant.
 * A number is absolute milliseconds.
 */
export function addCalendarDuration(ms: number, duration: string | number, tz: string): number {
  assertInstant(ms);
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration)) throw new Error(`Invalid duration ${duration}: expected milliseconds`);
    return ms + duration;
  }
  const d = parseIsoDuration(duration);
  let t = ms;
  // Only round-trip through the wall clock when needed: it would pick the earlier of two
  // instants in a DST overlap and so move an anchor in the repeated hour.
  if (d.years || d.months || d.weeks || d.days) {
    const wall = wallClockMs(ms, tz);
    const day = Math.floor(wall / DAY_MS);
    const timeOfDay = wall - day * DAY_MS;
    const { year, month, day: dom } = civilFromDays(day);
    const monthIndex = year * 12 + (month - 1) + d.years * 12 + d.months;
    const y = Math.floor(monthIndex / 12);
    const m = monthIndex - y * 12 + 1;
    const target = daysFromCivil(y, m, Math.min(dom, daysInMonth(y, m))) + d.weeks * 7 + d.days;
    t = wallClockToInstant(target * DAY_MS + timeOfDay, tz);
  }
  return t + timePartMs(d);
}
