import type { BranchCalendar } from '../../libs/domain/src/calendar/calendar.types';
import type {
  CallbackMethod, Category, Channel, ComplaintKind, ComplaintStatus, DeadlineKind, Responsibility, Severity, Validity,
} from '../../libs/domain/src/enums';
import type { Policy } from '../../libs/domain/src/policy/policy.types';

/** What intake recorded; fixed for the life of the complaint. */
export interface ComplaintIntake {
  idempotencyKey: string;
  branchId: string;
  companyId: string;
  branchCode: string;
  channel: Channel;
  kind: ComplaintKind;
  category: Category;
  description: string;
  demand: string | null;
  location: string | null;
  complainant: { name: string; phone: string | null; unit: string | null };
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
}

export interface ComplaintWorkflowInput {
  tenantId: string;
  complaintId: string;
  intake: ComplaintIntake;
  policy: Policy;
  policyVersion: number;
  calendar: BranchCalendar;
  /** Continue-as-new once the run's history passes this many events (default 2,000). */
  maxHistoryEvents?: number;
  /** Carried across continue-as-new. */
  state?: ComplaintState;
  /** Carried across continue-as-new: the retry keys of actions already applied, with their outcome. */
  appliedActions?: AppliedAction[];
}

/** An action applied under a client's retry key (its Update id), remembered so a retry returns the first outcome. */
export interface AppliedAction {
  updateId: string;
  result: ActionResult;
}

/** How many applied retry keys a complaint remembers (the oldest are forgotten first). */
export const MAX_APPLIED_ACTIONS = 500;

/** Update ids the gateway derives from a client's requestId start with this; others are one-off ids. */
export const RETRY_KEY_UPDATE_PREFIX = 'action-';

export interface DeadlineState {
  kind: DeadlineKind;
  round: number;
  /** When the obligation started; the due time is recomputed from it when the calendar changes. */
  anchorAt: number;
  dueAt: number;
  metAt: number | null;
  breachedAt: number | null;
}

export interface TimelineEventRecord {
  seq: number;
  at: number;
  type: string;
  actor: string | null;
  data: Record<string, unknown>;
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
}

export interface SpecialReportRecord {
  whatHappened: string;
  rootCause: string;
  preventiveMeasures: string;
  submittedAt: number;
  submittedBy: string;
}

/** The row the read model stores, as activities receive it. */
export interface ComplaintProjection {
  tenantId: string;
  complaintId: string;
  state: ComplaintState;
  events: TimelineEventRecord[];
}

/** What every staff action carries: who did it. */
export interface ActionBase {
  actorId: string;
}
export interface DispatchArgs extends ActionBase { assigneeId: string; note: string | null; assigneeIsContractor?: boolean }
export interface FollowUpArgs extends ActionBase { note: string; customerInformed: boolean }
export interface ValidityArgs extends ActionBase { validity: Validity; responsibility: Responsibility; reason: string }
export interface ResolveArgs extends ActionBase { resolution: string; customerSigned: boolean | null }
export interface CallbackArgs extends ActionBase { method: CallbackMethod; satisfied: boolean; comment: string | null }
export interface WithdrawArgs extends ActionBase { reason: string }
export interface SpecialReportArgs extends ActionBase { whatHappened: string; rootCause: string; preventiveMeasures: string }

export interface ActionResult {
  complaintId: string;
  status: ComplaintStatus;
  seq: number;
}

/** Failure types the workflow raises for business rule violations (mapped to API codes by the gateway). */
export const INVALID_TRANSITION = 'INVALID_TRANSITION';
export const ACTION_FORBIDDEN = 'ACTION_FORBIDDEN';

/**
 * A staff action whose read-model write failed for good (bad data, a constraint): the workflow
 * refused it, kept its state as before the action, and recorded PROJECTION_FAILED on the timeline.
 */
export const PROJECTION_FAILED = 'PROJECTION_FAILED';
/** Intake whose registration write failed for good: no complaint row exists and the workflow ends failed. */
export const REGISTRATION_FAILED = 'REGISTRATION_FAILED';
/** The activity failure type for a write that can never succeed on retry (SQLSTATE classes 22, 23, 54; invalid dates). */
export const DATA_REJECTED = 'DATA_REJECTED';

/** What the workflow reports when a write failed for good (ids and codes only, never values). */
export interface ProjectionFailureRecord {
  tenantId: string;
  complaintId: string;
  /** Null when registration itself failed (no row, no reference). */
  reference: string | null;
  /** The timeline event to record (type PROJECTION_FAILED), or null when there is no row to attach it to. */
  event: TimelineEventRecord | null;
  /** What was being written: an action name, DEADLINE_TIMER, CALENDAR_CHANGED, REGISTRATION, … */
  step: string;
  failureType: string;
  failureMessage: string;
}
