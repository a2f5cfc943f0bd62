import type { ComplaintStatus } from '../enums';

/** The staff actions that move a complaint through its lifecycle. */
export type ComplaintAction =
  | 'DISPATCH' | 'ACKNOWLEDGE' | 'FOLLOW_UP' | 'DETERMINE_VALIDITY' | 'RESOLVE' | 'CALLBACK' | 'WITHDRAW' | 'SPECIAL_REPORT'
  | 'UPDATE_FACTS' | 'RECLASSIFY' | 'RECORD_FACILITY_RESTORED'
  | 'MERGE' | 'HAND_OVER';

/** Statuses after which nothing more happens to a complaint. */
export const TERMINAL_STATUSES: readonly ComplaintStatus[] = ['CLOSED', 'WITHDRAWN', 'MERGED'];

// 事事有登记、有处理、有跟进、有结果、有回访: no stage may be skipped, so each action names
// exactly the statuses it may start from.
const ALLOWED_FROM: Record<ComplaintAction, readonly ComplaintStatus[]> = {
  DISPATCH: ['RECEIVED', 'DISPATCHED', 'IN_PROGRESS'],
  ACKNOWLEDGE: ['DISPATCHED'],
  FOLLOW_UP: ['DISPATCHED', 'IN_PROGRESS'],
  DETERMINE_VALIDITY: ['RECEIVED', 'DISPATCHED', 'IN_PROGRESS'],
  RESOLVE: ['IN_PROGRESS'],
  CALLBACK: ['CALLBACK_PENDING'],
  WITHDRAW: ['RECEIVED', 'DISPATCHED', 'IN_PROGRESS', 'RESOLVED', 'CALLBACK_PENDING'],
  // A hot or major complaint's special report may come at any time before it is archived.
  SPECIAL_REPORT: ['RECEIVED', 'DISPATCHED', 'IN_PROGRESS', 'RESOLVED', 'CALLBACK_PENDING', 'ANALYSIS_PENDING'],
  // Severity follows the facts while the complaint is open (in analysis its level decides the special report).
  UPDATE_FACTS: ['RECEIVED', 'DISPATCHED', 'IN_PROGRESS', 'RESOLVED', 'CALLBACK_PENDING'],
  RECLASSIFY: ['RECEIVED', 'DISPATCHED', 'IN_PROGRESS', 'RESOLVED', 'CALLBACK_PENDING'],
  RECORD_FACILITY_RESTORED: ['RECEIVED', 'DISPATCHED', 'IN_PROGRESS', 'RESOLVED', 'CALLBACK_PENDING'],
  // Merged into another complaint of the same matter: like a withdrawal, only while the complaint is open.
  MERGE: ['RECEIVED', 'DISPATCHED', 'IN_PROGRESS', 'RESOLVED', 'CALLBACK_PENDING'],
  // 首问责任制: whoever follows it through may hand it on, explicitly, until it is archived.
  HAND_OVER: ['RECEIVED', 'DISPATCHED', 'IN_PROGRESS', 'RESOLVED', 'CALLBACK_PENDING', 'ANALYSIS_PENDING'],
};

/** True when the action may be taken on a complaint in this status. */
export function isActionAllowed(action: ComplaintAction, status: ComplaintStatus): boolean {
  return ALLOWED_FROM[action].includes(status);
}

/** The statuses an action may start from (for error messages). */
export function allowedFrom(action: ComplaintAction): readonly ComplaintStatus[] {
  return ALLOWED_FROM[action];
}

/** A human-readable reason why the action is not allowed, or null when it is. */
export function transitionError(action: ComplaintAction, status: ComplaintStatus): string | null {
  if (isActionAllowed(action, status)) return null;
  return `${action} is not allowed while the complaint is ${status} (allowed from: ${ALLOWED_FROM[action].join(', ')})`;
}

export function isTerminal(status: ComplaintStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}
