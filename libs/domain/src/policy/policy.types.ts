import { DeadlineKind, type Severity } from '../enums';
import type { WorkOrderPolicy } from '../work-order/work-order.types';

/**
 * How one deadline's due time is computed from the moment its obligation starts (its anchor).
 * `after` is an ISO-8601 duration; `businessTime` says whether it runs on the branch's working
 * hours (true) or on the wall clock (false). `rule` names a special rule of the domain.
 */
export interface DeadlineRule {
  after: string;
  businessTime: boolean;
  /**
   * - OFF_HOURS_AFTER_START: received outside working hours → `offHoursAfter` after work next starts
   *   (004 篇3 §5.2.2: off-hours → 1 h after work starts).
   * - SAME_DAY: by the end of the anchor's working day (or of the next working day when off-hours).
   * - END_OF_DAY: by the end of the working day the anchor falls in.
   * - CUSTOMER_DEADLINE_IF_EARLIER: the customer's own deadline when it is earlier than `after`.
   */
  rule?: 'OFF_HOURS_AFTER_START' | 'SAME_DAY' | 'END_OF_DAY' | 'CUSTOMER_DEADLINE_IF_EARLIER';
  /** With OFF_HOURS_AFTER_START: the duration after the next working-hours start. */
  offHoursAfter?: string;
  /** false switches this deadline off for the tenant. Default true. */
  enabled?: boolean;
}

export interface SeverityThresholds {
  /** Households affected at once that make a complaint MAJOR (collective complaint). */
  collectiveHouseholdsMajor: number;
  /** Households affected at once that make a complaint HOT; null where the preset has no HOT level. */
  collectiveHouseholdsHot: number | null;
  /** Economic loss in yuan above which a complaint is MAJOR; null = any company-caused big loss is judged by staff. */
  lossYuanMajor: number | null;
  injuryMajor: boolean;
  mediaExposureMajor: boolean;
  litigationMajor: boolean;
  /** Complaints on the same matter within the window that make it MAJOR (null = rule off). */
  sameMatterComplaintsMajor: number | null;
  /** Distinct complainants on the same matter within the window that make it HOT (null = rule off). */
  sameMatterComplainantsHot: number | null;
  /** The same-matter counting window, ISO-8601 duration. */
  sameMatterWindow: string;
  /** Unresolved this long (through our fault) → HOT; null = rule off. ISO-8601 duration. */
  unresolvedHotAfter: string | null;
  /** Unresolved this long (through our fault) → MAJOR; null = rule off. ISO-8601 duration. */
  unresolvedMajorAfter: string | null;
  /** A complaint reopened after closure becomes at least IMPORTANT (vanke-sh). */
  reopenedImportant: boolean;
  /**
   * A power, water, air-conditioning or elevator failure not restored this long after it began → MAJOR
   * (training, 001: 48 h); null = rule off. ISO-8601 duration on calendar time. Optional only so a
   * policy stored before the rule existed still reads (absent = off).
   */
  facilityOutageMajorAfter?: string | null;
}

export interface CallbackPolicy {
  /** Which resolved complaints must be called back: all of them, or only the valid ones. */
  requiredFor: 'ALL' | 'VALID';
}

export interface Policy {
  /** The preset this policy started from. */
  preset: PolicyPresetName;
  deadlines: Record<DeadlineKind, DeadlineRule>;
  severity: SeverityThresholds;
  callback: CallbackPolicy;
  /** Escalations that must be acknowledged; absent in policies stored before escalations (nothing escalates). */
  escalation?: EscalationPolicy;
  /** Work orders to contractors; absent in policies stored before work orders (the preset's applies: workOrderPolicyOf). */
  workOrders?: WorkOrderPolicy;
  /** Reports to staff; absent in policies stored before the daily report (the preset's applies: reportsPolicyOf). */
  reports?: ReportsPolicy;
  /** Messages to the customer; absent unless the tenant set it (DEFAULT_NOTIFICATIONS applies: notificationsPolicyOf). */
  notifications?: NotificationsPolicy;
}

/** 件件有回音: messages to the customer (002 制度6, 003 二.4). */
export interface NotificationsPolicy {
  /** No SMS or WeChat message between these local times ("HH:MM", branch time zone) unless urgent; equal times: no quiet hours. */
  quietStart: string;
  quietEnd: string;
  /** Severities whose messages go out in quiet hours too (an emergency always does). */
  urgentSeverities: Severity[];
  /** true: a delivered progress or result message meets CUSTOMER_REPLY / PROGRESS_REPLY; false: only staff's record does. */
  messagesMeetDeadlines: boolean;
}

/** 003 八.1: yesterday's complaints as a daily report to the branch's staff, who confirm they have read it. */
export interface ReportsPolicy {
  /** When the daily report is built, "HH:MM" local time in the branch's time zone (e.g. "08:00"). */
  dailyReportAt: string;
  /** How long staff have to read it before a reminder and a line on the branch manager's report (ISO-8601, calendar time, e.g. PT1H). */
  readWithin: string;
  /** false: no daily report for the tenant's branches. */
  enabled: boolean;
}

/** The levels an escalation climbs, lowest first (skip-level: 004 §3.2.2 A). */
export const ESCALATION_LEVELS = ['BRANCH_MANAGER', 'COMPANY_DEPUTY_GM', 'COMPANY_GM', 'HEAD_OFFICE'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

/** One level of an escalation: who is told, and how long they have to acknowledge (calendar time). */
export interface EscalationStep {
  level: EscalationLevel;
  /** ISO-8601 duration on the wall clock (an emergency at 02:00 does not wait for working hours). */
  ackWithin: string;
}

/** How one trigger escalates. */
export interface EscalationTriggerPolicy {
  /** Ordered, each level above the previous one. */
  levels: EscalationStep[];
  /** After the last level times out, it is raised again at this interval until acknowledged (ISO-8601, calendar time). */
  repeatLastEvery: string;
  /** Once acknowledged, a progress report is raised again at this interval until the complaint closes (MAJOR: weekly); null = none. */
  progressReportEvery?: string | null;
}

/**
 * Escalation triggers by name: `HOT`, `MAJOR`, `EMERGENCY`, and `DEADLINE_BREACHED:<kind>` for each
 * deadline breach the tenant wants escalated. A trigger not listed does not escalate.
 */
export interface EscalationPolicy {
  triggers: Partial<Record<string, EscalationTriggerPolicy>>;
}

export const POLICY_PRESETS = ['pm-branch', 'vanke-sh', 'training'] as const;
export type PolicyPresetName = (typeof POLICY_PRESETS)[number];

/** A validation problem in a policy override, located by its JSON path (e.g. "deadlines.CALLBACK.after"). */
export interface PolicyIssue {
  path: string;
  message: string;
}

/**
 * One deadline kind's override: any subset of its fields. `rule` and `offHoursAfter` may be
 * null to remove them from the preset's rule (e.g. switch FORWARD to a plain 30-minute timer).
 */
export interface DeadlineRuleOverride {
  after?: string;
  businessTime?: boolean;
  rule?: DeadlineRule['rule'] | null;
  offHoursAfter?: string | null;
  enabled?: boolean;
}

/** A tenant's partial override of its preset (the JSON of `setPolicy`); `preset` itself cannot be overridden. */
export interface PolicyOverrides {
  deadlines?: Partial<Record<DeadlineKind, DeadlineRuleOverride>>;
  severity?: Partial<SeverityThresholds>;
  callback?: Partial<CallbackPolicy>;
  /** Each trigger named here replaces the preset's whole rule for that trigger; null removes the trigger. */
  escalation?: { triggers?: Partial<Record<string, EscalationTriggerPolicy | null>> };
  /** Any subset of the work-order fields; the two rules may be partial like a deadline kind's override. */
  workOrders?: WorkOrderPolicyOverride;
  /** Any subset of the report fields. */
  reports?: Partial<ReportsPolicy>;
  /** Any subset of the notification fields. */
  notifications?: Partial<NotificationsPolicy>;
}

/** The `workOrders` section of an override: its rules partial (DeadlineRuleOverride), the rest as is. */
export type WorkOrderPolicyOverride = Partial<Omit<WorkOrderPolicy, 'repairOrderWithin' | 'completeWithin'>> & {
  repairOrderWithin?: DeadlineRuleOverride;
  completeWithin?: DeadlineRuleOverride;
};
