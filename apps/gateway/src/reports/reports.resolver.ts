import { Args, Field, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { DataSource } from 'typeorm';
import { WeeklyReviewFigures, organisationRefusal, reviewWithinReach } from '../../../../libs/domain/src/permissions/permission.util';
import { ComplaintEntity, WeeklyReviewEntity } from '../../../../libs/persistence/src/entities';
import { TenantScopedRepository } from '../../../../libs/persistence/src/tenant-scoped.repository';
import { tenantOf } from '../auth/auth.service';
import { CurrentPrincipal } from '../auth/auth.guard';
import { Principal } from '../auth/principal';
import { ForbiddenError } from '../common/app-error';
import { IntArgRange } from '../common/input-rules';
import { InjectDataSource } from '../common/database.provider';
import { JSONScalar } from '../common/json.scalar';
import { inComplaintScopeOf } from '../complaints/services/complaints.service';
import { OrganisationService } from '../organisation/services/organisation.service';

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
  private readonly complaints: TenantScopedRepository<ComplaintEntity>;

  constructor(@InjectDataSource() ds: DataSource, private readonly org: OrganisationService) {
    this.reviews = new TenantScopedRepository(ds, WeeklyReviewEntity);
    this.complaints = new TenantScopedRepository(ds, ComplaintEntity);
  }

  @Query(() => [WeeklyReviewDto], {
    description: 'HEAD_OFFICE, COMPANY_MANAGER: the latest weekly reviews, newest first, narrowed to the caller\'s branches and complaints',
  })
  async weeklyReviews(@CurrentPrincipal() p: Principal, @Args('last', { type: () => Int, defaultValue: 8 }, new IntArgRange(1, 52)) last: number): Promise<WeeklyReviewDto[]> {
    const tenantId = tenantOf(p);
    const refusal = organisationRefusal(p, 'READ_WEEKLY_REVIEWS');
    if (refusal) throw new ForbiddenError(refusal);
    const reviews = await this.reviews.find(tenantId, {}, { order: { weekStart: 'DESC' }, take: Math.min(Math.max(last, 1), 52) });
    if (reviews.length === 0) return [];
    // The stored review is the tenant's: keep the branches the caller reaches as staff and the
    // complaints of those branches they may see (one query for all the reviews' ids).
    const scope = p.complaintScope;
    const branches = scope.wholeTenant ? null : await this.org.visibleBranches(p, undefined, scope);
    const ids = [...new Set(reviews.flatMap((r) => r.complaintIds))];
    const visible = ids.length === 0 ? [] : await this.complaints.read(tenantId, 'c', (qb) => {
      inComplaintScopeOf(p, qb).andWhere('c.id = ANY(:ids)', { ids });
      if (branches) qb.andWhere('c.branchId = ANY(:reviewBranchIds)', { reviewBranchIds: branches.map((b) => b.id) });
      return qb.select('c.id').getMany();
    });
    const codes = branches ? new Set(branches.map((b) => b.code)) : 'ALL';
    const visibleIds = new Set(visible.map((c) => c.id));
    return reviews.map((r) => {
      const figures: WeeklyReviewFigures = { openCount: r.openCount, overdueCount: r.overdueCount, byBranch: r.byBranch, complaintIds: r.complaintIds };
      return { weekStart: r.weekStart, reviewedAt: r.reviewedAt, ...reviewWithinReach(figures, codes, visibleIds) };
    });
  }
}
