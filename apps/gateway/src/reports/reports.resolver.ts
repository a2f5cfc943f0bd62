import { Args, Field, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { DataSource } from 'typeorm';
import { organisationRefusal } from '../../../../libs/domain/src/permissions/permission.util';
import { WeeklyReviewEntity } from '../../../../libs/persistence/src/entities';
import { TenantScopedRepository } from '../../../../libs/persistence/src/tenant-scoped.repository';
import { tenantOf } from '../auth/auth.service';
import { CurrentPrincipal } from '../auth/auth.guard';
import { Principal } from '../auth/principal';
import { ForbiddenError } from '../common/app-error';
import { IntArgRange } from '../common/input-rules';
import { InjectDataSource } from '../common/database.provider';
import { JSONScalar } from '../common/json.scalar';

@ObjectType('WeeklyReview', { description: "Monday review of last week's open complaints (004 §3.1.8)" })
export class WeeklyReviewDto {
  @Field({ description: 'the Monday of the week reviewed, "YYYY-MM-DD"' }) weekStart!: string;
  @Field() reviewedAt!: Date;
  @Field(() => Int) openCount!: number;
  @Field(() => Int) overdueCount!: number;
  @Field(() => JSONScalar, { description: '{ "<branch code>": { open, overdue } }' }) byBranch!: Record<string, unknown>;
  @Field(() => [String]) complaintIds!: string[];
}

@Resolver(() => WeeklyReviewDto)
export class ReportsResolver {
  private readonly reviews: TenantScopedRepository<WeeklyReviewEntity>;

  constructor(@InjectDataSource() ds: DataSource) {
    this.reviews = new TenantScopedRepository(ds, WeeklyReviewEntity);
  }

  @Query(() => [WeeklyReviewDto], { description: 'HEAD_OFFICE, COMPANY_MANAGER: the latest weekly reviews, newest first' })
  weeklyReviews(@CurrentPrincipal() p: Principal, @Args('last', { type: () => Int, defaultValue: 8 }, new IntArgRange(1, 52)) last: number): Promise<WeeklyReviewEntity[]> {
    const tenantId = tenantOf(p);
    const refusal = organisationRefusal(p, 'READ_WEEKLY_REVIEWS');
    if (refusal) throw new ForbiddenError(refusal);
    return this.reviews.find(tenantId, {}, { order: { weekStart: 'DESC' }, take: Math.min(Math.max(last, 1), 52) });
  }
}
