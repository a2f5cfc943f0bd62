import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  ActionBase, ActionResult, CallbackArgs, ComplaintState, DispatchArgs, FollowUpArgs, ResolveArgs, SpecialReportArgs,
  ValidityArgs, WithdrawArgs,
} from './complaint.types';
import type { BranchCalendar } from '../../libs/domain/src/calendar/calendar.types';

/** Sent with update-with-start at intake: completes once the complaint's row is written. */
export const intakeUpdate = defineUpdate<{ complaintId: string; reference: string }>('intake');
export const dispatchUpdate = defineUpdate<ActionResult, [DispatchArgs]>('dispatch');
export const acknowledgeUpdate = defineUpdate<ActionResult, [ActionBase]>('acknowledge');
export const followUpUpdate = defineUpdate<ActionResult, [FollowUpArgs]>('followUp');
export const validityUpdate = defineUpdate<ActionResult, [ValidityArgs]>('determineValidity');
export const resolveUpdate = defineUpdate<ActionResult, [ResolveArgs]>('resolve');
export const callbackUpdate = defineUpdate<ActionResult, [CallbackArgs]>('callback');
export const withdrawUpdate = defineUpdate<ActionResult, [WithdrawArgs]>('withdraw');
export const specialReportUpdate = defineUpdate<ActionResult, [SpecialReportArgs]>('submitSpecialReport');

export const stateQuery = defineQuery<ComplaintState>('state');
/** The branch calendar changed: recompute the due times of deadlines not yet fired. */
export const calendarChangedSignal = defineSignal<[{ calendar: BranchCalendar; changedBy: string }]>('calendarChanged');
