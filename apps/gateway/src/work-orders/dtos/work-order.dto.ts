import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { Category } from '../../../../../libs/domain/src/enums';
import {
  MATERIAL_SOURCES, MaterialSource, TRADES, Trade, WORK_ORDER_DEADLINE_KINDS, WORK_ORDER_STATUSES, WorkOrderDeadlineKind, WorkOrderStatus,
} from '../../../../../libs/domain/src/work-order/work-order.types';
import type { ComplaintView, ComplaintVisibilityRef, WorkOrderView } from '../../../../../libs/domain/src/permissions/permission.util';
import { CategoryEnum } from '../../common/enums.graphql';
import { JSONScalar } from '../../common/json.scalar';

function enumOf<T extends string>(values: readonly T[]): { [K in T]: K } {
  return Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
}

export const TradeEnum = enumOf(TRADES);
export const WorkOrderStatusEnum = enumOf(WORK_ORDER_STATUSES);
export const MaterialSourceEnum = enumOf(MATERIAL_SOURCES);
export const WorkOrderDeadlineKindEnum = enumOf(WORK_ORDER_DEADLINE_KINDS);
registerEnumType(TradeEnum, { name: 'Trade', description: 'what a contractor is listed for on a branch' });
registerEnumType(WorkOrderStatusEnum, { name: 'WorkOrderStatus' });
registerEnumType(MaterialSourceEnum, { name: 'MaterialSource' });
registerEnumType(WorkOrderDeadlineKindEnum, { name: 'WorkOrderDeadlineKind' });

@ObjectType('Material')
export class MaterialDto {
  @Field() name!: string;
  @Field(() => MaterialSourceEnum) source!: MaterialSource;
  @Field(() => Float, { nullable: true }) amountYuan!: number | null;
  @Field(() => Boolean, { nullable: true }) checkPassed!: boolean | null;
}

@ObjectType('WorkOrderDeadline')
export class WorkOrderDeadlineDto {
  @Field(() => WorkOrderDeadlineKindEnum) kind!: WorkOrderDeadlineKind;
  @Field(() => Int, { description: 'the attempt it belongs to' }) attempt!: number;
  @Field() startedAt!: Date;
  @Field() dueAt!: Date;
  @Field(() => Date, { nullable: true }) metAt!: Date | null;
  @Field(() => Date, { nullable: true }) breachedAt!: Date | null;
}

@ObjectType('WorkOrderAttempt', { description: 'one contractor\'s turn at the job (the scorecard\'s unit)' })
export class WorkOrderAttemptDto {
  @Field(() => Int) attempt!: number;
  @Field({ description: 'ISSUED, MISSED, STAFF_REASSIGNED or REOPENED' }) cause!: string;
  @Field() startedAt!: Date;
  @Field() contactDueAt!: Date;
  @Field(() => Date, { nullable: true }) contactedAt!: Date | null;
  @Field(() => Date, { nullable: true }) bookedFor!: Date | null;
  @Field(() => Date, { nullable: true }) completedAt!: Date | null;
  @Field(() => WorkOrderDeadlineKindEnum, { nullable: true, description: 'the one chance missed on this attempt (recorded against the contractor)' })
  missed!: WorkOrderDeadlineKind | null;
  @Field(() => String, { nullable: true, description: 'MISSED, REASSIGNED, COMPLETED or CANCELLED; null while current' }) ended!: string | null;
  @Field({ description: 'completed, then reopened by an unsatisfied return visit' }) reopened!: boolean;
  @Field(() => Boolean, { nullable: true }) returnVisitSatisfied!: boolean | null;
  tenantId!: string;
  contractorId!: string;
}

@ObjectType('WorkOrderEvent')
export class WorkOrderEventDto {
  @Field(() => Int) seq!: number;
  @Field() type!: string;
  @Field() at!: Date;
  @Field(() => JSONScalar) payload!: Record<string, unknown>;
  tenantId!: string;
  actorId!: string | null;
}

@ObjectType('CustomerSignature')
export class CustomerSignatureDto {
  @Field() signedBy!: string;
  @Field() signedAt!: Date;
  @Field(() => String, { nullable: true, description: 'image/png or image/jpeg, when an image was uploaded' }) imageContentType!: string | null;
  @Field(() => String, { nullable: true, description: 'the uploaded image as a data URL (data:image/png;base64,…)' }) image!: string | null;
  tenantId!: string;
  imageId!: string | null;
}

@ObjectType('WorkOrder')
export class WorkOrderDto {
  @Field(() => ID) id!: string;
  @Field(() => WorkOrderStatusEnum) status!: WorkOrderStatus;
  @Field(() => TradeEnum) trade!: Trade;
  @Field() description!: string;
  @Field() issuedAt!: Date;
  @Field({ description: 'the current attempt\'s CONTRACTOR_CONTACT deadline' }) contactDueAt!: Date;
  @Field(() => Date, { nullable: true }) contactedAt!: Date | null;
  @Field(() => Date, { nullable: true }) bookedFor!: Date | null;
  @Field(() => Date, { nullable: true }) onSiteAt!: Date | null;
  @Field(() => Date, { nullable: true }) completedAt!: Date | null;
  @Field(() => [MaterialDto]) materials!: MaterialDto[];
  @Field(() => Float, { nullable: true }) chargeYuan!: number | null;
  @Field() customerSigned!: boolean;
  @Field(() => Int, { description: '1; +1 each time the job went to another contractor or was reopened' }) attempt!: number;
  @Field(() => Date, { nullable: true }) returnVisitDueAt!: Date | null;
  @Field(() => Date, { nullable: true }) returnVisitAt!: Date | null;
  @Field(() => Boolean, { nullable: true }) returnVisitSatisfied!: boolean | null;
  @Field({ description: 'a miss with nobody to take the job: the dispatcher must reassign it' }) awaitingDispatcher!: boolean;
  @Field(() => String, { nullable: true }) cancelledReason!: string | null;
  @Field(() => [WorkOrderDeadlineDto]) deadlines!: WorkOrderDeadlineDto[];
  @Field(() => [WorkOrderAttemptDto], { description: 'every contractor\'s turn, oldest first (a contractor sees only their own)' }) attempts!: WorkOrderAttemptDto[];

  tenantId!: string;
  complaintId!: string;
  branchId!: string;
  companyId!: string;
  contractorId!: string;
  /** How much the caller sees: FULL, or CONTRACTOR (their own attempts, the complaint's job view, no staff timeline). */
  view!: WorkOrderView;
  complaintView!: ComplaintView;
  signatureRow!: { signedBy: string; signedAt: Date; imageId: string | null } | null;
  /** The caller's own attempts (a contractor's part of the timeline). */
  ownAttempts!: WorkOrderAttemptDto[];
  /** The complaint as the permission module's work-order rules need it. */
  complaintRef!: ComplaintVisibilityRef;
}

@ObjectType('ContractorTrade')
export class ContractorTradeDto {
  @Field(() => TradeEnum) trade!: Trade;
  @Field(() => Int, { description: 'place on the branch\'s list for the trade (lower first)' }) rank!: number;
}

@ObjectType('Contractor')
export class ContractorDto {
  @Field(() => [ContractorTradeDto]) trades!: ContractorTradeDto[];
  /** The contractor's user id (also the audit log's record id). */
  id!: string;
  tenantId!: string;
  userId!: string;
}

@ObjectType('ContractorCategoryScore')
export class ContractorCategoryScoreDto {
  @Field(() => CategoryEnum, { nullable: true }) category!: Category | null;
  @Field(() => Int) orders!: number;
  @Field(() => Float) onTimeContactRate!: number;
  @Field(() => Float) onTimeCompletionRate!: number;
  @Field(() => Float) firstTimeFixRate!: number;
  @Field(() => Float) satisfactionRate!: number;
  @Field(() => Int) misses!: number;
}

@ObjectType('ContractorScore')
export class ContractorScoreDto {
  @Field(() => Int, { description: 'place in the ranking (satisfaction, first-time fix, fewest misses, name)' }) rank!: number;
  @Field() period!: string;
  @Field(() => Int, { description: 'attempts started in the period' }) orders!: number;
  @Field(() => Float) onTimeContactRate!: number;
  @Field(() => Float) onTimeCompletionRate!: number;
  @Field(() => Float) firstTimeFixRate!: number;
  @Field(() => Float) satisfactionRate!: number;
  @Field(() => Int) misses!: number;
  @Field(() => Int, { description: 'attempts whose contact was made or missed (onTimeContactRate\'s denominator)' }) contactsDecided!: number;
  @Field(() => Int, { description: 'attempts whose completion is decided (onTimeCompletionRate\'s denominator)' }) completionsDecided!: number;
  @Field(() => Int, { description: 'completed attempts (firstTimeFixRate\'s denominator)' }) completed!: number;
  @Field(() => Int, { description: 'return visits recorded (satisfactionRate\'s denominator)' }) returnVisits!: number;
  @Field(() => [ContractorCategoryScoreDto]) byCategory!: ContractorCategoryScoreDto[];
  tenantId!: string;
  contractorId!: string;
}
