import type { BranchCalendar } from '../calendar/calendar.types';
import type {
  CallbackMethod, Category, Channel, ComplaintKind, ComplaintStatus, DeadlineKind, Responsibility, Severity, Validity,
} from '../enums';
import type { ComplaintFacts, FacilityKind, FacilityOutage, FactsPatch } from '../severity/severity-rules.util';

// The complaint's lifecycle state and the staff actions' arguments: the reducer's vocabulary. The
// workflow carries the state (and continue-as-new hands it on), the read model is a projection of it;
// workflows/shared re-exports these types for the gateway and the worker.

export interface DeadlineState {
  kind: DeadlineKind;
  round: number;
  /** When the obligation started; the due time is recomputed from it when the calendar changes. */
  anchorAt: number;
  dueAt: number;
  metAt: number | null;
  breachedAt: number | null;
  /** Closed without being met (the complaint was merged into another): no timer, no breach. */
  cancelledAt?: number | null;
}

/** One timeline event as the workflow emits it: `seq` counts from 1 without gaps over the complaint's life. */
export interface TimelineEventRecord {
  seq: number;
  at: number;
  type: string;
  actor: string | null;
  data: Record<string, unknown>;
}

export interface SpecialReportRecord {
  whatHappened: string;
  rootCause: string;
  preventiveMeasures: string;
  submittedAt: number;
  submittedBy: string;
}

/** The workflow-owned state of a complaint; the read model is a projection of it. */
export interface ComplaintState {
  reference: string | null;
  status: ComplaintStatus;
  round: number;
  category: Category;
  severity: Severity;
  validity: Validity;
  responsibility: Responsibility;
  assigneeId: string | null;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
  satisfied: boolean | null;
  lastCallbackMethod: CallbackMethod | null;
  deadlines: DeadlineState[];
  /** The last timeline sequence number handed out. */
  seq: number;
  /** Follow-ups recorded since the last dispatch (the second one meets FOLLOW_UP_2). */
  followUpsSinceDispatch: number;
  assigneeIsContractor: boolean;
  specialReport: SpecialReportRecord | null;
  /** The branch calendar the deadlines run on (replaced when the branch's calendar changes). */
  calendar: BranchCalendar;
  // Severity that follows the facts (optional: a state carried over from a run before the rules had none).
  /** The facts severity is judged by: intake's, as corrected by staff. */
  facts?: ComplaintFacts;
  /** When the complaint was received (epoch ms): the time-based rules count from it. */
  receivedAt?: number;
  /** A facility failure the complaint is about, and its restoration. */
  facilityOutage?: FacilityOutage | null;
  /** Severity rules that have fired (each fires once): rule names, and matter:<id>:<rule> for a matter's. */
  firedRules?: string[];
  /**
   * 首问责任制: who follows the complaint through now, once it has been handed over; absent (or null)
   * while the first-contact owner still does. Absent in states from before hand-over existed.
   */
  ownerId?: string | null;
  /** The complaint this one was merged into (status MERGED). */
  mergedIntoId?: string | null;
  /** The complaints merged into this one, by id (each recorded once). */
  mergedFrom?: string[];
  /** Outbound messages whose outcome is on the timeline (the newest 50): a repeated report is ignored. */
  messageResults?: string[];
  /** The complainant's responses on the status page already recorded (their request ids, the newest 50). */
  customerResponses?: string[];
}

/** The intake facts the lifecycle reads (a subset of what intake records; fixed for the complaint's life). */
export interface IntakeFacts {
  channel: Channel;
  kind: ComplaintKind;
  category: Category;
  householdsAffected: number;
  lossAmountYuan: number | null;
  injury: boolean;
  mediaExposure: boolean;
  litigation: boolean;
  emergency: boolean;
  receivedAt: number;
  firstContactOwnerId: string;
  /** The customer's own deadline for a resolution, if they gave one. */
  customerDeadline?: number | null;
  /** A power, water, air-conditioning or elevator failure the complaint is about, and since when (epoch ms). */
  facilityOutage?: { kind: FacilityKind; since: number } | null;
}

/** What every staff action carries: who did it. */
export interface ActionBase {
  actorId: string;
}
export interface DispatchArgs extends ActionBase { assigneeId: string; note: string | null; assigneeIsContractor?: boolean }
export interface FollowUpArgs extends ActionBase {
  note: string;
  customerInformed: boolean;
  /** Send the customer a progress message (recorded on the FOLLOW_UP event; the worker's outbox sends it). */
  messageCustomer?: boolean;
}
export interface ValidityArgs extends ActionBase { validity: Validity; responsibility: Responsibility; reason: string }
export interface ResolveArgs extends ActionBase {
  resolution: string;
  customerSigned: boolean | null;
  /** Staff's reason to resolve a REPAIR complaint while one of its work orders is open or unsigned (recorded on RESOLVED). */
  workOrderOverrideReason?: string | null;
}
export interface CallbackArgs extends ActionBase { method: CallbackMethod; satisfied: boolean; comment: string | null }
export interface WithdrawArgs extends ActionBase { reason: string }
export interface SpecialReportArgs extends ActionBase { whatHappened: string; rootCause: string; preventiveMeasures: string }
export interface UpdateFactsArgs extends ActionBase { facts: FactsPatch; reason: string }
export interface ReclassifyArgs extends ActionBase { category: Category | null; severity: Severity | null; reason: string }
export interface FacilityRestoredArgs extends ActionBase { restoredAt: number }
export interface MergeArgs extends ActionBase { intoId: string; intoReference: string; reason: string }
export interface HandOverArgs extends ActionBase { toUserId: string; note: string }
/** The survivor of a merge hears of it from the merged complaint's workflow. */
export interface MergeReceivedArgs extends ActionBase { fromId: string; fromReference: string | null; reason: string }
