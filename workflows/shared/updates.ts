import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  ActionBase, ActionResult, CallbackArgs, ComplaintState, DispatchArgs, FollowUpArgs, ResolveArgs, ValidityArgs, WithdrawArgs,
} from './complaint.types';

/** Sent with update-with-start at intake: completes once the complaint's row is written. */
export const intakeUpdate = defineUpdate<{ complaintId: string; reference: string }>('intake');
export const dispatchUpdate = defineUpdate<ActionResult, [DispatchArgs]>('dispatch');
export const acknowledgeUpdate = defineUpdate<ActionResult, [ActionBase]>('acknowledge');
export const followUpUpdate = defineUpdate<ActionResult, [FollowUpArgs]>('followUp');
export const validityUpdate = defineUpdate<ActionResult, [ValidityArgs]>('determineValidity');
export const resolveUpdate = defineUpdate<ActionResult, [ResolveArgs]>('resolve');
export const callbackUpdate = defineUpdate<ActionResult, [CallbackArgs]>('callback');
export const withdrawUpdate = defineUpdate<ActionResult, [WithdrawArgs]>('withdraw');

export const stateQuery = defineQuery<ComplaintState>('state');
/** The branch calendar changed: recompute deadlines not yet fired. */
export const calendarChangedSignal = defineSignal<[unknown]>('calendarChanged');
