import { Args, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/auth.guard';
import { Principal } from '../auth/principal';
import { NotFoundError } from '../common/app-error';
import { IntArgRange } from '../common/input-rules';
import { BranchEntity, CompanyEntity, TenantEntity, UserEntity } from '../../../../libs/persistence/src/entities';
import {
  BranchCalendarDto, BranchDto, CompanyDto, RoleAssignmentDto, TenantDto, TenantProvisioningDto, UserDto,
} from './dtos/organisation.dto';
import { CreateBranchArgs, CreateCompanyArgs, CreateTenantArgs, CreateUserArgs } from './dtos/organisation.input';
import { OrganisationService } from './services/organisation.service';

const calendarDto = (b: BranchEntity): BranchCalendarDto => ({
  timezone: b.calendar.timezone,
  workingHours: b.calendar.workingHours,
  allHolidays: b.calendar.holidays,
  allMakeUpWorkdays: b.calendar.makeUpWorkdays,
});

const byYear = (dates: string[], year?: number | null): string[] =>
  year ? dates.filter((d) => d.startsWith(`${year}-`)) : dates;

@Resolver(() => TenantDto)
export class TenantResolver {
  constructor(private readonly org: OrganisationService) {}

  @Mutation(() => TenantProvisioningDto, { description: 'PLATFORM_ADMIN; presets: pm-branch, vanke-sh, training' })
  async createTenant(@CurrentPrincipal() p: Principal, @Args() args: CreateTenantArgs): Promise<TenantProvisioningDto> {
    const { tenant, headOffice } = await this.org.createTenant(p, args);
    return { tenant, headOffice };
  }

  @ResolveField(() => [CompanyDto])
  companies(@CurrentPrincipal() p: Principal, @Parent() t: TenantEntity): Promise<CompanyEntity[]> {
    // The platform operator provisioning a tenant sees its (empty) organisation, nothing else.
    if (p.platformAdmin) return Promise.resolve([]);
    return this.org.visibleCompanies(p);
  }
}

@Resolver(() => CompanyDto)
export class CompanyResolver {
  constructor(private readonly org: OrganisationService) {}

  @Mutation(() => CompanyDto, { description: 'HEAD_OFFICE' })
  createCompany(@CurrentPrincipal() p: Principal, @Args() args: CreateCompanyArgs): Promise<CompanyEntity> {
    return this.org.createCompany(p, args.name);
  }

  @ResolveField(() => [BranchDto])
  branches(@CurrentPrincipal() p: Principal, @Parent() c: CompanyEntity): Promise<BranchEntity[]> {
    return this.org.visibleBranches(p, c.id);
  }
}

@Resolver(() => BranchDto)
export class BranchResolver {
  constructor(private readonly org: OrganisationService) {}

  @Mutation(() => BranchDto, { description: 'HEAD_OFFICE, or COMPANY_MANAGER of that company' })
  createBranch(@CurrentPrincipal() p: Principal, @Args() args: CreateBranchArgs): Promise<BranchEntity> {
    return this.org.createBranch(p, args);
  }

  @ResolveField(() => CompanyDto)
  async company(@Parent() b: BranchEntity): Promise<CompanyEntity> {
    const c = await this.org.company(b.tenantId, b.companyId);
    if (!c) throw new NotFoundError('company');
    return c;
  }

  @ResolveField(() => BranchCalendarDto)
  calendar(@Parent() b: BranchEntity): BranchCalendarDto {
    return calendarDto(b);
  }
}

@Resolver(() => BranchCalendarDto)
export class BranchCalendarResolver {
  @ResolveField(() => [String], { description: 'days off even if their weekday works, "YYYY-MM-DD"' })
  holidays(@Parent() c: BranchCalendarDto, @Args('year', { type: () => Int, nullable: true }, new IntArgRange(2000, 2100)) year?: number): string[] {
    return byYear(c.allHolidays, year);
  }

  @ResolveField(() => [String], { description: '调休: working days even if their weekday is off' })
  makeUpWorkdays(@Parent() c: BranchCalendarDto, @Args('year', { type: () => Int, nullable: true }, new IntArgRange(2000, 2100)) year?: number): string[] {
    return byYear(c.allMakeUpWorkdays, year);
  }
}

@Resolver(() => UserDto)
export class UserResolver {
  constructor(private readonly org: OrganisationService) {}

  @Query(() => UserDto)
  async me(@CurrentPrincipal() p: Principal): Promise<UserDto> {
    if (p.platformAdmin) return { id: p.userId, name: 'Platform operator', tenantId: null };
    const u = await this.org.user(p.tenantId as string, p.userId);
    if (!u) throw new NotFoundError('user');
    return u;
  }

  @Mutation(() => UserDto, { description: 'HEAD_OFFICE; COMPANY_MANAGER/BRANCH_MANAGER within their scope' })
  createUser(@CurrentPrincipal() p: Principal, @Args() args: CreateUserArgs): Promise<UserEntity> {
    return this.org.createUser(p, args);
  }

  @ResolveField(() => [RoleAssignmentDto])
  async roles(@CurrentPrincipal() p: Principal, @Parent() u: UserDto): Promise<RoleAssignmentDto[]> {
    if (!u.tenantId) return p.userId === u.id ? p.roles : [];
    return this.org.rolesOf(u.tenantId, u.id);
  }
}
