import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import type {
  Category, Channel, ComplaintKind, ComplaintStatus, DeadlineKind, Responsibility, Severity, Validity,
} from '../../../../../libs/domain/src/enums';
import {
  CategoryEnum, ChannelEnum, ComplaintKindEnum, ComplaintStatusEnum, DeadlineKindEnum, ResponsibilityEnum, SeverityEnum,
  ValidityEnum,
} from '../../common/enums.graphql';
import type { ComplaintView } from '../../../../../libs/domain/src/permissions/permission.util';
import { JSONScalar } from '../../common/json.scalar';

@ObjectType('Complainant')
export class ComplainantDto {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) phone!: string | null;
  @Field(() => String, { nullable: true }) unit!: string | null;
  @Field(() => String, { nullable: true }) email!: string | null;
}

@ObjectType('Deadline')
export class DeadlineDto {
  @Field(() => DeadlineKindEnum) kind!: DeadlineKind;
  @Field() dueAt!: Date;
  @Field(() => Date, { nullable: true, description: 'when the obligation was fulfilled' }) metAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'when the timer fired unfulfilled' }) breachedAt!: Date | null;
  @Field(() => Int, { description: 'the complaint round this deadline belongs to' }) round!: number;
}

@ObjectType('TimelineEvent')
export class TimelineEventDto {
  @Field(() => Int) seq!: number;
  @Field() at!: Date;
  @Field({ description: 'RECEIVED, CLASSIFIED, DISPATCHED, FOLLOW_UP, DEADLINE_BREACHED, RESOLVED, CALLBACK, REOPENED, CLOSED, …' }) type!: string;
  @Field(() => String, { nullable: true, description: 'user id, or "system" for timers and rules' }) actor!: string | null;
  @Field(() => JSONScalar, { nullable: true }) data!: Record<string, unknown>;
}

@ObjectType('SpecialReport')
export class SpecialReportDto {
  @Field() whatHappened!: string;
  @Field() rootCause!: string;
  @Field() preventiveMeasures!: string;
  @Field() submittedAt!: Date;
  submittedById!: string;
  tenantId!: string;
}

@ObjectType('Complaint')
export class ComplaintDto {
  @Field(() => ID) id!: string;
  @Field({ description: 'human-readable, unique per tenant, e.g. "GZ01-2026-000123"' }) reference!: string;
  @Field(() => ChannelEnum) channel!: Channel;
  @Field(() => ComplaintKindEnum) kind!: ComplaintKind;
  @Field(() => CategoryEnum) category!: Category;
  @Field(() => SeverityEnum) severity!: Severity;
  @Field() emergency!: boolean;
  @Field(() => ValidityEnum) validity!: Validity;
  @Field(() => ResponsibilityEnum) responsibility!: Responsibility;
  @Field(() => ComplaintStatusEnum) status!: ComplaintStatus;
  @Field(() => Int) round!: number;
  @Field() description!: string;
  @Field(() => String, { nullable: true }) demand!: string | null;
  @Field(() => String, { nullable: true }) location!: string | null;
  @Field(() => Int) householdsAffected!: number;
  @Field(() => ComplainantDto) complainant!: ComplainantDto;
  @Field() receivedAt!: Date;
  @Field(() => [DeadlineDto]) deadlines!: DeadlineDto[];
  @Field(() => Boolean, { nullable: true }) satisfied!: boolean | null;
  @Field() workflowId!: string;
  @Field(() => Int, { description: 'the policy version this complaint runs under' }) policyVersion!: number;
  @Field(() => ID, { nullable: true, description: 'the same-matter group it belongs to, if linked' }) matterId!: string | null;

  @Field(() => Date, { nullable: true, description: "the customer's own deadline for a resolution, if given" }) customerDeadline!: Date | null;
  @Field(() => SpecialReportDto, { nullable: true }) specialReport!: SpecialReportDto | null;

  tenantId!: string;
  branchId!: string;
  /** How much of it the caller sees (the permission module's `complaintView`); field resolvers honour it. */
  view!: ComplaintView;
  firstContactOwnerId!: string;
  /** 首问责任制: who follows it through now (the `owner` field resolves it). */
  ownerId!: string;
  /** The survivor of a merge (the `mergedInto` field resolves it within the caller's reach). */
  mergedIntoId!: string | null;
  assigneeId!: string | null;
}

@ObjectType('ComplaintEdge')
export class ComplaintEdgeDto {
  @Field({ description: 'opaque; pass as `after` for the complaints after this one (newest first), in the same tenant' }) cursor!: string;
  @Field(() => ComplaintDto) node!: ComplaintDto;
}

@ObjectType('PageInfo')
export class PageInfoDto {
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ObjectType('ComplaintConnection')
export class ComplaintConnectionDto {
  @Field(() => [ComplaintEdgeDto]) edges!: ComplaintEdgeDto[];
  @Field(() => PageInfoDto) pageInfo!: PageInfoDto;
  @Field(() => Int, {
    description: 'How many complaints the list selects (filter and reach), whatever the page. Exact when at most 1,000 match; '
      + 'above that, an exact count made at most 60 seconds earlier for the same caller, list and filter (the same on every page '
      + 'within that minute), so it may lag behind complaints that arrived or changed since; never below 1,001 then.',
  }) totalCount!: number;
}
