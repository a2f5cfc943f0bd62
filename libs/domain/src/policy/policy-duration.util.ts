// The policy's own ISO-8601 duration check, kept here so policy validation does not depend on
// the calendar's duration parser (the deadline engine owns the business-time meaning of a duration).

/** The components of an ISO-8601 duration `PnYnMnWnDTnHnMnS` (integers; absent = 0). */
export interface PolicyDurationParts {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The components of an ISO-8601 duration, or null when `s` is not one. At least one component is
 * required ("P" and "PT" are rejected, and so is a "T" with no time component after it);
 * components are non-negative integers.
 */
export function parsePolicyDuration(s: unknown): PolicyDurationParts | null {
  if (typeof s !== 'string') return null;
  const m = DURATION.exec(s);
  if (!m) return null;
  const groups = m.slice(1, 8);
  if (groups.every((g) => g === undefined)) return null;
  // "P1DT" has a designator with nothing after it.
  if (s.includes('T') && groups.slice(4).every((g) => g === undefined)) return null;
  const n = (g: string | undefined): number => (g === undefined ? 0 : Number(g));
  return {
    years: n(m[1]), months: n(m[2]), weeks: n(m[3]), days: n(m[4]),
    hours: n(m[5]), minutes: n(m[6]), seconds: n(m[7]),
  };
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
