import { SEVERITIES } from '../enums';
import type { Severity } from '../enums';
import { parsePolicyDuration, policyDurationToMs } from '../policy/policy-duration.util';
import type { SeverityThresholds } from '../policy/policy.types';

/**
 * What is known about a complaint (and its same-matter group) when its severity is judged.
 * Counts include the complaint being classified.
 */
export interface SeverityFacts {
  /** Households affected at once by this complaint (a collective complaint has several). */
  householdsAffected: number;
  /** Economic loss caused by the company, in yuan. */
  lossAmountYuan?: number | null;
  /** Personal injury caused by the company. */
  injury?: boolean;
  /** Exposed by the media or taken up by a government department. */
  mediaExposure?: boolean;
  /** Legal proceedings have started. */
  litigation?: boolean;
  /** A new complaint after the matter was closed (callback unsatisfied, or complained again). */
  reopened?: boolean;
  /** Complaints on the same matter within the policy's window. */
  sameMatterComplaints?: number;
  /** Distinct complainants on the same matter within the policy's window. */
  sameMatterComplainants?: number;
}

/** One rule that fired, with the level it calls for. */
export interface SeverityTrigger {
  severity: Severity;
  reason: string;
}

export interface SeverityClassification {
  /** The highest level any rule calls for; GENERAL when none fires. */
  severity: Severity;
  /** The reason codes of the rules that call for `severity` (empty for GENERAL). */
  reasons: string[];
  /** Every rule that fired, most severe first (lower levels explain what remains if one fact changes). */
  triggers: SeverityTrigger[];
}

/** The position of a level in GENERAL < IMPORTANT < HOT < MAJOR (0 … 3). */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** The more severe of two levels. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(b) > severityRank(a) ? b : a;
}

function atLeast(value: number | undefined | null, threshold: number | null): threshold is number {
  return threshold !== null && typeof value === 'number' && Number.isFinite(value) && value >= threshold;
}

/**
 * The severity the tenant's thresholds give a complaint, with reason codes such as
 * "COLLECTIVE_HOUSEHOLDS>=5", "LOSS_YUAN>500", "INJURY", "MEDIA_EXPOSURE", "LITIGATION",
 * "REOPENED", "SAME_MATTER_COMPLAINTS>=3", "SAME_MATTER_COMPLAINANTS>=3". Rules switched off in
 * the policy (null threshold, false flag) never fire. Unresolved age is judged separately by
 * unresolvedSeverity; combine the two with maxSeverity.
 */
export function classifySeverity(facts: SeverityFacts, thresholds: SeverityThresholds): SeverityClassification {
  const triggers: SeverityTrigger[] = [];
  const fire = (severity: Severity, reason: string): void => {
    triggers.push({ severity, reason });
  };

  if (atLeast(facts.householdsAffected, thresholds.collectiveHouseholdsMajor)) {
    fire('MAJOR', `COLLECTIVE_HOUSEHOLDS>=${thresholds.collectiveHouseholdsMajor}`);
  } else if (atLeast(facts.householdsAffected, thresholds.collectiveHouseholdsHot)) {
    fire('HOT', `COLLECTIVE_HOUSEHOLDS>=${thresholds.collectiveHouseholdsHot}`);
  }
  const loss = facts.lossAmountYuan;
  if (thresholds.lossYuanMajor !== null && typeof loss === 'number' && loss > thresholds.lossYuanMajor) {
    fire('MAJOR', `LOSS_YUAN>${thresholds.lossYuanMajor}`);
  }
  if (facts.injury === true && thresholds.injuryMajor) fire('MAJOR', 'INJURY');
  if (facts.mediaExposure === true && thresholds.mediaExposureMajor) fire('MAJOR', 'MEDIA_EXPOSURE');
  if (facts.litigation === true && thresholds.litigationMajor) fire('MAJOR', 'LITIGATION');
  if (atLeast(facts.sameMatterComplaints, thresholds.sameMatterComplaintsMajor)) {
    fire('MAJOR', `SAME_MATTER_COMPLAINTS>=${thresholds.sameMatterComplaintsMajor}`);
  }
  if (atLeast(facts.sameMatterComplainants, thresholds.sameMatterComplainantsHot)) {
    fire('HOT', `SAME_MATTER_COMPLAINANTS>=${thresholds.sameMatterComplainantsHot}`);
  }
  if (facts.reopened === true && thresholds.reopenedImportant) fire('IMPORTANT', 'REOPENED');

  // Stable sort: within a level, reasons keep the order above.
  triggers.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  const severity = triggers.length > 0 ? triggers[0].severity : 'GENERAL';
  return { severity, reasons: triggers.filter((t) => t.severity === severity).map((t) => t.reason), triggers };
}

function durationMs(d: string | null): number | null {
  if (d === null) return null;
  const parts = parsePolicyDuration(d);
  return parts ? policyDurationToMs(parts) : null;
}

/**
 * The level a complaint reaches by staying unresolved (through the company's fault — the caller
 * decides that, e.g. only for responsible complaints): MAJOR once `unresolvedMajorAfter` has
 * passed since it was received, HOT once `unresolvedHotAfter` has, otherwise null. Durations are
 * wall-clock with 24-hour days (policy validation allows only weeks, days, hours, minutes,
 * seconds there). Pure: the caller passes `nowMs`.
 */
export function unresolvedSeverity(
  receivedAtMs: number, nowMs: number, thresholds: SeverityThresholds,
): 'HOT' | 'MAJOR' | null {
  const age = nowMs - receivedAtMs;
  if (!Number.isFinite(age) || age < 0) return null;
  const major = durationMs(thresholds.unresolvedMajorAfter);
  if (major !== null && age >= major) return 'MAJOR';
  const hot = durationMs(thresholds.unresolvedHotAfter);
  if (hot !== null && age >= hot) return 'HOT';
  return null;
}

/**
 * When the complaint next changes level by age alone: the instant (ms) the next unresolved
 * threshold is reached, or null when no further threshold applies. Lets a workflow set one timer.
 */
export function nextUnresolvedEscalationAt(
  receivedAtMs: number, nowMs: number, thresholds: SeverityThresholds,
): number | null {
  const candidates = [durationMs(thresholds.unresolvedHotAfter), durationMs(thresholds.unresolvedMajorAfter)]
    .filter((d): d is number => d !== null)
    .map((d) => receivedAtMs + d)
    .filter((at) => at > nowMs)
    .sort((a, b) => a - b);
  return candidates.length > 0 ? candidates[0] : null;
}
