import { ArgsType, Field, Float, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  IsArray, IsBoolean, IsDate, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxDate, Min, ValidateNested,
} from 'class-validator';
import {
  CALLBACK_METHODS, CATEGORIES, CHANNELS, COMPLAINT_KINDS, COMPLAINT_STATUSES, CallbackMethod, Category, Channel,
  ComplaintKind, ComplaintStatus, RESPONSIBILITIES, Responsibility, SEVERITIES, Severity, VALIDITIES, Validity,
} from '../../../../../libs/domain/src/enums';
import {
  CallbackMethodEnum, CategoryEnum, ChannelEnum, ComplaintKindEnum, ComplaintStatusEnum, ResponsibilityEnum, SeverityEnum,
  ValidityEnum,
} from '../../common/enums.graphql';

// Mainland mobile, landline with area code and extension, or an international number.
const PHONE = /^\+?[0-9][0-9 ()-]{5,19}[0-9](\s*(ext\.?|x|转)\s*[0-9]{1,6})?$/i;
// Clock skew between the client's device and ours is tolerated for "not in the future".
const FUTURE_TOLERANCE_MS = 2 * 60 * 1000;
const notAfterNow = (): Date => new Date(Date.now() + FUTURE_TOLERANCE_MS);

@InputType('ComplainantInput')
export class ComplainantInput {
  @Field() @IsString() @Length(1, 100, { message: 'name must be 1 to 100 characters' }) name!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Matches(PHONE, { message: 'phone must be a phone number, e.g. 13800138000 or 020-12345678' }) phone?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 100, { message: 'unit must be 1 to 100 characters' }) unit?: string | null;
}

@InputType('SubmitComplaintInput')
export class SubmitComplaintInput {
  @Field({ description: 'the same key twice returns the same complaint, never two' })
  @IsString() @Length(1, 200, { message: 'idempotencyKey must be 1 to 200 characters' }) idempotencyKey!: string;
  @Field(() => ID) @IsUUID('all', { message: 'branchId must be an id' }) branchId!: string;
  @Field(() => ChannelEnum) @IsIn(CHANNELS) channel!: Channel;
  @Field(() => ComplaintKindEnum) @IsIn(COMPLAINT_KINDS) kind!: ComplaintKind;
  @Field(() => CategoryEnum) @IsIn(CATEGORIES) category!: Category;
  @Field({ description: '1..5000 chars' }) @IsString() @Length(1, 5000, { message: 'description must be 1 to 5000 characters' }) description!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 2000, { message: 'demand must be 1 to 2000 characters' }) demand?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 500, { message: 'location must be 1 to 500 characters' }) location?: string | null;
  @Field(() => ComplainantInput) @ValidateNested() @Type(() => ComplainantInput) complainant!: ComplainantInput;
  @Field(() => Int, { nullable: true, description: 'default 1' }) @IsOptional() @IsInt() @Min(1, { message: 'householdsAffected must be at least 1' }) @Max(100000) householdsAffected?: number | null;
  @Field(() => Float, { nullable: true, description: 'economic loss claimed, if any' }) @IsOptional() @IsNumber() @Min(0, { message: 'lossAmountYuan must not be negative' }) lossAmountYuan?: number | null;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() injury?: boolean | null;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() mediaExposure?: boolean | null;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() litigation?: boolean | null;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() emergency?: boolean | null;
  @Field(() => Date, { nullable: true, description: 'default now; must not be in the future' })
  @IsOptional() @Type(() => Date) @IsDate() @MaxDate(notAfterNow, { message: 'receivedAt must not be in the future' }) receivedAt?: Date | null;
  @Field(() => Date, { nullable: true, description: "the customer's own deadline for a resolution; the RESOLUTION deadline takes it when earlier (policy)" })
  @IsOptional() @Type(() => Date) @IsDate() customerDeadline?: Date | null;
}

@InputType('ComplaintFilter')
export class ComplaintFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'companyId must be an id' }) companyId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'branchId must be an id' }) branchId?: string | null;
  @Field(() => [ComplaintStatusEnum], { nullable: true }) @IsOptional() @IsArray() @IsIn(COMPLAINT_STATUSES, { each: true }) status?: ComplaintStatus[] | null;
  @Field(() => [SeverityEnum], { nullable: true }) @IsOptional() @IsArray() @IsIn(SEVERITIES, { each: true }) severity?: Severity[] | null;
  @Field(() => [CategoryEnum], { nullable: true }) @IsOptional() @IsArray() @IsIn(CATEGORIES, { each: true }) category?: Category[] | null;
  @Field(() => Boolean, { nullable: true, description: 'some deadline breached and not yet met' }) @IsOptional() @IsBoolean() overdue?: boolean | null;
  @Field(() => Date, { nullable: true }) @IsOptional() @Type(() => Date) @IsDate() receivedFrom?: Date | null;
  @Field(() => Date, { nullable: true }) @IsOptional() @Type(() => Date) @IsDate() receivedTo?: Date | null;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 200, { message: 'text must be 1 to 200 characters' }) text?: string | null;
}

@ArgsType()
export class ComplaintsArgs {
  @Field(() => ComplaintFilter, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => ComplaintFilter) filter?: ComplaintFilter | null;
  @Field(() => Int, { defaultValue: 20, nullable: true }) @IsOptional() @IsInt() @Min(1, { message: 'first must be between 1 and 100' }) @Max(100, { message: 'first must be between 1 and 100' }) first?: number | null = 20;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() after?: string | null;
}

@ArgsType()
export class QueueArgs {
  @Field(() => Int, { defaultValue: 20, nullable: true }) @IsOptional() @IsInt() @Min(1, { message: 'first must be between 1 and 100' }) @Max(100, { message: 'first must be between 1 and 100' }) first?: number | null = 20;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() after?: string | null;
}

@ArgsType()
export class DispatchArgsInput {
  @Field(() => ID) @IsUUID('all', { message: 'id must be an id' }) id!: string;
  @Field(() => ID) @IsUUID('all', { message: 'assigneeId must be an id' }) assigneeId!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 2000, { message: 'note must be 1 to 2000 characters' }) note?: string | null;
}

@ArgsType()
export class IdArgs {
  @Field(() => ID) @IsUUID('all', { message: 'id must be an id' }) id!: string;
}

@ArgsType()
export class FollowUpArgsInput extends IdArgs {
  @Field() @Length(1, 2000, { message: 'note must be 1 to 2000 characters' }) note!: string;
  @Field() @IsBoolean() customerInformed!: boolean;
}

@ArgsType()
export class ValidityArgsInput extends IdArgs {
  @Field(() => ValidityEnum) @IsIn(VALIDITIES) validity!: Validity;
  @Field(() => ResponsibilityEnum) @IsIn(RESPONSIBILITIES) responsibility!: Responsibility;
  @Field() @Length(1, 2000, { message: 'reason must be 1 to 2000 characters' }) reason!: string;
}

@ArgsType()
export class ResolveArgsInput extends IdArgs {
  @Field() @Length(1, 5000, { message: 'resolution must be 1 to 5000 characters' }) resolution!: string;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() customerSigned?: boolean | null;
}

@ArgsType()
export class CallbackArgsInput extends IdArgs {
  @Field(() => CallbackMethodEnum) @IsIn(CALLBACK_METHODS) method!: CallbackMethod;
  @Field() @IsBoolean() satisfied!: boolean;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 2000, { message: 'comment must be 1 to 2000 characters' }) comment?: string | null;
}

@ArgsType()
export class SpecialReportArgsInput extends IdArgs {
  @Field() @Length(1, 5000, { message: 'whatHappened must be 1 to 5000 characters' }) whatHappened!: string;
  @Field() @Length(1, 5000, { message: 'rootCause must be 1 to 5000 characters' }) rootCause!: string;
  @Field() @Length(1, 5000, { message: 'preventiveMeasures must be 1 to 5000 characters' }) preventiveMeasures!: string;
}

@ArgsType()
export class WithdrawArgsInput extends IdArgs {
  @Field() @Length(1, 2000, { message: 'reason must be 1 to 2000 characters' }) reason!: string;
}
