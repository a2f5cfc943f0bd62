import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  ActionBase, ActionResult, CallbackArgs, ComplaintState, DispatchArgs, FollowUpArgs, ResolveArgs, SpecialReportArgs,
  TenantStamped, ValidityArgs, WithdrawArgs,
} from './complaint.types';
import type { HandOverArgs, MergeArgs, MergeReceivedArgs } from './complaint.types';
import type { FacilityRestoredArgs, ReclassifyArgs, UpdateFactsArgs } from './complaint.types';
import type { BranchCalendar } from '../../libs/domain/src/calendar/calendar.types';
import type { Severity } from '../../libs/domain/src/enums';

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

/**
 * A severity rule fired outside the complaint (its matter crossed a threshold of the tenant's
 * policy): the complaint takes `severity` if it is higher than its own — severity never goes down —
 * and records SEVERITY_CHANGED naming the rule. Sent by the matter workflow (signal), idempotent.
 */
export const severityRuleSignal = defineSignal<[{ tenantId: string; severity: Severity; rule: string; matterId: string | null; firedAt: number }]>('severityRule');

/** The complaint becomes MERGED into another of the same matter (`intoId`); its open deadlines close. */
export const mergeUpdate = defineUpdate<ActionResult, [TenantStamped<MergeArgs>]>('merge');
/** 首问责任制: an explicit, tracked hand-over of who follows the complaint through. */
export const handOverUpdate = defineUpdate<ActionResult, [TenantStamped<HandOverArgs>]>('handOver');
/**
 * Sent by a merged complaint's workflow to its survivor: records MERGE_RECEIVED once per merged
 * complaint (the survivor ignores a repeat, and another tenant's).
 */
export const mergeReceivedSignal = defineSignal<[TenantStamped<MergeReceivedArgs>]>('mergeReceived');

// Severity that follows the facts (staff actions).
/** Staff correct the facts severity is judged by (households, loss, injury, media, litigation, emergency); the level follows upward. */
export const updateFactsUpdate = defineUpdate<ActionResult, [TenantStamped<UpdateFactsArgs>]>('updateComplaintFacts');
/** Staff set the category and/or the level explicitly, with a reason. */
export const reclassifyUpdate = defineUpdate<ActionResult, [TenantStamped<ReclassifyArgs>]>('reclassify');
/** The facility outage the complaint is about is over: the outage's severity timer stops. */
export const facilityRestoredUpdate = defineUpdate<ActionResult, [TenantStamped<FacilityRestoredArgs>]>('recordFacilityRestored');

// The customer hears back (outbound messages) and answers (the status page).
/** What became of one outbound message to the complainant: DELIVERED meets the deadlines it `meets`; the others go on the timeline with the reason. */
export interface CustomerMessageResult {
  messageId: string;
  kind: string;
  channel: string;
  status: 'DELIVERED' | 'FAILED' | 'OPTED_OUT' | 'NO_CONTACT';
  /** Deadline kinds a delivery meets (per the policy), e.g. ['CUSTOMER_REPLY', 'PROGRESS_REPLY']. */
  meets: string[];
  reason: string | null;
  at: number;
}
/** Sent by the worker's delivery loop, once per message result (the workflow ignores a repeat of the same messageId). */
export const customerMessageResultSignal = defineSignal<[{ tenantId: string } & CustomerMessageResult]>('customerMessageResult');
/** The complainant confirms or disputes the callback result on the status page (the same requestId twice records once). */
export interface CustomerResponse {
  response: 'CONFIRMED' | 'DISPUTED';
  comment: string | null;
  at: number;
  requestId: string;
}
export const customerRespondedSignal = defineSignal<[{ tenantId: string } & CustomerResponse]>('customerResponded');
