import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  ActionBase, ActionResult, CallbackArgs, ComplaintState, DispatchArgs, FollowUpArgs, ResolveArgs, SpecialReportArgs,
  TenantStamped, ValidityArgs, WithdrawArgs,
} from './complaint.types';
import type { BranchCalendar } from '../../libs/domain/src/calendar/calendar.types';

// Staff actions carry the tenant they were sent for: the workflow's validators refuse one that is not its own.
/** Sent with update-with-start at intake: completes once the complaint's row is written. */
export const intakeUpdate = defineUpdate<{ complaintId: string; reference: string }>('intake');
export const dispatchUpdate = defineUpdate<ActionResult, [TenantStamped<DispatchArgs>]>('dispatch');
export const acknowledgeUpdate = defineUpdate<ActionResult, [TenantStamped<ActionBase>]>('acknowledge');
export const followUpUpdate = defineUpdate<ActionResult, [TenantStamped<FollowUpArgs>]>('followUp');
export const validityUpdate = defineUpdate<ActionResult, [TenantStamped<ValidityArgs>]>('determineValidity');
export const resolveUpdate = defineUpdate<ActionResult, [TenantStamped<ResolveArgs>]>('resolve');
export const callbackUpdate = defineUpdate<ActionResult, [TenantStamped<CallbackArgs>]>('callback');
export const withdrawUpdate = defineUpdate<ActionResult, [TenantStamped<WithdrawArgs>]>('withdraw');
export const specialReportUpdate = defineUpdate<ActionResult, [TenantStamped<SpecialReportArgs>]>('submitSpecialReport');

export const stateQuery = defineQuery<ComplaintState>('state');
/**
 * The branch calendar changed: recompute the due times of deadlines not yet fired. Names the tenant it
 * was sent for: a complaint ignores another tenant's (or one naming none).
 */
export const calendarChangedSignal = defineSignal<[{ tenantId: string; calendar: BranchCalendar; changedBy: string }]>('calendarChanged');
