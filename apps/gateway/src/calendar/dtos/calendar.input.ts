import { Field, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, Length, Matches, ValidateNested } from 'class-validator';

// Raw list bounds at the edge; each listed day (a real date in 2000–2100, named by its index:
// "calendar.holidays.3") and what a calendar may contain (working time left per week and year,
// holidays per year) is the domain's calendar validation, run on the list as the client sent it.
const MAX_WORKING_HOUR_RANGES = 7 * 4;
const MAX_LISTED_DAYS = 1000;

@InputType('WorkingHoursInput')
export class WorkingHoursInput {
  // Ranges and order (weekday 1..7, start before end) are the domain's calendar validation, which
  // reports every problem of the calendar at once.
  @Field(() => Int) @IsInt() weekday!: number;
  @Field({ description: '"09:00"' }) @Length(1, 5, { message: 'start must be a time of day written HH:MM, e.g. 09:00' }) start!: string;
  @Field({ description: '"18:00"' }) @Length(1, 5, { message: 'end must be a time of day written HH:MM, e.g. 18:00' }) end!: string;
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
  holidays?: string[] | null;
  @Field(() => [String], { nullable: true, description: '调休: "2026-09-27": working days even if their weekday is off' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_LISTED_DAYS, { message: `makeUpWorkdays must list at most ${MAX_LISTED_DAYS} days` })
  makeUpWorkdays?: string[] | null;
}
