import type { CallbackMethod, Category } from '../enums';
import type { DeadlineRule } from '../policy/policy.types';

// Work orders to contractors (domain.md §6; 003 一.4, 一.5, 四.2.1; 004 篇4): the shared vocabulary of
// the work-order reducer, its workflow, the read model and the API.

export const WORK_ORDER_STATUSES = ['ISSUED', 'CONTACTED', 'BOOKED', 'IN_PROGRESS', 'COMPLETED', 'REASSIGNED', 'CANCELLED'] as const;
/**
 * ISSUED: the contractor has the order (attempt 1, or a reopened order back with the same contractor).
 * CONTACTED: the contractor reached the customer (a visit not yet booked — reserved; recordContractorContact books at once).
 * BOOKED: a visit is booked (`bookedFor`). IN_PROGRESS: the contractor is on site.
 * COMPLETED: work done (signed or not). REASSIGNED: the job went to another contractor and waits for their contact.
 * CANCELLED: withdrawn by staff (or the complaint ended).
 */
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];

/** Open = still needs the contractor (not completed, not cancelled). */
export const OPEN_WORK_ORDER_STATUSES: readonly WorkOrderStatus[] = ['ISSUED', 'CONTACTED', 'BOOKED', 'IN_PROGRESS', 'REASSIGNED'];

/** The trades a contractor is listed for on a branch (elevator, fire system, cleaning, greening …). */
export const TRADES = ['ELEVATOR', 'FIRE_SYSTEM', 'PLUMBING', 'ELECTRICAL', 'CLEANING', 'GREENING', 'SECURITY', 'GENERAL_REPAIR'] as const;
export type Trade = (typeof TRADES)[number];

export const MATERIAL_SOURCES = ['COMPANY', 'CUSTOMER'] as const;
export type MaterialSource = (typeof MATERIAL_SOURCES)[number];

/** A material used on the job (004 篇4): who supplied it, what it cost, whether it passed its check. */
export interface Material {
  name: string;
  source: MaterialSource;
  amountYuan: number | null;
  checkPassed: boolean | null;
}

/** The work order's clocks. */
export const WORK_ORDER_DEADLINE_KINDS = ['REPAIR_ORDER', 'CONTRACTOR_CONTACT', 'VISIT', 'COMPLETION', 'RETURN_VISIT'] as const;
/**
 * REPAIR_ORDER: engineering receives the repair order within the policy's time of the complaint's receipt (004 篇4: 20 min);
 * met or breached at issue. CONTRACTOR_CONTACT: the contractor contacts the customer to book a visit (policy
 * deadlines.CONTRACTOR_CONTACT, each attempt). VISIT: the contractor is on site by the booked time plus the
 * grace. COMPLETION: the work is done within `completeWithin` of the booked time. RETURN_VISIT: the return visit
 * `returnVisitAfter` after completion.
 */
export type WorkOrderDeadlineKind = (typeof WORK_ORDER_DEADLINE_KINDS)[number];

/** The kinds whose miss is the contractor's one chance gone (003 一.5): the job goes to a third party. */
export const ONE_CHANCE_KINDS: readonly WorkOrderDeadlineKind[] = ['CONTRACTOR_CONTACT', 'VISIT'];

export interface WorkOrderDeadline {
  kind: WorkOrderDeadlineKind;
  /** The attempt it belongs to. */
  attempt: number;
  startedAt: number;
  dueAt: number;
  metAt: number | null;
  breachedAt: number | null;
  /** Ended without being met or breached (reassigned, cancelled, superseded by a new booking). */
  cancelledAt: number | null;
}

/** Per-tenant work-order policy (absent in policies stored before work orders: the preset's is used). */
export interface WorkOrderPolicy {
  /** Engineering receives the repair order within this of the complaint's receipt (004 篇4: PT20M, business time). */
  repairOrderWithin: DeadlineRule;
  /** Grace after the booked time by which the contractor must be on site (calendar time, e.g. PT30M). */
  visitGrace: string;
  /** The work is done within this of the booked time (on-time completion; e.g. P1D business time). */
  completeWithin: DeadlineRule;
  /** The return visit this long after completion (calendar time, P3D). */
  returnVisitAfter: string;
  /** A missed contact or visit sends the job to the next contractor of the trade automatically (else a dispatcher task). */
  autoReassign: boolean;
  /** The most attempts a work order may take (1–10); after that a miss leaves it to the dispatcher. */
  maxAttempts: number;
}

/** One attempt: one contractor's turn at the job (the scorecard's unit). */
export interface WorkOrderAttempt {
  attempt: number;
  contractorId: string;
  startedAt: number;
  /** How the attempt began: the first issue, a reassignment (miss or staff), a reopen after an unsatisfied return visit. */
  cause: 'ISSUED' | 'MISSED' | 'STAFF_REASSIGNED' | 'REOPENED';
  contactDueAt: number;
  contactedAt: number | null;
  bookedFor: number | null;
  onSiteAt: number | null;
  completionDueAt: number | null;
  completedAt: number | null;
  /** The one chance the contractor missed on this attempt (recorded against them), if any. */
  missed: 'CONTRACTOR_CONTACT' | 'VISIT' | null;
  /** How the attempt ended (null while it is the current one). */
  ended: 'MISSED' | 'REASSIGNED' | 'COMPLETED' | 'CANCELLED' | null;
  /** Completed, then an unsatisfied return visit reopened the order (not a first-time fix). */
  reopened: boolean;
  /** The return visit's verdict on this attempt's work, once recorded. */
  returnVisitSatisfied: boolean | null;
}

export interface CustomerSignature {
  signedBy: string;
  signedAt: number;
  /** The uploaded image (work_order_signatures row), when the client sent one. */
  imageId: string | null;
}

export interface ReturnVisit {
  at: number;
  actorId: string;
  method: CallbackMethod;
  satisfied: boolean;
  comment: string | null;
}

/** Everything the work-order workflow knows; the read model is a projection of it. */
export interface WorkOrderState {
  status: WorkOrderStatus;
  attempt: number;
  contractorId: string;
  trade: Trade;
  description: string;
  issuedAt: number;
  contactedAt: number | null;
  bookedFor: number | null;
  onSiteAt: number | null;
  completedAt: number | null;
  materials: Material[];
  chargeYuan: number | null;
  signature: CustomerSignature | null;
  returnVisit: ReturnVisit | null;
  /** A miss with nobody to take the job automatically: the dispatcher must reassign (003 一.5). */
  awaitingDispatcher: boolean;
  cancelledReason: string | null;
  /** Contractors already tried on this order (the automatic third party is someone else). Bounded by maxAttempts. */
  attempts: WorkOrderAttempt[];
  deadlines: WorkOrderDeadline[];
  /** Monotonic: bumped per applied command that changed something (events are numbered from it). */
  seq: number;
}

export const WORK_ORDER_EVENT_TYPES = [
  'ISSUED', 'REPAIR_ORDER_LATE', 'CONTACTED', 'ON_SITE', 'COMPLETED', 'SIGNED', 'DEADLINE_BREACHED', 'MISSED',
  'REASSIGNED', 'AWAITING_DISPATCHER', 'RETURN_VISIT', 'REOPENED', 'CANCELLED',
] as const;
export type WorkOrderEventType = (typeof WORK_ORDER_EVENT_TYPES)[number];

export interface WorkOrderEvent {
  seq: number;
  type: WorkOrderEventType;
  at: number;
  actorId: string | null;
  payload: Record<string, unknown>;
}

/** What the workflow is started with (all in its history: calendar and policy included). */
export interface WorkOrderContext {
  complaintId: string;
  complaintReceivedAt: number;
  complaintCategory: Category | null;
  policy: WorkOrderPolicy;
  /** DeadlineRule of CONTRACTOR_CONTACT from the tenant's policy deadlines. */
  contactRule: DeadlineRule;
}

// --- commands ---------------------------------------------------------------------------------------
interface Actor { actorId: string }
export type WorkOrderCommand =
  | { type: 'ISSUE'; contractorId: string; trade: Trade; description: string; actorId: string }
  | ({ type: 'CONTACT'; bookedFor: number } & Actor)
  | ({ type: 'ON_SITE' } & Actor)
  | ({ type: 'COMPLETE'; materials: Material[]; chargeYuan: number | null; signature: CustomerSignature | null } & Actor)
  | ({ type: 'SIGN'; signature: CustomerSignature } & Actor)
  | ({ type: 'REASSIGN'; contractorId: string; reason: string } & Actor)
  | ({ type: 'RETURN_VISIT'; method: CallbackMethod; satisfied: boolean; comment: string | null } & Actor)
  | ({ type: 'CANCEL'; reason: string } & Actor)
  /** The earliest open deadline's timer fired: breach what is due; a one-chance miss asks for the next contractor. */
  | { type: 'TIMER_FIRED' }
  /** The answer to NEXT_CONTRACTOR: the next contractor of the trade on the branch's list (null: none left). */
  | { type: 'NEXT_CONTRACTOR'; contractorId: string | null };

export type WorkOrderEffect =
  | { type: 'PERSIST' }
  | { type: 'REARM_TIMER' }
  /** Find the next contractor of the trade on the branch's list, skipping `exclude`; answer with NEXT_CONTRACTOR. */
  | { type: 'FIND_NEXT_CONTRACTOR'; trade: Trade; exclude: string[] }
  /** An unsatisfied return visit: the complaint is told too (it reopens if it was waiting for its callback). */
  | { type: 'TELL_COMPLAINT_UNSATISFIED'; method: CallbackMethod; comment: string | null; actorId: string }
  /** Nothing more can happen (return visit satisfied, or cancelled): the workflow ends. */
  | { type: 'FINISHED' };

export interface WorkOrderRefusal { code: string; message: string }

export type WorkOrderReduceResult =
  | { refused: WorkOrderRefusal }
  | { state: WorkOrderState; events: WorkOrderEvent[]; effects: WorkOrderEffect[] };

export interface WorkOrderReduceContext {
  now: number;
  ctx: WorkOrderContext;
  /** The branch calendar (BranchCalendar) the deadlines run on. */
  calendar: import('../calendar/calendar.types').BranchCalendar;
}
