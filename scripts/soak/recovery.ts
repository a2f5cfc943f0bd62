// Intake recovery after a kill: the accepted-intake rate before the kill is the baseline; recovery
// is the first moment from which a short window's rate is back to ≥ 90 % of it.

export interface RecoveryOptions {
  /** The baseline: accepted intakes per second over this long before the kill. */
  baselineMs: number;
  /** The rate after the kill is measured over windows this long, sliding by stepMs. */
  windowMs: number;
  stepMs: number;
  /** Fraction of the baseline that counts as recovered. */
  threshold: number;
}

export const RECOVERY_DEFAULTS: RecoveryOptions = { baselineMs: 20_000, windowMs: 5_000, stepMs: 1_000, threshold: 0.9 };

export interface Recovery {
  /** Accepted intakes per second before the kill. */
  baselinePerSecond: number;
  /** From the kill to the start of the first window at ≥ threshold × baseline; null when none did before `until`. */
  recoveredAfterMs: number | null;
  /** The lowest windowed rate after the kill (how deep the dip was). */
  lowestPerSecond: number;
}

/** How many of the sorted times fall in [from, to). */
export function countIn(sorted: readonly number[], from: number, to: number): number {
  return lowerBound(sorted, to) - lowerBound(sorted, from);
}

function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `acceptedAt`: when each accepted intake got its success answer (ms, sorted ascending). Windows
 * after the kill are looked at until `until` (the next kill or the end of the load), so a slow
 * recovery is not credited to a later quiet period.
 */
export function recoveryAfterKill(acceptedAt: readonly number[], killAt: number, until: number, opts: RecoveryOptions = RECOVERY_DEFAULTS): Recovery {
  const baselinePerSecond = countIn(acceptedAt, killAt - opts.baselineMs, killAt) / (opts.baselineMs / 1000);
  let lowest = Number.POSITIVE_INFINITY;
  let recoveredAfterMs: number | null = null;
  // Bounded: one step per stepMs between the kill and `until`.
  for (let t = killAt; t + opts.windowMs <= until; t += opts.stepMs) {
    const rate = countIn(acceptedAt, t, t + opts.windowMs) / (opts.windowMs / 1000);
    lowest = Math.min(lowest, rate);
    if (recoveredAfterMs === null && rate >= opts.threshold * baselinePerSecond) {
      recoveredAfterMs = t - killAt;
      break;
    }
  }
  return { baselinePerSecond, recoveredAfterMs, lowestPerSecond: Number.isFinite(lowest) ? lowest : 0 };
}
