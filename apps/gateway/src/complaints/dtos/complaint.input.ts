import { ArgsType, Field, Float, ID, InputType, Int, registerEnumType } from '@nestjs/graphql';
import { FACILITY_KINDS, FacilityKind } from '../../../../../libs/domain/src/severity/severity-rules.util';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsDate, IsIn, IsInt, IsNumber, IsOptional, IsUUID, Matches, Max, Min, ValidateNested,
} from 'class-validator';
import {
  CALLBACK_METHODS, CATEGORIES, CHANNELS, COMPLAINT_KINDS, COMPLAINT_STATUSES, CallbackMethod, Category, Channel,
  ComplaintKind, ComplaintStatus, RESPONSIBILITIES, Responsibility, SEVERITIES, Severity, VALIDITIES, Validity,
} from '../../../../../libs/domain/src/enums';
import {
  CallbackMethodEnum, CategoryEnum, ChannelEnum, ComplaintKindEnum, ComplaintStatusEnum, ResponsibilityEnum, SeverityEnum,
  ValidityEnum,
} from '../../common/enums.graphql';
import { CUSTOMER_DEADLINE_WINDOW, FILTER_YEARS, FreeText, InYears, InstantWithin, RECEIVED_AT_WINDOW } from '../../common/input-rules';

// Mainland mobile, landline with area code and extension, or an international number.
const PHONE = /^\+?[0-9][0-9 ()-]{5,19}[0-9](\s*(ext\.?|x|转)\s*[0-9]{1,6})?$/i;
const LINE = { singleLine: true } as const;
// The largest economic loss a complaint may claim, in yuan.
const MAX_LOSS_YUAN = 10_000_000_000;

@InputType('ComplainantInput')
export class ComplainantInput {
  @Field() @FreeText({ max: 100, ...LINE }) name!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Matches(PHONE, { message: 'phone must be a phone number, e.g. 13800138000 or 020-12345678' }) phone?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @FreeText({ max: 100, ...LINE }) unit?: string | null;
  @Field(() => String, { nullable: true, description: 'for messages when the customer prefers e-mail (or came in by e-mail)' })
  @IsOptional() @FreeText({ max: 200, ...LINE }) @Matches(/^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/, { message: 'email must be an e-mail address, e.g. name@example.cn' }) email?: string | null;
  @Field(() => String, { nullable: true, description: 'the customer\'s openid on the group\'s WeChat official account (for template messages)' })
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{6,64}$/, { message: 'wechat must be a WeChat openid: 6 to 64 letters, digits, _ or -' }) wechat?: string | null;
}

export const FacilityKindEnum = Object.fromEntries(FACILITY_KINDS.map((k) => [k, k])) as { [K in FacilityKind]: K };
registerEnumType(FacilityKindEnum, { name: 'FacilityKind' });

@InputType('FacilityOutageInput')
export class FacilityOutageInput {
  @Field(() => FacilityKindEnum) @IsIn(FACILITY_KINDS) kind!: FacilityKind;
  @Field(() => Date, { description: 'when the facility failed; at most 2 minutes after receivedAt' })
  @Type(() => Date) @IsDate() @InstantWithin(RECEIVED_AT_WINDOW) since!: Date;
}

@InputType('SubmitComplaintInput')
export class SubmitComplaintInput {
  @Field({ description: 'the same key twice returns the same complaint, never two' })
  @FreeText({ max: 200, ...LINE }) idempotencyKey!: string;
  @Field(() => ID) @IsUUID('all', { message: 'branchId must be an id' }) branchId!: string;
  @Field(() => ChannelEnum) @IsIn(CHANNELS) channel!: Channel;
  @Field(() => ComplaintKindEnum) @IsIn(COMPLAINT_KINDS) kind!: ComplaintKind;
  @Field(() => CategoryEnum) @IsIn(CATEGORIES) category!: Category;
  @Field({ description: '1..5000 chars' }) @FreeText({ max: 5000 }) description!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @FreeText({ max: 2000 }) demand?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @FreeText({ max: 500, ...LINE }) location?: string | null;
  @Field(() => ComplainantInput) @ValidateNested() @Type(() => ComplainantInput) complainant!: ComplainantInput;
  @Field(() => Int, { nullable: true, description: 'default 1' }) @IsOptional() @IsInt() @Min(1, { message: 'householdsAffected must be at least 1' }) @Max(100000, { message: 'householdsAffected must be at most 100000' }) householdsAffected?: number | null;
  @Field(() => Float, { nullable: true, description: 'economic loss claimed, if any' }) @IsOptional() @IsNumber() @Min(0, { message: 'lossAmountYuan must not be negative' }) @Max(MAX_LOSS_YUAN, { message: `lossAmountYuan must be at most ${MAX_LOSS_YUAN}` }) lossAmountYuan?: number | null;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() injury?: boolean | null;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() mediaExposure?: boolean | null;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() litigation?: boolean | null;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() emergency?: boolean | null;
  @Field(() => Date, { nullable: true, description: 'default now; must not be in the future' })
  @IsOptional() @Type(() => Date) @IsDate() @InstantWithin(RECEIVED_AT_WINDOW) receivedAt?: Date | null;
  @Field(() => Date, { nullable: true, description: "the customer's own deadline for a resolution; the RESOLUTION deadline takes it when earlier (policy)" })
  @IsOptional() @Type(() => Date) @IsDate() @InstantWithin(CUSTOMER_DEADLINE_WINDOW) customerDeadline?: Date | null;
  @Field(() => FacilityOutageInput, { nullable: true, description: 'a power, water, air-conditioning or elevator failure the complaint is about (severity rule of the policy)' })
  @IsOptional() @ValidateNested() @Type(() => FacilityOutageInput) facilityOutage?: FacilityOutageInput | null;
}

@InputType('ComplaintFilter')
export class ComplaintFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'companyId must be an id' }) companyId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'branchId must be an id' }) branchId?: string | null;
  @Field(() => [ComplaintStatusEnum], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(COMPLAINT_STATUSES.length, { message: `status lists at most ${COMPLAINT_STATUSES.length} statuses` }) @IsIn(COMPLAINT_STATUSES, { each: true }) status?: ComplaintStatus[] | null;
  @Field(() => [SeverityEnum], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(SEVERITIES.length, { message: `severity lists at most ${SEVERITIES.length} severities` }) @IsIn(SEVERITIES, { each: true }) severity?: Severity[] | null;
  @Field(() => [CategoryEnum], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(CATEGORIES.length, { message: `category lists at most ${CATEGORIES.length} categories` }) @IsIn(CATEGORIES, { each: true }) category?: Category[] | null;
  @Field(() => Boolean, { nullable: true, description: 'some deadline breached and not yet met' }) @IsOptional() @IsBoolean() overdue?: boolean | null;
  @Field(() => Date, { nullable: true }) @IsOptional() @Type(() => Date) @IsDate() @InYears(FILTER_YEARS.from, FILTER_YEARS.to) receivedFrom?: Date | null;
  @Field(() => Date, { nullable: true }) @IsOptional() @Type(() => Date) @IsDate() @InYears(FILTER_YEARS.from, FILTER_YEARS.to) receivedTo?: Date | null;
  @Field(() => String, { nullable: true }) @IsOptional() @FreeText({ max: 200, ...LINE }) text?: string | null;
  @Field(() => Date, { nullable: true, description: 'changed at or after this instant (catching up after a complaintUpdated subscription reconnects)' })
  @IsOptional() @Type(() => Date) @IsDate() @InYears(FILTER_YEARS.from, FILTER_YEARS.to) updatedSince?: Date | null;
}

@ArgsType()
export class ComplaintsArgs {
  @Field(() => ComplaintFilter, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => ComplaintFilter) filter?: ComplaintFilter | null;
  @Field(() => Int, { defaultValue: 20, nullable: true }) @IsOptional() @IsInt() @Min(1, { message: 'first must be between 1 and 100' }) @Max(100, { message: 'first must be between 1 and 100' }) first?: number | null = 20;
  @Field(() => String, { nullable: true, description: 'an endCursor or edge cursor this list returned: the complaints received before it (keyset; BAD_USER_INPUT for any other string, another tenant\'s cursor included)' })
  @IsOptional() @FreeText({ max: 500, ...LINE }) after?: string | null;
}

@ArgsType()
export class QueueArgs {
  @Field(() => Int, { defaultValue: 20, nullable: true }) @IsOptional() @IsInt() @Min(1, { message: 'first must be between 1 and 100' }) @Max(100, { message: 'first must be between 1 and 100' }) first?: number | null = 20;
  @Field(() => String, { nullable: true }) @IsOptional() @FreeText({ max: 500, ...LINE }) after?: string | null;
}

@ArgsType()
export class IdArgs {
  @Field(() => ID) @IsUUID('all', { message: 'id must be an id' }) id!: string;
}

// Printable ASCII without spaces: a UUID, a ULID or the client's own key all fit.
export const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** An action on a complaint: its id and the client's retry key. */
@ArgsType()
export class ActionIdArgs extends IdArgs {
  @Field(() => String, {
    nullable: true,
    description: "the client's retry key (1–128 printable ASCII characters, e.g. a UUID): the same requestId again returns the first outcome and never applies twice",
  })
  @IsOptional() @Matches(REQUEST_ID, { message: 'requestId must be 1 to 128 printable ASCII characters without spaces' }) requestId?: string | null;
}

@ArgsType()
export class DispatchArgsInput extends ActionIdArgs {
  @Field(() => ID) @IsUUID('all', { message: 'assigneeId must be an id' }) assigneeId!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @FreeText({ max: 2000 }) note?: string | null;
}

@ArgsType()
export class FollowUpArgsInput extends ActionIdArgs {
  @Field() @FreeText({ max: 2000 }) note!: string;
  @Field() @IsBoolean() customerInformed!: boolean;
  @Field(() => Boolean, { nullable: true, description: 'send the customer a progress message (their channel; delivered, it meets CUSTOMER_REPLY and PROGRESS_REPLY)' })
  @IsOptional() @IsBoolean() messageCustomer?: boolean | null;
}

@ArgsType()
export class ValidityArgsInput extends ActionIdArgs {
  @Field(() => ValidityEnum) @IsIn(VALIDITIES) validity!: Validity;
  @Field(() => ResponsibilityEnum) @IsIn(RESPONSIBILITIES) responsibility!: Responsibility;
  @Field() @FreeText({ max: 2000 }) reason!: string;
}

@ArgsType()
export class ResolveArgsInput extends ActionIdArgs {
  @Field() @FreeText({ max: 5000 }) resolution!: string;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() customerSigned?: boolean | null;
  @Field(() => String, {
    nullable: true,
    description: 'a REPAIR complaint with an open or unsigned work order resolves only with this reason (≤ 500 characters; on the RESOLVED event)',
  })
  @IsOptional() @FreeText({ max: 500 }) workOrderOverrideReason?: string | null;
}

@ArgsType()
export class CallbackArgsInput extends ActionIdArgs {
  @Field(() => CallbackMethodEnum) @IsIn(CALLBACK_METHODS) method!: CallbackMethod;
  @Field() @IsBoolean() satisfied!: boolean;
  @Field(() => String, { nullable: true }) @IsOptional() @FreeText({ max: 2000 }) comment?: string | null;
}

@ArgsType()
export class SpecialReportArgsInput extends ActionIdArgs {
  @Field() @FreeText({ max: 5000 }) whatHappened!: string;
  @Field() @FreeText({ max: 5000 }) rootCause!: string;
  @Field() @FreeText({ max: 5000 }) preventiveMeasures!: string;
}

@ArgsType()
export class WithdrawArgsInput extends ActionIdArgs {
  @Field() @FreeText({ max: 2000 }) reason!: string;
}

@ArgsType()
export class MergeArgsInput extends ActionIdArgs {
  @Field(() => ID, { description: 'the complaint of the same matter (same branch; same complainant until a matter links them) it merges into' })
  @IsUUID('all', { message: 'intoId must be an id' }) intoId!: string;
  @Field() @FreeText({ max: 2000 }) reason!: string;
}

@ArgsType()
export class HandOverArgsInput extends ActionIdArgs {
  @Field(() => ID, { description: 'a colleague working in the complaint\'s branch, who follows it through from now on' })
  @IsUUID('all', { message: 'toUserId must be an id' }) toUserId!: string;
  @Field() @FreeText({ max: 2000 }) note!: string;
}

// --- severity that follows the facts -------------------------------------------------------------

@ArgsType()
export class UpdateFactsArgsInput extends ActionIdArgs {
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1, { message: 'householdsAffected must be at least 1' }) @Max(100000, { message: 'householdsAffected must be at most 100000' }) householdsAffected?: number | null;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() @Min(0, { message: 'lossAmountYuan must not be negative' }) @Max(MAX_LOSS_YUAN, { message: `lossAmountYuan must be at most ${MAX_LOSS_YUAN}` }) lossAmountYuan?: number | null;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() injury?: boolean | null;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() mediaExposure?: boolean | null;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() litigation?: boolean | null;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() emergency?: boolean | null;
  @Field({ description: 'why the facts changed (on the timeline)' }) @FreeText({ max: 2000 }) reason!: string;
}

@ArgsType()
export class ReclassifyArgsInput extends ActionIdArgs {
  @Field(() => CategoryEnum, { nullable: true }) @IsOptional() @IsIn(CATEGORIES) category?: Category | null;
  @Field(() => SeverityEnum, { nullable: true }) @IsOptional() @IsIn(SEVERITIES) severity?: Severity | null;
  @Field() @FreeText({ max: 2000 }) reason!: string;
}

@ArgsType()
export class FacilityRestoredArgsInput extends ActionIdArgs {
  @Field(() => Date, { description: 'when the facility worked again; not in the future' })
  @Type(() => Date) @IsDate() @InstantWithin(RECEIVED_AT_WINDOW) restoredAt!: Date;
}
