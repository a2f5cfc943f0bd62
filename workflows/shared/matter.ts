import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Severity } from '../../libs/domain/src/enums';
import type { MatterCounts, MatterFiring, MatterMember } from '../../libs/domain/src/matter/matter.util';
import type { SeverityThresholds } from '../../libs/domain/src/policy/policy.types';

/** The matter workflow's input: its policy thresholds come with it (through the history), and its state across continue-as-new. */
export interface MatterWorkflowInput {
  tenantId: string;
  matterId: string;
  /** The tenant's severity thresholds when the matter was created: the matter keeps them. */
  thresholds: SeverityThresholds;
  /** Carried across continue-as-new. */
  members?: MatterMember[];
  fired?: MatterFiring | null;
  pending?: MatterMember[];
  /** History events before continue-as-new (100–2000, default 2000; tests lower it). */
  historyLimit?: number;
}

/** Complaints joined the matter (a link, or a merge of two matters). Idempotent: a complaint counts once. */
export const complaintLinkedSignal = defineSignal<[{ tenantId: string; matterId: string; members: MatterMember[] }]>('complaintLinked');

export interface MatterProgress {
  counts: MatterCounts;
  fired: MatterFiring | null;
  members: number;
}
export const matterProgressQuery = defineQuery<MatterProgress>('matterProgress');

export interface MatterUpgradeResult {
  signalled: number;
  skipped: number;
}

export interface MatterActivities {
  /**
   * Records the rule that fired on the matter and signals `severityRuleSignal` to every running
   * complaint of the matter (or only `only`), a page at a time; finished complaints are skipped.
   */
  upgradeMatterComplaints(args: {
    tenantId: string; matterId: string; severity: Severity; rule: string; firedAt: number; only: string[] | null;
  }): Promise<MatterUpgradeResult>;
}
