import { addCalendarDuration } from '../calendar/business-time.util';
import type { BranchCalendar } from '../calendar/calendar.types';
import type { ComplaintStatus, Responsibility, Severity } from '../enums';
import { parsePolicyDuration, policyDurationToMs } from '../policy/policy-duration.util';
import type { SeverityThresholds } from '../policy/policy.types';
import { classifySeverity, severityRank } from './severity.util';

// Severity that follows the facts: what the complaint knows now (facts staff may correct, a facility
// outage and its restoration, its age and responsibility) and which rules have already fired. Pure:
// the lifecycle reducer calls these with `now`, the workflow uses the next due time for its one timer.

export const FACILITY_KINDS = ['POWER', 'WATER', 'AIR_CONDITIONING', 'ELEVATOR'] as const;
export type FacilityKind = (typeof FACILITY_KINDS)[number];

/** A facility failure the complaint is about: since when, and when it was restored (null while down). */
export interface FacilityOutage {
  kind: FacilityKind;
  since: number;
  restoredAt: number | null;
}

/** The facts severity is judged by; intake sets them, `updateComplaintFacts` corrects them. */
export interface ComplaintFacts {
  householdsAffected: number;
  lossAmountYuan: number | null;
  injury: boolean;
  mediaExposure: boolean;
  litigation: boolean;
  emergency: boolean;
}

/** A correction of some facts (at least one). */
export type FactsPatch = Partial<ComplaintFacts>;

export const FACT_KEYS: readonly (keyof ComplaintFacts)[] = ['householdsAffected', 'lossAmountYuan', 'injury', 'mediaExposure', 'litigation', 'emergency'];

/** The rule names a timeline's SEVERITY_CHANGED carries for the rules run inside the complaint. */
export const TIMED_SEVERITY_RULES = ['unresolvedHotAfter', 'unresolvedMajorAfter', 'facilityOutage'] as const;
export type TimedSeverityRule = (typeof TIMED_SEVERITY_RULES)[number];

/** Statuses in which a complaint counts as unresolved (its current round not yet resolved). */
const UNRESOLVED: readonly ComplaintStatus[] = ['RECEIVED', 'DISPATCHED', 'IN_PROGRESS'];

/** A time-based rule and when it falls due. */
export interface SeverityRuleDue {
  rule: TimedSeverityRule;
  severity: Severity;
  dueAt: number;
}

/** What the time-based rules read from a complaint. */
export interface TimedRuleSubject {
  status: ComplaintStatus;
  responsibility: Responsibility;
  receivedAt: number;
  facilityOutage: FacilityOutage | null;
  /** Rules already fired (each fires once). */
  firedRules: readonly string[];
  calendar: BranchCalendar;
}

/** `anchor` + an ISO duration on the wall clock of the branch's zone; null when the rule is off or unusable. */
function afterOnCalendar(anchor: number, duration: string | null | undefined, calendar: BranchCalendar): number | null {
  if (duration === null || duration === undefined) return null;
  try {
    return addCalendarDuration(anchor, duration, calendar.timezone);
  } catch {
    // A duration the calendar maths refuses (a policy stored before the bounds): 24-hour days instead.
    const parts = parsePolicyDuration(duration);
    return parts ? anchor + policyDurationToMs(parts) : null;
  }
}

/**
 * The time-based severity rules that apply to the complaint now and have not fired yet, with their due
 * times (earliest first): unresolved through our fault (responsibility RESPONSIBLE, current round not
 * resolved) `unresolvedHotAfter` / `unresolvedMajorAfter` after it was received; a facility outage not
 * restored `facilityOutageMajorAfter` after it began. Due times run on the branch's calendar time.
 */
export function pendingTimedRules(c: TimedRuleSubject, t: SeverityThresholds): SeverityRuleDue[] {
  const due: SeverityRuleDue[] = [];
  const open = (rule: string): boolean => !c.firedRules.includes(rule);
  if (c.responsibility === 'RESPONSIBLE' && UNRESOLVED.includes(c.status)) {
    const hot = afterOnCalendar(c.receivedAt, t.unresolvedHotAfter, c.calendar);
    if (hot !== null && open('unresolvedHotAfter')) due.push({ rule: 'unresolvedHotAfter', severity: 'HOT', dueAt: hot });
    const major = afterOnCalendar(c.receivedAt, t.unresolvedMajorAfter, c.calendar);
    if (major !== null && open('unresolvedMajorAfter')) due.push({ rule: 'unresolvedMajorAfter', severity: 'MAJOR', dueAt: major });
  }
  const o = c.facilityOutage;
  if (o && o.restoredAt === null && !['CLOSED', 'WITHDRAWN', 'MERGED'].includes(c.status) && open('facilityOutage')) {
    const at = afterOnCalendar(o.since, t.facilityOutageMajorAfter, c.calendar);
    if (at !== null) due.push({ rule: 'facilityOutage', severity: 'MAJOR', dueAt: at });
  }
  return due.sort((a, b) => a.dueAt - b.dueAt);
}

/** When the next time-based rule falls due, or null: the workflow's one timer also waits for it. */
export function nextTimedRuleAt(c: TimedRuleSubject, t: SeverityThresholds): number | null {
  const due = pendingTimedRules(c, t);
  return due.length > 0 ? due[0].dueAt : null;
}

/** True when an outage restored at `restoredAt` was down longer than the policy's window (the rule fires on restoration). */
export function outageOverran(o: Pick<FacilityOutage, 'since'>, restoredAt: number, t: SeverityThresholds, calendar: BranchCalendar): boolean {
  const at = afterOnCalendar(o.since, t.facilityOutageMajorAfter, calendar);
  return at !== null && restoredAt > at;
}

/** The level and the rule names the facts call for (classifySeverity's reason codes). */
export function severityOfFacts(facts: ComplaintFacts, t: SeverityThresholds): { severity: Severity; reasons: string[] } {
  const { severity, reasons } = classifySeverity(
    {
      householdsAffected: facts.householdsAffected,
      lossAmountYuan: facts.lossAmountYuan ?? undefined,
      injury: facts.injury,
      mediaExposure: facts.mediaExposure,
      litigation: facts.litigation,
    },
    t,
  );
  return { severity, reasons };
}

/** True when `to` is more severe than `from` (rules only ever upgrade). */
export function isUpgrade(from: Severity, to: Severity): boolean {
  return severityRank(to) > severityRank(from);
}

/** The once-only key of a rule fired by a matter (the same rule of the same matter records once). */
export function matterRuleKey(matterId: string | null, rule: string): string {
  return `matter:${matterId ?? '-'}:${rule}`;
}

/** How many fired-rule keys a complaint keeps (bounded state; the oldest are forgotten first). */
export const MAX_FIRED_RULES = 200;
