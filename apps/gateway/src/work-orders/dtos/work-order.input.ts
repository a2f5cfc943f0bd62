import { ArgsType, Field, Float, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDate, IsIn, IsInt, IsNumber, IsOptional, IsUUID, Matches, Max, MaxLength, Min,
  ValidateBy, ValidateNested, ValidationArguments,
} from 'class-validator';
import { CALLBACK_METHODS, CallbackMethod } from '../../../../../libs/domain/src/enums';
import {
  MATERIAL_SOURCES, MaterialSource, TRADES, Trade, WORK_ORDER_STATUSES, WorkOrderStatus,
} from '../../../../../libs/domain/src/work-order/work-order.types';
import { CallbackMethodEnum } from '../../common/enums.graphql';
import { FreeText, InstantWithin } from '../../common/input-rules';
import { signatureImageIssue } from '../services/signature-image.util';
import { MaterialSourceEnum, TradeEnum, WorkOrderStatusEnum } from './work-order.dto';
import { REQUEST_ID } from '../../complaints/dtos/complaint.input';

const LINE = { singleLine: true } as const;
const DAY_MS = 24 * 3600_000;

export const WORK_ORDER_LIMITS = {
  description: 2000,
  reason: 500,
  materials: 50,
  materialName: 100,
  chargeYuan: 1_000_000,
  signedBy: 100,
  comment: 1000,
  trades: 8,
  rankMin: 1,
  rankMax: 1000,
} as const;

/** The booked visit: from a day back (recorded late) to 90 days ahead. */
export const BOOKED_FOR_WINDOW = { pastMs: DAY_MS, futureMs: 90 * DAY_MS };

/**
 * A signature image's field, checked whole at the edge: base64 that decodes to a PNG or a JPEG of at
 * most 128 KiB, of the declared content type (the message names the field at fault).
 */
function SignatureImagePart(part: 'base64' | 'contentType'): PropertyDecorator {
  const issueOf = (args?: ValidationArguments) => {
    const o = (args?.object ?? {}) as { contentType?: unknown; base64?: unknown };
    const issue = signatureImageIssue({ contentType: o.contentType, base64: o.base64 });
    return issue && issue.field === part ? issue : null;
  };
  return ValidateBy({
    name: `signatureImage.${part}`,
    validator: {
      validate: (_value: unknown, args?: ValidationArguments) => issueOf(args) === null,
      defaultMessage: (args?: ValidationArguments) => issueOf(args)?.message ?? `${part} is invalid`,
    },
  });
}
// base64 of 128 KiB is 174,764 characters; a little slack for line breaks a client may send.
const SIGNATURE_BASE64_MAX = 180_000;

@ArgsType()
export class WorkOrderActionArgs {
  @Field(() => ID) @IsUUID('all', { message: 'id must be an id' }) id!: string;
  @Field(() => String, {
    nullable: true,
    description: "the client's retry key (1–128 printable ASCII characters): the same requestId again returns the first outcome and never applies twice",
  })
  @IsOptional() @Matches(REQUEST_ID, { message: 'requestId must be 1 to 128 printable ASCII characters without spaces' }) requestId?: string | null;
}

@ArgsType()
export class WorkOrderIdArgs {
  @Field(() => ID) @IsUUID('all', { message: 'id must be an id' }) id!: string;
}

@InputType('MaterialInput')
export class MaterialInput {
  @Field() @FreeText({ max: WORK_ORDER_LIMITS.materialName, ...LINE }) name!: string;
  @Field(() => MaterialSourceEnum) @IsIn(MATERIAL_SOURCES, { message: 'source must be COMPANY or CUSTOMER' }) source!: MaterialSource;
  @Field(() => Float, { nullable: true })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'amountYuan must be a number' })
  @Min(0, { message: 'amountYuan must not be negative' }) @Max(WORK_ORDER_LIMITS.chargeYuan, { message: `amountYuan must be at most ${WORK_ORDER_LIMITS.chargeYuan}` })
  amountYuan?: number | null;
  @Field(() => Boolean, { nullable: true, description: 'whether the material passed its check' }) @IsOptional() @IsBoolean() checkPassed?: boolean | null;
}

@InputType('SignatureImageInput')
export class SignatureImageInput {
  @Field({ description: 'image/png or image/jpeg (checked against the bytes)' })
  @IsIn(['image/png', 'image/jpeg'], { message: 'contentType must be image/png or image/jpeg' }) @SignatureImagePart('contentType') contentType!: string;
  @Field({ description: 'the image, base64 (at most 128 KiB decoded)' })
  @MaxLength(SIGNATURE_BASE64_MAX, { message: 'base64 must decode to at most 128 KiB' })
  @Matches(/^[A-Za-z0-9+/=\r\n ]*[A-Za-z0-9+/][A-Za-z0-9+/=\r\n ]*$/, { message: 'base64 must be base64 text' }) @SignatureImagePart('base64') base64!: string;
}

@InputType('WorkOrderFilter')
export class WorkOrderFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'complaintId must be an id' }) complaintId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'branchId must be an id' }) branchId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'contractorId must be an id' }) contractorId?: string | null;
  @Field(() => WorkOrderStatusEnum, { nullable: true }) @IsOptional() @IsIn(WORK_ORDER_STATUSES) status?: WorkOrderStatus | null;
  @Field(() => Boolean, { nullable: true, description: 'still needs the contractor (not completed, not cancelled)' }) @IsOptional() @IsBoolean() open?: boolean | null;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() awaitingDispatcher?: boolean | null;
}

@ArgsType()
export class WorkOrdersArgs {
  @Field(() => WorkOrderFilter, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => WorkOrderFilter) filter?: WorkOrderFilter | null;
  @Field(() => Int, { defaultValue: 50, nullable: true })
  @IsOptional() @IsInt() @Min(1, { message: 'first must be between 1 and 200' }) @Max(200, { message: 'first must be between 1 and 200' }) first?: number | null = 50;
}

@ArgsType()
export class MyWorkOrdersArgs {
  @Field(() => Boolean, { defaultValue: true, nullable: true, description: 'only the open ones (default)' }) @IsOptional() @IsBoolean() open?: boolean | null = true;
}

@ArgsType()
export class ScorecardArgs {
  @Field({ description: '"2026-Q3", "2026-10" or "2026", in the branch\'s time zone' })
  @Matches(/^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/, { message: 'period must be a year, a quarter or a month, e.g. 2026, 2026-Q3 or 2026-10' }) period!: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'contractorId must be an id' }) contractorId?: string | null;
}

@ArgsType()
export class ContractorsArgs {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'branchId must be an id' }) branchId?: string | null;
  @Field(() => TradeEnum, { nullable: true }) @IsOptional() @IsIn(TRADES) trade?: Trade | null;
}

@ArgsType()
export class IssueWorkOrderArgs {
  @Field(() => ID) @IsUUID('all', { message: 'complaintId must be an id' }) complaintId!: string;
  @Field(() => ID, { description: 'a CONTRACTOR of the complaint\'s branch' }) @IsUUID('all', { message: 'contractorId must be an id' }) contractorId!: string;
  @Field({ description: 'what is to be done (at most 2,000 characters)' }) @FreeText({ max: WORK_ORDER_LIMITS.description }) description!: string;
  @Field(() => TradeEnum, { nullable: true, description: 'default: the contractor\'s first trade, else GENERAL_REPAIR' }) @IsOptional() @IsIn(TRADES) trade?: Trade | null;
  @Field(() => String, { nullable: true, description: 'the same requestId on the same complaint issues one work order, never two' })
  @IsOptional() @Matches(REQUEST_ID, { message: 'requestId must be 1 to 128 printable ASCII characters without spaces' }) requestId?: string | null;
}

@ArgsType()
export class ContactArgsInput extends WorkOrderActionArgs {
  @Field({ description: 'the visit booked with the customer (from a day ago to 90 days ahead)' })
  @Type(() => Date) @IsDate({ message: 'bookedFor must be a date-time' }) @InstantWithin(BOOKED_FOR_WINDOW) bookedFor!: Date;
}

@ArgsType()
export class CompleteArgsInput extends WorkOrderActionArgs {
  @Field(() => [MaterialInput], { nullable: true })
  @IsOptional() @IsArray() @ArrayMaxSize(WORK_ORDER_LIMITS.materials, { message: `materials lists at most ${WORK_ORDER_LIMITS.materials} materials` })
  @ValidateNested({ each: true }) @Type(() => MaterialInput) materials?: MaterialInput[] | null;
  @Field(() => Float, { nullable: true, description: 'the charge for a paid service (0–1,000,000 yuan)' })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'chargeYuan must be a number' })
  @Min(0, { message: 'chargeYuan must not be negative' }) @Max(WORK_ORDER_LIMITS.chargeYuan, { message: `chargeYuan must be at most ${WORK_ORDER_LIMITS.chargeYuan}` })
  chargeYuan?: number | null;
  @Field() @IsBoolean() customerSigned!: boolean;
  @Field(() => String, { nullable: true, description: 'who signed (default: the complainant)' }) @IsOptional() @FreeText({ max: WORK_ORDER_LIMITS.signedBy, ...LINE }) signedBy?: string | null;
  @Field(() => SignatureImageInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => SignatureImageInput) signatureImage?: SignatureImageInput | null;
}

@ArgsType()
export class SignArgsInput extends WorkOrderActionArgs {
  @Field() @FreeText({ max: WORK_ORDER_LIMITS.signedBy, ...LINE }) signedBy!: string;
  @Field(() => SignatureImageInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => SignatureImageInput) signatureImage?: SignatureImageInput | null;
}

@ArgsType()
export class ReassignArgsInput extends WorkOrderActionArgs {
  @Field(() => ID, { description: 'another CONTRACTOR of the branch' }) @IsUUID('all', { message: 'contractorId must be an id' }) contractorId!: string;
  @Field() @FreeText({ max: WORK_ORDER_LIMITS.reason }) reason!: string;
}

@ArgsType()
export class CancelArgsInput extends WorkOrderActionArgs {
  @Field() @FreeText({ max: WORK_ORDER_LIMITS.reason }) reason!: string;
}

@ArgsType()
export class ReturnVisitArgsInput extends WorkOrderActionArgs {
  @Field(() => CallbackMethodEnum) @IsIn(CALLBACK_METHODS) method!: CallbackMethod;
  @Field() @IsBoolean() satisfied!: boolean;
  @Field(() => String, { nullable: true }) @IsOptional() @FreeText({ max: WORK_ORDER_LIMITS.comment }) comment?: string | null;
}

@InputType('ContractorTradeInput')
export class ContractorTradeInput {
  @Field(() => TradeEnum) @IsIn(TRADES) trade!: Trade;
  @Field(() => Int, { nullable: true, description: '1–1000, lower first on the list (default 100)' })
  @IsOptional() @IsInt({ message: 'rank must be a whole number' })
  @Min(WORK_ORDER_LIMITS.rankMin, { message: 'rank must be from 1 to 1000' }) @Max(WORK_ORDER_LIMITS.rankMax, { message: 'rank must be from 1 to 1000' })
  rank?: number | null;
}

@ArgsType()
export class CreateContractorArgs {
  @Field() @FreeText({ max: 200, ...LINE }) name!: string;
  @Field(() => [TradeEnum])
  @IsArray() @ArrayMinSize(1, { message: 'trades must name at least one trade' })
  @ArrayMaxSize(WORK_ORDER_LIMITS.trades, { message: `trades must name at most ${WORK_ORDER_LIMITS.trades} trades` })
  @IsIn(TRADES, { each: true }) trades!: Trade[];
  @Field(() => ID, { nullable: true, description: 'the branch the contractor works for (or companyId)' }) @IsOptional() @IsUUID('all', { message: 'branchId must be an id' }) branchId?: string | null;
  @Field(() => ID, { nullable: true, description: 'the company the contractor works for, all its branches (or branchId)' }) @IsOptional() @IsUUID('all', { message: 'companyId must be an id' }) companyId?: string | null;
  @Field(() => Int, { nullable: true, description: 'rank on each trade\'s list (1–1000, default 100)' })
  @IsOptional() @IsInt({ message: 'rank must be a whole number' })
  @Min(WORK_ORDER_LIMITS.rankMin, { message: 'rank must be from 1 to 1000' }) @Max(WORK_ORDER_LIMITS.rankMax, { message: 'rank must be from 1 to 1000' })
  rank?: number | null;
}

@ArgsType()
export class SetContractorTradesArgs {
  @Field(() => ID) @IsUUID('all', { message: 'userId must be an id' }) userId!: string;
  @Field(() => [ContractorTradeInput], { description: 'every trade the contractor is listed for (1–8)' })
  @IsArray() @ArrayMinSize(1, { message: 'trades must name at least one trade' }) @ArrayMaxSize(WORK_ORDER_LIMITS.trades, { message: `trades must name at most ${WORK_ORDER_LIMITS.trades} trades` })
  @ValidateNested({ each: true }) @Type(() => ContractorTradeInput) trades!: ContractorTradeInput[];
}
