import { Field, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';

@InputType('WorkingHoursInput')
export class WorkingHoursInput {
  @Field(() => Int) @IsInt() weekday!: number;
  @Field({ description: '"09:00"' }) @IsString() start!: string;
  @Field({ description: '"18:00"' }) @IsString() end!: string;
}

@InputType('BranchCalendarInput')
export class BranchCalendarInput {
  @Field({ description: 'IANA, e.g. "Asia/Shanghai"' }) @IsString() timezone!: string;
  @Field(() => [WorkingHoursInput], { description: 'per ISO weekday 1..7; a missing weekday is a day off' })
  @IsArray() @ValidateNested({ each: true }) @Type(() => WorkingHoursInput) workingHours!: WorkingHoursInput[];
  @Field(() => [String], { nullable: true, description: '"2026-10-01": days off even if their weekday works' })
  @IsOptional() @IsArray() @IsString({ each: true }) holidays?: string[] | null;
  @Field(() => [String], { nullable: true, description: '调休: "2026-09-27": working days even if their weekday is off' })
  @IsOptional() @IsArray() @IsString({ each: true }) makeUpWorkdays?: string[] | null;
}

