import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import type { DeadlineKind, Severity } from '../../../../../libs/domain/src/enums';
import { DeadlineKindEnum, SeverityEnum } from '../../common/enums.graphql';
import { JSONScalar } from '../../common/json.scalar';
import { ComplaintDto } from '../../complaints/dtos/complaint.dto';
import { BranchDto, CompanyDto, UserDto } from '../../organisation/dtos/organisation.dto';

/**
 * The definitions the reports state and use (domain.md §7), for a period [from, to) in the report's
 * time zone (the branch's; over several branches Asia/Shanghai unless they all share another zone).
 * Withdrawn and merged complaints are left out of every complaint count.
 */
export const REPORT_DEFINITIONS = {
  received: 'complaints received in the period (withdrawn and merged ones excluded)',
  valid: 'of the received, validity VALID',
  invalid: 'of the received, validity INVALID',
  resolved: 'of the valid received in the period, those first resolved before the end of the period (cohort)',
  closed: 'of the received in the period, those closed before its end',
  processingRate: '处理率 processing rate = resolved ÷ valid (cohort of the period); 0 when nothing valid was received',
  timelinessRate: '及时率 timeliness rate = stages (deadlines) completed in the period within their due time ÷ stages completed in the period',
  callbackRate: '回访率 callback rate = calledBack ÷ validResolvedInPeriod: valid complaints first resolved in the period and called back before its end',
  satisfactionRate: '满意率 satisfaction rate = satisfied ÷ callbacks, over complaints first called back in the period (their last verdict)',
  reopenRate: 'reopen rate = reopened ÷ resolvedInPeriod: complaints first resolved in the period that were reopened (an unsatisfied callback)',
  firstTimeFixRate: 'first-time-fix rate = work-order attempts completed in the period and not reopened ÷ attempts completed in the period',
  overdueOpen: 'open complaints (not closed, withdrawn or merged) with a deadline breached and not met, as of now',
  stageTime: 'stage time = completed − started (calendar minutes) of each deadline kind completed in the period: average and 90th percentile (continuous)',
  closureRate: '投诉关闭率 closure rate = closed ÷ received, per specialist (complaints received in the period that the specialist follows through)',
  zeroRate: 'a rate with nothing to count is 0; its counts are given alongside',
} as const;

const D = REPORT_DEFINITIONS;

@ObjectType('ReportFigures', {
  description: `A report's figures for [from, to) in timeZone (domain.md §7). ${D.zeroRate}. Withdrawn and merged complaints are left out.`,
})
export class ReportFiguresDto {
  @Field(() => Int, { description: D.received }) received!: number;
  @Field(() => Int, { description: D.resolved }) resolved!: number;
  @Field(() => Int, { description: D.closed }) closed!: number;
  @Field(() => Float, { description: D.processingRate }) processingRate!: number;
  @Field(() => Float, { description: D.timelinessRate }) timelinessRate!: number;
  @Field(() => Float, { description: D.callbackRate }) callbackRate!: number;
  @Field(() => Float, { description: D.satisfactionRate }) satisfactionRate!: number;
  @Field(() => Float, { description: D.reopenRate }) reopenRate!: number;
  @Field(() => JSONScalar, { description: '{ "<CATEGORY>": { received, valid, resolved, processingRate, callbacks, satisfied, satisfactionRate } } (the same definitions per category)' })
  byCategory!: Record<string, unknown>;
  @Field(() => JSONScalar, { description: '{ "<SEVERITY>": { received, valid, resolved, processingRate, callbacks, satisfied, satisfactionRate } } by current severity' })
  bySeverity!: Record<string, unknown>;
  @Field({ description: 'start of the period (inclusive)' }) from!: Date;
  @Field({ description: 'end of the period (exclusive)' }) to!: Date;
  @Field({ description: 'the zone the period is counted in' }) timeZone!: string;
  @Field(() => Int, { description: D.valid }) valid!: number;
  @Field(() => Int, { description: D.invalid }) invalid!: number;
  @Field(() => Int, { description: 'valid complaints first resolved in the period (callbackRate\'s denominator)' }) validResolvedInPeriod!: number;
  @Field(() => Int, { description: 'complaints first resolved in the period (reopenRate\'s denominator)' }) resolvedInPeriod!: number;
  @Field(() => Int, { description: 'of validResolvedInPeriod, called back before the end of the period (callbackRate\'s numerator)' }) calledBack!: number;
  @Field(() => Int, { description: 'complaints first called back in the period (satisfactionRate\'s denominator)' }) callbacks!: number;
  @Field(() => Int, { description: 'of callbacks, whose last verdict is satisfied' }) satisfied!: number;
  @Field(() => Int, { description: 'of resolvedInPeriod, reopened' }) reopened!: number;
  @Field(() => Int, { description: 'stages (deadlines) completed in the period' }) stagesCompleted!: number;
  @Field(() => Int, { description: 'of those, completed by their due time' }) stagesOnTime!: number;
  @Field(() => Float, { description: D.firstTimeFixRate }) firstTimeFixRate!: number;
  @Field(() => Int, { description: 'work-order attempts completed in the period' }) workOrdersCompleted!: number;
  @Field(() => Int, { description: 'of those, not reopened' }) workOrdersFixedFirstTime!: number;
  @Field(() => Int, { description: D.overdueOpen }) overdueOpen!: number;
  @Field(() => BranchDto, { nullable: true, description: 'the branch the report covers, when it was asked for one branch' }) branch?: BranchDto | null;
  @Field(() => CompanyDto, { nullable: true, description: 'the company the report covers, when it was asked for one company' }) company?: CompanyDto | null;
}

@ObjectType('BranchReport', { description: 'a branch\'s figures; in branchRanking, its place (003 第三部分)' })
export class BranchReportDto {
  @Field(() => BranchDto) branch!: BranchDto;
  @Field(() => ReportFiguresDto, { description: 'byCategory and bySeverity are empty here (ask monthlyReport with the branchId)' }) figures!: ReportFiguresDto;
  @Field(() => Int, { description: '1-based: satisfactionRate desc, then processingRate desc, then branch code' }) rank!: number;
  @Field({ description: 'one of the last three (marked only when at least 4 branches are ranked): reported to the GM' }) bottomThree!: boolean;
  @Field({ description: 'one of the three largest satisfaction increases over the previous period of the same kind (increase > 0): rewarded' }) topImprover!: boolean;
  @Field(() => Float, { nullable: true, description: 'satisfactionRate minus the previous period\'s; null when either period had no callbacks' })
  satisfactionChange!: number | null;
}

@ObjectType('EscalationReviewItem', { description: 'a complaint that was HOT or MAJOR in the quarter' })
export class EscalationReviewItemDto {
  @Field(() => ComplaintDto) complaint!: ComplaintDto;
  @Field(() => SeverityEnum, { description: 'the highest severity it ever had' }) peakSeverity!: Severity;
  @Field(() => Int, { description: 'whole days from receipt to closure (to now while open)' }) ageDays!: number;
  @Field({ description: 'NONE (never escalated), OPEN (an escalation awaits acknowledgement), ACKNOWLEDGED (all acknowledged or superseded)' })
  escalationStatus!: string;
  @Field(() => Int, { description: 'escalations raised (every level)' }) escalations!: number;
  @Field({ description: 'the special report (what happened, why, what prevents a repeat) is submitted' }) specialReportSubmitted!: boolean;
  @Field(() => BranchDto) branch!: BranchDto;
  @Field({ description: '"YYYY-MM": the month it first became HOT/MAJOR in the quarter, else the month it was received' }) month!: string;
}

@ObjectType('EscalationReview', { description: 'the quarterly escalation review (004 篇3 §5.6.2): every HOT or MAJOR complaint of the quarter' })
export class EscalationReviewDto {
  @Field({ description: 'e.g. "2026-Q3"' }) quarter!: string;
  @Field(() => [ComplaintDto], {
    description: 'every complaint (merged ones excepted) whose peak severity is HOT or MAJOR and that first became so in the quarter or was received in it; oldest first',
  })
  complaints!: ComplaintDto[];
  @Field(() => ReportFiguresDto, { description: 'the quarter\'s figures for the scope (bySeverity shows HOT and MAJOR)' }) figures!: ReportFiguresDto;
  @Field(() => [BranchReportDto], { description: 'each branch\'s figures for the quarter, ranked (topImprover is not marked here)' }) byBranch!: BranchReportDto[];
  @Field(() => [EscalationReviewItemDto], { description: 'the complaints with their escalation status, special report, age, branch and month' })
  items!: EscalationReviewItemDto[];
  @Field(() => JSONScalar, { description: '{ "YYYY-MM": { complaints, hot, major, escalated, specialReports } }' }) byMonth!: Record<string, unknown>;
}

@ObjectType('StageTime', { description: D.stageTime })
export class StageTimeDto {
  @Field(() => DeadlineKindEnum) kind!: DeadlineKind;
  @Field(() => Int, { description: 'stages of this kind completed in the period' }) completed!: number;
  @Field(() => Float, { description: 'average completed − started, calendar minutes' }) averageMinutes!: number;
  @Field(() => Float, { description: '90th percentile (percentile_cont) of completed − started, calendar minutes' }) p90Minutes!: number;
  @Field(() => Float, { description: 'completed by their due time ÷ completed' }) onTimeRate!: number;
  @Field(() => BranchDto, { nullable: true, description: 'the branch the times are for, when asked for one branch' }) branch?: BranchDto | null;
  @Field(() => CompanyDto, { nullable: true, description: 'the company the times are for, when asked for one company' }) company?: CompanyDto | null;
}

@ObjectType('SpecialistScore', { description: D.closureRate })
export class SpecialistScoreDto {
  @Field(() => UserDto, { description: 'the specialist following the complaints through (首问责任人, or whom they were handed over to)' }) user!: UserDto;
  @Field(() => Int, { description: 'complaints received in the period that the specialist follows through' }) received!: number;
  @Field(() => Int, { description: 'of those, closed before the end of the period' }) closed!: number;
  @Field(() => Float, { description: 'closed ÷ received' }) closureRate!: number;
}
