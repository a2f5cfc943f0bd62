/** The components of an ISO-8601 duration such as "P1DT2H30M" (all non-negative). */
export interface IsoDuration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

// (?!$) rejects a bare "P"; T(?=\d) rejects a bare or trailing "T" ("PT", "P1DT").
const ISO_DURATION =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,3})?)S)?)?$/;

/**
 * Parses an ISO-8601 duration ("P1D", "PT2H", "P1DT4H30M", "PT0.5S").
 * Components are non-negative integers (seconds may carry up to 3 decimals); a sign, a bare
 * "P"/"PT" or a trailing "T" are rejected. Throws an Error that names the bad string.
 */
export function parseIsoDuration(s: string): IsoDuration {
  const m = typeof s === 'string' ? ISO_DURATION.exec(s) : null;
  if (!m) {
    throw new Error(`Invalid ISO-8601 duration ${JSON.stringify(s)}: expected e.g. "PT2H", "P1D" or "P1DT4H30M"`);
  }
  const n = (g: string | undefined): number => (g === undefined ? 0 : Number(g));
  const d: IsoDuration = {
    years: n(m[1]),
    months: n(m[2]),
    weeks: n(m[3]),
    days: n(m[4]),
    hours: n(m[5]),
    minutes: n(m[6]),
    seconds: n(m[7]),
  };
  for (const v of Object.values(d)) {
    if (!Number.isFinite(v) || v > Number.MAX_SAFE_INTEGER) {
      throw new Error(`Invalid ISO-8601 duration ${JSON.stringify(s)}: a component is too large`);
    }
  }
  return d;
}

/** True when `s` is an ISO-8601 duration that {@link parseIsoDuration} accepts. */
export function isValidIsoDuration(s: string): boolean {
  try {
    parseIsoDuration(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * True when `s` can run on business time: a valid duration made of days (working days) and
 * hours/minutes/seconds (working time) only. Years, months and weeks have no business meaning
 * here (a "week" of working days depends on the calendar), so they are rejected.
 */
export function isValidBusinessDuration(s: string): boolean {
  try {
    assertBusinessDuration(parseIsoDuration(s), s);
    return true;
  } catch {
    return false;
  }
}

/** Throws unless the parsed duration `d` (from the string `source`) is usable as business time. */
export function assertBusinessDuration(d: IsoDuration, source: string): void {
  if (d.years || d.months || d.weeks) {
    throw new Error(
      `Business-time duration ${JSON.stringify(source)} cannot use years, months or weeks: use days (working days) or hours/minutes`,
    );
  }
}

/** Milliseconds of the time part only (hours, minutes, seconds) of a duration. */
export function timePartMs(d: IsoDuration): number {
  return Math.round(d.hours * HOUR_MS + d.minutes * MINUTE_MS + d.seconds * SECOND_MS);
}

/**
 * Exact length in milliseconds of a duration, counting a day as 24 h and a week as 7 × 24 h.
 * Years and months have no fixed length, so a duration using them throws. This is the absolute
 * length: for wall-clock days across a DST change use `addCalendarDuration`, for working days
 * use `addBusinessDuration`.
 */
export function fixedDurationMs(d: IsoDuration): number {
  if (d.years || d.months) {
    throw new Error('A duration with years or months has no fixed length in milliseconds');
  }
  return (d.weeks * 7 + d.days) * DAY_MS + timePartMs(d);
}
