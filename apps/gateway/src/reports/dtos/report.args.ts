import { ArgsType, Field, ID, Int } from '@nestjs/graphql';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const QUARTER = /^\d{4}-Q[1-4]$/;
const PERIOD = /^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/;

@ArgsType()
export class MonthlyReportArgs {
  @Field({ description: 'the month, "2026-10"' }) @Matches(MONTH, { message: 'month must be a month "YYYY-MM", e.g. 2026-10' }) month!: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'companyId must be an id' }) companyId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'branchId must be an id' }) branchId?: string | null;
}

@ArgsType()
export class DailyReportArgs {
  @Field({ description: 'the day, "2026-10-09", in the branch\'s time zone' }) @Matches(DAY, { message: 'date must be a day "YYYY-MM-DD", e.g. 2026-10-09' }) date!: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'branchId must be an id' }) branchId?: string | null;
}

@ArgsType()
export class HalfMonthlyReportArgs {
  @Field({ description: 'the month, "2026-10"' }) @Matches(MONTH, { message: 'month must be a month "YYYY-MM", e.g. 2026-10' }) month!: string;
  @Field(() => Int, { description: '1: days 1–15; 2: the 16th to the end of the month' })
  @IsInt({ message: 'half must be 1 or 2' }) @IsIn([1, 2], { message: 'half must be 1 or 2' }) half!: number;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'companyId must be an id' }) companyId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'branchId must be an id' }) branchId?: string | null;
}

@ArgsType()
export class BranchRankingArgs {
  @Field({ description: '"2026-Q3", "2026" or "2026-10"' })
  @Matches(PERIOD, { message: 'period must be a year, a quarter or a month, e.g. 2026, 2026-Q3 or 2026-10' }) period!: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'companyId must be an id' }) companyId?: string | null;
}

@ArgsType()
export class QuarterlyReviewArgs {
  @Field({ description: 'the quarter, "2026-Q3"' }) @Matches(QUARTER, { message: 'quarter must be a quarter "YYYY-Qn", e.g. 2026-Q3' }) quarter!: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'companyId must be an id' }) companyId?: string | null;
}

@ArgsType()
export class PeriodReportArgs {
  @Field({ description: '"2026-Q3", "2026", "2026-10" or a day "2026-10-09"' })
  @Matches(new RegExp(`${PERIOD.source}|${DAY.source}`), { message: 'period must be a year, a quarter, a month or a day, e.g. 2026, 2026-Q3, 2026-10 or 2026-10-09' })
  period!: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'companyId must be an id' }) companyId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'branchId must be an id' }) branchId?: string | null;
}

@ArgsType()
export class OverdueComplaintsArgs {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'companyId must be an id' }) companyId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'branchId must be an id' }) branchId?: string | null;
  @Field(() => Int, { nullable: true, defaultValue: 50, description: '1–200' })
  @IsOptional() @IsInt({ message: 'first must be an integer' }) @Min(1, { message: 'first must be at least 1' }) @Max(200, { message: 'first must be at most 200' })
  first?: number | null;
}
