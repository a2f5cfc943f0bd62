import type { ComplaintKind, DeadlineKind, Severity } from '../enums';

/** The lifecycle moments that start and fulfil deadlines. */
export type LifecycleMoment =
  | 'RECEIVED'
  | 'DISPATCHED'
  | 'ACKNOWLEDGED'
  | 'FOLLOW_UP'
  | 'SECOND_FOLLOW_UP'
  | 'CUSTOMER_INFORMED'
  | 'VALIDITY_DETERMINED'
  | 'RESOLVED'
  | 'CALLBACK'
  | 'SPECIAL_REPORT'
  | 'CLOSED';

/** Who a breach is addressed to (the escalation chain itself starts there). */
export type BreachTarget = 'BRANCH_MANAGER' | 'ASSIGNEE' | 'COMPANY_GM';

export interface DeadlinePlanEntry {
  /** The moments that start (or restart, in a new round) this deadline. */
  startsAt: LifecycleMoment[];
  /** The moments that fulfil it. */
  metBy: LifecycleMoment[];
  /** Who hears of a breach, and the follow-up task it creates (if any). */
  onBreach: { notify: BreachTarget; task?: string };
  /** One line for the README's deadline table. */
  meaning: string;
}

/**
 * Which action starts and which fulfils each deadline of the domain (domain.md §4). The
 * workflow applies this table; the README's deadline table is this table in prose.
 */
export const DEADLINE_PLAN: Record<DeadlineKind, DeadlinePlanEntry> = {
  FORWARD: {
    startsAt: ['RECEIVED'], metBy: ['DISPATCHED'], onBreach: { notify: 'BRANCH_MANAGER', task: 'DISPATCH_NOW' },
    meaning: 'forward the complaint to the responsible party (dispatch)',
  },
  ACKNOWLEDGE: {
    startsAt: ['DISPATCHED'], metBy: ['ACKNOWLEDGED'], onBreach: { notify: 'BRANCH_MANAGER', task: 'CHASE_ASSIGNEE' },
    meaning: 'the responsible party confirms receipt',
  },
  VALIDITY: {
    startsAt: ['DISPATCHED'], metBy: ['VALIDITY_DETERMINED'], onBreach: { notify: 'BRANCH_MANAGER', task: 'SERVICE_CENTRE_DECIDES_VALIDITY' },
    meaning: 'validity and responsibility decided (else the service centre decides)',
  },
  FOLLOW_UP_1: {
    startsAt: ['DISPATCHED'], metBy: ['FOLLOW_UP', 'RESOLVED'], onBreach: { notify: 'ASSIGNEE', task: 'FOLLOW_UP' },
    meaning: 'first follow-up after dispatch',
  },
  FOLLOW_UP_2: {
    startsAt: ['DISPATCHED'], metBy: ['SECOND_FOLLOW_UP', 'RESOLVED'], onBreach: { notify: 'BRANCH_MANAGER', task: 'NOTHING_ARRANGED' },
    meaning: 'second follow-up before the end of the working day; nothing arranged → branch manager',
  },
  CUSTOMER_REPLY: {
    startsAt: ['RECEIVED'], metBy: ['CUSTOMER_INFORMED', 'RESOLVED'], onBreach: { notify: 'BRANCH_MANAGER', task: 'CALL_CUSTOMER' },
    meaning: 'the customer hears back (result or progress)',
  },
  PROGRESS_REPLY: {
    startsAt: ['ACKNOWLEDGED'], metBy: ['CUSTOMER_INFORMED', 'RESOLVED'], onBreach: { notify: 'ASSIGNEE', task: 'PROGRESS_REPLY' },
    meaning: 'work under way → a progress reply to the customer',
  },
  RESOLUTION: {
    startsAt: ['RECEIVED'], metBy: ['RESOLVED'], onBreach: { notify: 'BRANCH_MANAGER', task: 'RESOLVE' },
    meaning: 'complaint resolved (each round)',
  },
  WHOLE_PROCESS: {
    startsAt: ['RECEIVED'], metBy: ['CLOSED'], onBreach: { notify: 'BRANCH_MANAGER' },
    meaning: 'the whole process, intake to closure',
  },
  CALLBACK: {
    startsAt: ['RESOLVED'], metBy: ['CALLBACK'], onBreach: { notify: 'BRANCH_MANAGER', task: 'CALL_BACK' },
    meaning: 'callback after resolution',
  },
  REPORT: {
    startsAt: ['RECEIVED'], metBy: ['SPECIAL_REPORT'], onBreach: { notify: 'COMPANY_GM', task: 'SPECIAL_REPORT' },
    meaning: 'hot/major complaint → special report to company and group',
  },
  CONTRACTOR_CONTACT: {
    startsAt: ['DISPATCHED'], metBy: ['ACKNOWLEDGED'], onBreach: { notify: 'BRANCH_MANAGER', task: 'REASSIGN_CONTRACTOR' },
    meaning: 'repair: the contractor contacts the owner to book a visit',
  },
};

/** Facts that decide whether a deadline applies to this complaint at all. */
export interface DeadlineContext {
  kind: ComplaintKind;
  severity: Severity;
  assigneeIsContractor: boolean;
}

/** True when the deadline kind applies to the complaint (some apply only to repairs or to hot/major complaints). */
export function deadlineApplies(kind: DeadlineKind, ctx: DeadlineContext): boolean {
  if (kind === 'REPORT') return ctx.severity === 'HOT' || ctx.severity === 'MAJOR';
  if (kind === 'CONTRACTOR_CONTACT') return ctx.kind === 'REPAIR' && ctx.assigneeIsContractor;
  return true;
}

/** The deadline kinds a moment starts, in a stable order. */
export function deadlinesStartedBy(moment: LifecycleMoment, ctx: DeadlineContext): DeadlineKind[] {
  return (Object.keys(DEADLINE_PLAN) as DeadlineKind[]).filter((k) => DEADLINE_PLAN[k].startsAt.includes(moment) && deadlineApplies(k, ctx));
}

/** The deadline kinds a moment fulfils. */
export function deadlinesMetBy(moment: LifecycleMoment): DeadlineKind[] {
  return (Object.keys(DEADLINE_PLAN) as DeadlineKind[]).filter((k) => DEADLINE_PLAN[k].metBy.includes(moment));
}
