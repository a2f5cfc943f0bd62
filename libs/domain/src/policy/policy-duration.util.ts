// ISO-8601 durations as policies use them (the calendar's parser; the deadline engine owns the
// business-time meaning of a duration).

import { IsoDuration, parseIsoDuration } from '../calendar/duration.util';

/** The components of an ISO-8601 duration `PnYnMnWnDTnHnMnS` (integers; absent = 0). */
export type PolicyDurationParts = IsoDuration;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The components of an ISO-8601 duration, or null when `s` is not one (the calendar's parser:
 * "P", "PT" and a trailing "T" are rejected). Policies take whole seconds only.
 */
export function parsePolicyDuration(s: unknown): PolicyDurationParts | null {
  if (typeof s !== 'string') return null;
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
