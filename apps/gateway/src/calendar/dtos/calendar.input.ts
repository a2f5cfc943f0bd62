import { Field, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';
import { CalendarDate } from '../../common/input-rules';

// Raw list bounds at the edge; what a calendar may contain (working time left per week and year,
// holidays per year) is the domain's calendar validation.
const MAX_WORKING_HOUR_RANGES = 7 * 4;
const MAX_LISTED_DAYS = 1000;
const YEARS = { from: 2000, to: 2100 } as const;
const CLOCK = /^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;

@InputType('WorkingHoursInput')
export class WorkingHoursInput {
  @Field(() => Int) @IsInt() @Min(1, { message: 'weekday must be an ISO weekday, 1 (Monday) to 7 (Sunday)' }) @Max(7, { message: 'weekday must be an ISO weekday, 1 (Monday) to 7 (Sunday)' }) weekday!: number;
  @Field({ description: '"09:00"' }) @Matches(CLOCK, { message: 'start must be a time of day written HH:MM, e.g. 09:00' }) start!: string;
  @Field({ description: '"18:00"' }) @Matches(CLOCK, { message: 'end must be a time of day written HH:MM, e.g. 18:00' }) end!: string;
}

@InputType('BranchCalendarInput')
export class BranchCalendarInput {
  // The zone itself is checked against the IANA database by the service; this only bounds the text.
  @Field({ description: 'IANA, e.g. "Asia/Shanghai"' })
  @Matches(/^[A-Za-z0-9_+\-/]{1,64}$/, { message: 'timezone must be an IANA time zone, e.g. Asia/Shanghai' })
  timezone!: string;
  @Field(() => [WorkingHoursInput], { description: 'per ISO weekday 1..7; a missing weekday is a day off' })
  @IsArray()
  @ArrayMaxSize(MAX_WORKING_HOUR_RANGES, { message: `workingHours must list at most ${MAX_WORKING_HOUR_RANGES} ranges` })
  @ValidateNested({ each: true })
  @Type(() => WorkingHoursInput)
  workingHours!: WorkingHoursInput[];
  @Field(() => [String], { nullable: true, description: '"2026-10-01": days off even if their weekday works' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_LISTED_DAYS, { message: `holidays must list at most ${MAX_LISTED_DAYS} days` })
  @CalendarDate(YEARS.from, YEARS.to, { each: true })
  holidays?: string[] | null;
  @Field(() => [String], { nullable: true, description: '调休: "2026-09-27": working days even if their weekday is off' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_LISTED_DAYS, { message: `makeUpWorkdays must list at most ${MAX_LISTED_DAYS} days` })
  @CalendarDate(YEARS.from, YEARS.to, { each: true })
  makeUpWorkdays?: string[] | null;
}
