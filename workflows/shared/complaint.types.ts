import type { BranchCalendar } from '../../libs/domain/src/calendar/calendar.types';
import type { ComplaintStatus } from '../../libs/domain/src/enums';
import type { ComplaintState, IntakeFacts, TimelineEventRecord } from '../../libs/domain/src/lifecycle/complaint.types';
export type { FacilityRestoredArgs, ReclassifyArgs, UpdateFactsArgs } from '../../libs/domain/src/lifecycle/complaint.types';
import type { Policy } from '../../libs/domain/src/policy/policy.types';

// The lifecycle's state, events and action arguments are defined with the reducer in libs/domain;
// the gateway and the worker keep importing them from here.
export type {
  ActionBase, CallbackArgs, ComplaintState, DeadlineState, DispatchArgs, FollowUpArgs, ResolveArgs, SpecialReportArgs, SpecialReportRecord,
  TimelineEventRecord, ValidityArgs, WithdrawArgs, MergeArgs, HandOverArgs, MergeReceivedArgs,
} from '../../libs/domain/src/lifecycle/complaint.types';

/** What intake recorded; fixed for the life of the complaint (the lifecycle reads its IntakeFacts). */
export interface ComplaintIntake extends IntakeFacts {
  idempotencyKey: string;
  branchId: string;
  companyId: string;
  branchCode: string;
  description: string;
  demand: string | null;
  location: string | null;
  complainant: { name: string; phone: string | null; unit: string | null; email?: string | null; wechat?: string | null };
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
  /** Carried across continue-as-new: the escalation triggers already raised (`<trigger>/<round>`), each raised once. */
  raisedEscalations?: string[];
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

/** The row the read model stores, as activities receive it. */
export interface ComplaintProjection {
  tenantId: string;
  complaintId: string;
  state: ComplaintState;
  events: TimelineEventRecord[];
}

/**
 * A staff action's arguments as sent to the workflow: the gateway's engine adds the tenant it acts for
 * (the caller's), and the workflow refuses an action whose tenant is not its own. Optional in the type
 * only so the actions can be built without it; an action without it is refused.
 */
export type TenantStamped<A> = A & { tenantId?: string };

export interface ActionResult {
  complaintId: string;
  status: ComplaintStatus;
  seq: number;
}

/** Failure types the workflow raises for business rule violations (mapped to API codes by the gateway). */
export const INVALID_TRANSITION = 'INVALID_TRANSITION';
export const ACTION_FORBIDDEN = 'ACTION_FORBIDDEN';
/** A command sent for another tenant (or naming none) reached a complaint's workflow: refused, nothing applied. */
export const TENANT_MISMATCH = 'TENANT_MISMATCH';

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
