import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EscalationLevel, EscalationTriggerPolicy } from '../../libs/domain/src/policy/policy.types';

// The escalation workflow's contract: its input, the acknowledgement Update, the complaint's
// "closed" signal and the activities it calls (types only: the workflow bundle imports nothing else).

export interface EscalationWorkflowInput {
  tenantId: string;
  complaintId: string;
  branchId: string;
  companyId: string;
  /** HOT, MAJOR, EMERGENCY or DEADLINE_BREACHED:<kind>. */
  trigger: string;
  round: number;
  /** SEVERITY:HOT, EMERGENCY, DEADLINE_BREACHED:RESOLUTION … */
  reason: string;
  /** The trigger's rule as it stood when the escalation started: a later policy edit does not change it. */
  rule: EscalationTriggerPolicy;
  /** Carried across continue-as-new. */
  progress?: EscalationProgress;
  /** Carried across continue-as-new: when the open row's acknowledgement is due (epoch ms). */
  openDueAt?: number;
  /** Carried across continue-as-new: when the next progress report is raised (epoch ms), if one is waiting. */
  progressAt?: number | null;
}

/** Where a running escalation stands (carried across continue-as-new). */
export interface EscalationProgress {
  /** The next row's step number (0 for the first level raised). */
  step: number;
  /** Index into rule.levels of the open row's level, or -1 before the first raise. */
  levelIndex: number;
  /** The open row (raised, not yet acknowledged or superseded). */
  openRowId: string | null;
  /** The open row is a repeat of the last level. */
  repeating: boolean;
  /** Raised rows acknowledged (a MAJOR progress report re-opens the chain after this). */
  acknowledged: { rowId: string; by: string; at: number } | null;
}

export interface AcknowledgeEscalationArgs {
  tenantId: string;
  /** The row the user was addressed by (any row of this escalation). */
  escalationId: string;
  userId: string;
}

export interface AcknowledgeEscalationResult {
  /** The row that is (now) acknowledged. */
  escalationId: string;
  acknowledgedAt: number;
  acknowledgedBy: string;
}

/** A user addressed by the escalation acknowledges it (idempotent: the first acknowledgement stands). */
export const acknowledgeEscalationUpdate = defineUpdate<AcknowledgeEscalationResult, [AcknowledgeEscalationArgs]>('acknowledgeEscalation');
/** The complaint ended (closed, withdrawn, merged): the escalation stops. */
export const escalationComplaintEndedSignal = defineSignal<[{ tenantId: string }]>('escalationComplaintEnded');
export const escalationProgressQuery = defineQuery<EscalationProgress>('escalationProgress');

export interface RaiseEscalationArgs {
  tenantId: string;
  complaintId: string;
  branchId: string;
  companyId: string;
  workflowId: string;
  /** The row to write (deterministic: the workflow's own id generator) and its step (unique per workflow). */
  rowId: string;
  step: number;
  trigger: string;
  reason: string;
  /** Levels to try, in order, from the one this raise is for: the first with someone holding it is raised (skip-level). */
  levels: EscalationLevel[];
  raisedAt: number;
  /** Acknowledgement window of each candidate level (ms, calendar time), aligned with `levels`. */
  ackWithinMs: number[];
  /** The row this one supersedes (not acknowledged in time), if any. */
  supersedes: string | null;
  rule: EscalationTriggerPolicy;
}

export type RaiseEscalationResult =
  /** The complaint has ended: nothing raised. */
  | { raised: false }
  /** `skipped` levels had nobody holding them. */
  | { raised: true; level: EscalationLevel; skipped: number; ackDueAt: number; notifiedUserIds: string[] };

export interface EscalationActivities {
  /** Supersedes the previous row, resolves the level's holders, writes the row and notifies, in one transaction (idempotent by step). */
  raiseEscalation(args: RaiseEscalationArgs): Promise<RaiseEscalationResult>;
  /** Marks the row acknowledged (the first acknowledgement stands). */
  acknowledgeEscalationRow(args: { tenantId: string; rowId: string; userId: string; at: number }): Promise<{ acknowledgedAt: number; acknowledgedBy: string }>;
}

/** A refused acknowledgement (another tenant's, or a row not of this escalation). */
export const ESCALATION_ACK_REFUSED = 'ESCALATION_ACK_REFUSED';
