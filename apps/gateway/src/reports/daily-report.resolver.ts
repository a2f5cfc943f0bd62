import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { BranchEntity, UserEntity } from '../../../../libs/persistence/src/entities';
import { CurrentPrincipal } from '../auth/auth.guard';
import { Principal } from '../auth/principal';
import { NotFoundError } from '../common/app-error';
import { BranchDto, UserDto } from '../organisation/dtos/organisation.dto';
import { OrganisationService } from '../organisation/services/organisation.service';
import { DailyReportArgs, DailyReportSnapshotDto, ReportReceiptDto } from './daily-report.dto';
import { DailyReportService } from './daily-report.service';

@Resolver(() => ReportReceiptDto)
export class DailyReportResolver {
  constructor(private readonly service: DailyReportService, private readonly org: OrganisationService) {}

  @Mutation(() => ReportReceiptDto, {
    description: 'Marks the caller\'s own copy of the branch\'s daily report for that date read (003 八.1). Idempotent: the first read time stands. '
      + 'NOT_FOUND when no report for that date and branch was addressed to the caller, or the branch is outside their reach',
  })
  markDailyReportRead(@CurrentPrincipal() p: Principal, @Args() a: DailyReportArgs): Promise<ReportReceiptDto> {
    return this.service.markRead(p, a.date, a.branchId);
  }

  @Query(() => [ReportReceiptDto], {
    description: 'Who the branch\'s daily report for that date was addressed to, and who has read it, when it was due and who was reminded. '
      + 'BRANCH_MANAGER of the branch, COMPANY_MANAGER, HEAD_OFFICE; other staff FORBIDDEN; outside reach NOT_FOUND',
  })
  dailyReportReceipts(@CurrentPrincipal() p: Principal, @Args() a: DailyReportArgs): Promise<ReportReceiptDto[]> {
    return this.service.receiptsOf(p, a.date, a.branchId);
  }

  @Query(() => DailyReportSnapshotDto, {
    nullable: true,
    description: 'The branch\'s daily report for that date as it was built (null before it is): its recipients and the branch manager and above',
  })
  dailyReportSnapshot(@CurrentPrincipal() p: Principal, @Args() a: DailyReportArgs): Promise<DailyReportSnapshotDto | null> {
    return this.service.snapshot(p, a.date, a.branchId);
  }

  @ResolveField(() => UserDto)
  user(@Context() ctx: object, @Parent() r: ReportReceiptDto): Promise<UserEntity> {
    return userOf(this.org, ctx, r.tenantId, r.userId);
  }

  @ResolveField(() => BranchDto)
  branch(@Context() ctx: object, @Parent() r: ReportReceiptDto): Promise<BranchEntity> {
    return branchOf(this.org, ctx, r.tenantId, r.branchId);
  }
}

@Resolver(() => DailyReportSnapshotDto)
export class DailyReportSnapshotResolver {
  constructor(private readonly org: OrganisationService) {}

  @ResolveField(() => BranchDto)
  branch(@Context() ctx: object, @Parent() s: DailyReportSnapshotDto): Promise<BranchEntity> {
    return branchOf(this.org, ctx, s.tenantId, s.branchId);
  }

  @ResolveField(() => [UserDto], { description: 'who had not read it when it fell due (and was reminded): the line on the branch manager\'s report' })
  async unreadAfterDue(@Context() ctx: object, @Parent() s: DailyReportSnapshotDto): Promise<UserEntity[]> {
    const users = await Promise.all(s.unreadAfterDueIds.map((id) => this.org.loaders(ctx, s.tenantId).users.load(id)));
    return users.filter((u): u is UserEntity => u !== null);
  }
}

async function userOf(org: OrganisationService, ctx: object, tenantId: string, id: string): Promise<UserEntity> {
  const u = await org.loaders(ctx, tenantId).users.load(id);
  if (!u) throw new NotFoundError('user');
  return u;
}

async function branchOf(org: OrganisationService, ctx: object, tenantId: string, id: string): Promise<BranchEntity> {
  const b = await org.loaders(ctx, tenantId).branches.load(id);
  if (!b) throw new NotFoundError('branch');
  return b;
}
