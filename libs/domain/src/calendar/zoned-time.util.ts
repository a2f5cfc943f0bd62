/**
 * Local wall-clock time ↔ instant (epoch ms) for IANA time zones, on Intl only, plus the local-date
 * arithmetic the calendar needs. Pure and deterministic: no clock, no `Date` constructor.
 */

/** A local wall-clock date-time in some time zone; month 1–12, day 1–31. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

export const DAY_MS = 86_400_000;

// One formatter per zone: constructing Intl.DateTimeFormat costs far more than using it.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    if (typeof timeZone !== 'string' || timeZone === '') {
      throw new Error(`Invalid time zone ${JSON.stringify(timeZone)}`);
    }
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        // h23: some engines print midnight as "24" with hour12: false.
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new Error(`Invalid time zone ${JSON.stringify(timeZone)}: not an IANA time zone name`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `tz` is a time zone name Intl knows (e.g. "Asia/Shanghai", "UTC"). */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

function assertInstant(ms: number): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new Error(`Invalid instant ${String(ms)}: expected epoch milliseconds`);
  }
}

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

// Howard Hinnant's days_from_civil / civil_from_days: proleptic Gregorian, day 0 = 1970-01-01.
/** Days since 1970-01-01 of a proleptic Gregorian date. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floorDiv(y, 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = floorDiv(153 * mp + 2, 5) + day - 1;
  const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The proleptic Gregorian date of a day count since 1970-01-01. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = floorDiv(z, 146097);
  const doe = z - era * 146097;
  const yoe = floorDiv(doe - floorDiv(doe, 1460) + floorDiv(doe, 36524) - floorDiv(doe, 146096), 365);
  const doy = doe - (365 * yoe + floorDiv(yoe, 4) - floorDiv(yoe, 100));
  const mp = floorDiv(5 * doy + 2, 153);
  const day = doy - floorDiv(153 * mp + 2, 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Number of days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  return daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - daysFromCivil(year, month, 1);
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day count since 1970-01-01 of a "YYYY-MM-DD" date, or NaN when it is not a real date. */
export function parseLocalDate(s: string): number {
  const m = typeof s === 'string' ? LOCAL_DATE.exec(s) : null;
  if (!m) return NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  return daysFromCivil(year, month, day);
}

/** True when `s` is a real calendar date written "YYYY-MM-DD". */
export function isValidLocalDate(s: string): boolean {
  return !Number.isNaN(parseLocalDate(s));
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** "YYYY-MM-DD" of a day count since 1970-01-01. */
export function formatLocalDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** The "YYYY-MM-DD" date `n` days after (or before, if negative) the date `s`. */
export function addDaysToLocalDate(s: string, n: number): string {
  const days = parseLocalDate(s);
  if (Number.isNaN(days)) throw new Error(`Invalid local date ${JSON.stringify(s)}: expected "YYYY-MM-DD"`);
  return formatLocalDate(days + n);
}

const WALL_TIME = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;

/**
 * Minutes after midnight of a wall-clock time "HH:mm" (00:00–23:59; "24:00" = 1440 only when
 * `allowEndOfDay`), or NaN when malformed.
 */
export function parseWallTime(s: string, allowEndOfDay = false): number {
  const m = typeof s === 'string' ? WALL_TIME.exec(s) : null;
  if (!m) return NaN;
  if (m[3] !== undefined) return allowEndOfDay ? 1440 : NaN;
  return Number(m[1]) * 60 + Number(m[2]);
}

/** ISO weekday, 1 = Monday … 7 = Sunday, of a day count since 1970-01-01 (a Thursday). */
export function isoWeekdayOfDays(days: number): number {
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

/**
 * ISO weekday (1 = Monday … 7 = Sunday) of a local date "YYYY-MM-DD", or of the instant `ms`
 * in time zone `tz`.
 */
export function isoWeekday(localDate: string): number;
export function isoWeekday(ms: number, tz: string): number;
export function isoWeekday(dateOrMs: string | number, tz?: string): number {
  if (typeof dateOrMs === 'number') {
    if (tz === undefined) throw new Error('isoWeekday(ms, tz) needs a time zone');
    return isoWeekdayOfDays(floorDiv(wallClockMs(dateOrMs, tz), DAY_MS));
  }
  const days = parseLocalDate(dateOrMs);
  if (Number.isNaN(days)) throw new Error(`Invalid local date ${JSON.stringify(dateOrMs)}: expected "YYYY-MM-DD"`);
  return isoWeekdayOfDays(days);
}

const DIGIT_RUNS = /\d+/g;
const PART_INDEX: Partial<Record<string, number>> = { year: 0, month: 1, day: 2, hour: 3, minute: 4, second: 5 };

/**
 * The local wall-clock time of instant `ms` in `tz`, encoded as if it were a UTC epoch-ms value
 * ("wall ms"): `wallClockMs(ms, tz) - ms` is the zone's UTC offset at `ms`.
 */
export function wallClockMs(ms: number, tz: string): number {
  assertInstant(ms);
  const f = formatterFor(tz);
  // format() + digit runs is ~3x faster than formatToParts(); en-US numeric prints
  // "M/D/YYYY, HH:mm:ss". Anything else (an ICU change, a year before 1000 AD) takes the slow path.
  const digits = f.format(ms).match(DIGIT_RUNS);
  let fields: number[];
  if (digits !== null && digits.length === 6 && digits[2].length === 4) {
    fields = [Number(digits[2]), Number(digits[0]), Number(digits[1]), Number(digits[3]), Number(digits[4]), Number(digits[5])];
  } else {
    fields = [0, 1, 1, 0, 0, 0];
    for (const p of f.formatToParts(ms)) {
      const i = PART_INDEX[p.type];
      if (i !== undefined) fields[i] = Number(p.value);
    }
  }
  const [year, month, day, hour, minute, second] = fields;
  // Intl drops milliseconds; offsets are whole seconds, so the sub-second part carries over as is.
  const subSecond = ms - floorDiv(ms, 1000) * 1000;
  return daysFromCivil(year, month, day) * DAY_MS + (((hour % 24) * 60 + minute) * 60 + second) * 1000 + subSecond;
}

function offsetAt(ms: number, tz: string): number {
  return wallClockMs(ms, tz) - ms;
}

/**
 * The instant at which the wall clock of `tz` shows `wallMs` (a wall time encoded as UTC ms, see
 * {@link wallClockMs}). Deterministic at DST transitions, like Temporal's "compatible":
 * - a wall time skipped by a gap moves forward by the gap's length (02:30 on a spring-forward
 *   night in New York → 03:30 EDT);
 * - a wall time repeated by an overlap takes the earlier instant (01:30 on a fall-back night →
 *   01:30 EDT).
 * Assumes at most one offset change within a day either side, true of every real zone rule.
 */
export function wallClockToInstant(wallMs: number, tz: string): number {
  assertInstant(wallMs);
  const before = offsetAt(wallMs - DAY_MS, tz);
  const after = offsetAt(wallMs + DAY_MS, tz);
  if (before === after) return wallMs - before;
  const early = wallMs - before;
  const late = wallMs - after;
  const earlyOk = offsetAt(early, tz) === before;
  const lateOk = offsetAt(late, tz) === after;
  if (earlyOk && lateOk) return Math.min(early, late);
  if (earlyOk) return early;
  if (lateOk) return late;
  // Gap: read the wall time with the offset in force before it, which lands after the gap.
  return early;
}

/** The instant of a local wall-clock date-time in `tz` (DST gaps forward, overlaps earlier). */
export function zonedToInstant(local: LocalDateTime, tz: string): number {
  const wall =
    daysFromCivil(local.year, local.month, local.day) * DAY_MS +
    ((local.hour * 60 + local.minute) * 60 + local.second) * 1000 +
    local.millisecond;
  return wallClockToInstant(wall, tz);
}

/** The local wall-clock date-time of instant `ms` in `tz`. */
export function instantToZoned(ms: number, tz: string): LocalDateTime {
  const wall = wallClockMs(ms, tz);
  const days = floorDiv(wall, DAY_MS);
  let rest = wall - days * DAY_MS;
  const millisecond = rest % 1000;
  rest = (rest - millisecond) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  return { ...civilFromDays(days), hour, minute, second, millisecond };
}

/** The local date "YYYY-MM-DD" of instant `ms` in `tz`. */
export function localDate(ms: number, tz: string): string {
  return formatLocalDate(floorDiv(wallClockMs(ms, tz), DAY_MS));
}

/** Day count since 1970-01-01 of the local date of instant `ms` in `tz`. */
export function localDayNumber(ms: number, tz: string): number {
  return floorDiv(wallClockMs(ms, tz), DAY_MS);
}
