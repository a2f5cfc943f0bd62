import type { ComplaintState } from '../lifecycle/complaint.types';
import { parsePolicyDuration, policyDurationToMs } from '../policy/policy-duration.util';
import type { BranchRef, RoleGrant } from '../permissions/permission.util';
import { reachesBranch, reachesCompany } from '../permissions/permission.util';
import type { EscalationLevel, EscalationPolicy, EscalationTriggerPolicy } from '../policy/policy.types';

/** A trigger present on a complaint: raised once per (trigger, round). */
export interface RaisedTrigger {
  /** The policy's trigger name: HOT, MAJOR, EMERGENCY, DEADLINE_BREACHED:<kind>. */
  trigger: string;
  /** 1 for severity and emergency; the complaint's round for a deadline breach (a reopened round can breach again). */
  round: number;
  /** What the escalation shows as its reason: SEVERITY:HOT, SEVERITY:MAJOR, EMERGENCY, DEADLINE_BREACHED:<kind>. */
  reason: string;
}

/** The key a raised trigger is remembered by (across continue-as-new). */
export const triggerKey = (t: Pick<RaisedTrigger, 'trigger' | 'round'>): string => `${t.trigger}/${t.round}`;

/**
 * The escalation triggers a complaint's state holds under the policy, in a stable order: an emergency,
 * severity HOT or MAJOR, and each breached deadline the policy marks as escalating. A trigger the
 * policy does not list (or a policy without escalations) raises nothing.
 */
export function escalationTriggers(state: ComplaintState, intakeEmergency: boolean, policy: EscalationPolicy | undefined): RaisedTrigger[] {
  if (!policy) return [];
  const listed = (name: string): boolean => policy.triggers[name] !== undefined && policy.triggers[name] !== null;
  const out: RaisedTrigger[] = [];
  if ((state.facts?.emergency ?? intakeEmergency) && listed('EMERGENCY')) out.push({ trigger: 'EMERGENCY', round: 1, reason: 'EMERGENCY' });
  if ((state.severity === 'HOT' || state.severity === 'MAJOR') && listed(state.severity)) {
    out.push({ trigger: state.severity, round: 1, reason: `SEVERITY:${state.severity}` });
  }
  for (const d of state.deadlines) {
    const name = `DEADLINE_BREACHED:${d.kind}`;
    if (d.breachedAt !== null && listed(name)) out.push({ trigger: name, round: d.round, reason: name });
  }
  return out;
}

/** A policy duration (calendar time, fixed length: validated so) in milliseconds. */
export function escalationDurationMs(iso: string): number {
  const parts = parsePolicyDuration(iso);
  if (!parts) throw new RangeError(`not a duration: ${iso}`);
  return policyDurationToMs(parts);
}

/**
 * How long the level at `index` has to acknowledge: its own `ackWithin` the first time; a repeat of the
 * last level waits `repeatLastEvery`.
 */
export function ackWindowMs(rule: EscalationTriggerPolicy, index: number, repeat: boolean): number {
  return escalationDurationMs(repeat ? rule.repeatLastEvery : rule.levels[index].ackWithin);
}

/** A role grant with the company position it carries (COMPANY_MANAGER: DEPUTY_GM or GM). */
export interface PositionedGrant extends RoleGrant {
  position: 'DEPUTY_GM' | 'GM' | null;
}

/**
 * True when the user's grants make them a holder of the escalation level for the branch: its branch
 * manager, its company's deputy GM or GM (a COMPANY_MANAGER grant with that position), the head office.
 * Reach is the permission module's (reachesBranch / reachesCompany).
 */
export function holdsEscalationLevel(grants: readonly PositionedGrant[], branch: BranchRef, level: EscalationLevel): boolean {
  switch (level) {
    case 'BRANCH_MANAGER':
      return reachesBranch({ roles: grants }, branch, ['BRANCH_MANAGER']);
    case 'COMPANY_DEPUTY_GM':
    case 'COMPANY_GM': {
      const position = level === 'COMPANY_GM' ? 'GM' : 'DEPUTY_GM';
      return reachesCompany({ roles: grants.filter((g) => g.position === position) }, branch.companyId, ['COMPANY_MANAGER']);
    }
    case 'HEAD_OFFICE':
      return reachesBranch({ roles: grants }, branch, ['HEAD_OFFICE']);
  }
}
