import { ArgsType, Field, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsDate, IsInt, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';
import { FILTER_YEARS, FreeText, InYears } from '../../common/input-rules';

// An actor is a user id or "platform-operator"; a record id is a UUID: printable ASCII either way.
const KEY = /^[\x21-\x7e]{1,128}$/;
const ACTION = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
export const MAX_AUDIT_PAGE = 200;

@InputType('AuditFilter', { description: 'Every given criterion must match.' })
export class AuditFilter {
  @Field(() => String, { nullable: true, description: 'a user id, or "platform-operator"' })
  @IsOptional() @Matches(KEY, { message: 'actorId must be 1 to 128 printable ASCII characters without spaces' }) actorId?: string | null;
  @Field(() => String, { nullable: true, description: 'the record acted on, e.g. a complaint id' })
  @IsOptional() @Matches(KEY, { message: 'recordId must be 1 to 128 printable ASCII characters without spaces' }) recordId?: string | null;
  @Field(() => String, { nullable: true, description: 'e.g. "dispatchComplaint", "ROLE_GRANTED", "COMPLAINT_READ"' })
  @IsOptional() @Matches(ACTION, { message: 'action must be a name of letters, digits and underscores, e.g. COMPLAINT_READ' }) action?: string | null;
  @Field(() => Date, { nullable: true, description: 'entries at or after this instant' })
  @IsOptional() @Type(() => Date) @IsDate() @InYears(FILTER_YEARS.from, FILTER_YEARS.to) from?: Date | null;
  @Field(() => Date, { nullable: true, description: 'entries before this instant' })
  @IsOptional() @Type(() => Date) @IsDate() @InYears(FILTER_YEARS.from, FILTER_YEARS.to) to?: Date | null;
}

@ArgsType()
export class AuditLogArgs {
  @Field(() => AuditFilter, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => AuditFilter) filter?: AuditFilter | null;
  @Field(() => Int, { defaultValue: 50, nullable: true })
  @IsOptional() @IsInt() @Min(1, { message: `first must be between 1 and ${MAX_AUDIT_PAGE}` }) @Max(MAX_AUDIT_PAGE, { message: `first must be between 1 and ${MAX_AUDIT_PAGE}` })
  first?: number | null = 50;
  @Field(() => String, { nullable: true, description: 'the endCursor of the previous page' })
  @IsOptional() @FreeText({ max: 500, singleLine: true }) after?: string | null;
}
