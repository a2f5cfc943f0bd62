import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'crypto';
import DataLoader from 'dataloader';
import { DataSource, EntityManager } from 'typeorm';
import { defaultBranchCalendar } from '../../../../../libs/domain/src/calendar/china-holidays.util';
import { isValidTimeZone } from '../../../../../libs/domain/src/calendar/zoned-time.util';
import {
  GrantRequest, GrantTarget, OrganisationAction, OrganisationScope, OrganisationTarget, grantRefusal, grantShapeIssues, organisationRefusal,
  seesBranch, seesCompany,
} from '../../../../../libs/domain/src/permissions/permission.util';
import { presetPolicy, reportsPolicyOf } from '../../../../../libs/domain/src/policy/policy.util';
import type { Policy, PolicyPresetName } from '../../../../../libs/domain/src/policy/policy.types';
import {
  BranchEntity, CompanyEntity, PolicyVersionEntity, RoleAssignmentEntity, TenantEntity, UserEntity,
} from '../../../../../libs/persistence/src/entities';
import { tenantTransaction } from '../../../../../libs/persistence/src/tenant-transaction';
import { TenantRecordRepository, TenantScopedRepository } from '../../../../../libs/persistence/src/tenant-scoped.repository';
import { AppError, BadUserInputError, ErrorCode, ForbiddenError, NotFoundError, UnavailableError } from '../../common/app-error';
import { InjectDataSource } from '../../common/database.provider';
import { GATEWAY_CONFIG, GatewayConfig } from '../../common/gateway.config';
import { TemporalClientProvider } from '../../common/temporal.provider';
import { ensureWeeklyReviewSchedule } from '../../../../../libs/temporal-client/src/weekly-review.schedule';
import { ensureDailyReportSchedule } from '../../../../../libs/temporal-client/src/daily-report.schedule';
import { ensureCategoryModelSchedule } from '../../../../../libs/temporal-client/src/category-model.schedule';
import { isInfrastructureFailure } from '../../common/infrastructure-errors';
import { perRequestMemo } from '../../common/request-cache.util';
import { tenantOf } from '../../auth/auth.service';
import { Principal } from '../../auth/principal';
import { CreateBranchArgs, CreateTenantArgs, CreateUserArgs } from '../dtos/organisation.input';

/** Tenants, companies, branches and users: the group's organisation and who may do what where. */
@Injectable()
export class OrganisationService {
  readonly companies: TenantScopedRepository<CompanyEntity>;
  readonly branches: TenantScopedRepository<BranchEntity>;
  readonly users: TenantScopedRepository<UserEntity>;
  readonly roles: TenantScopedRepository<RoleAssignmentEntity>;
  private readonly tenants: TenantRecordRepository;
  private readonly policyVersions: TenantScopedRepository<PolicyVersionEntity>;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly temporal: TemporalClientProvider,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.companies = new TenantScopedRepository(ds, CompanyEntity);
    this.branches = new TenantScopedRepository(ds, BranchEntity);
    this.users = new TenantScopedRepository(ds, UserEntity);
    this.roles = new TenantScopedRepository(ds, RoleAssignmentEntity);
    this.tenants = new TenantRecordRepository(ds);
    this.policyVersions = new TenantScopedRepository(ds, PolicyVersionEntity);
  }

  async createTenant(p: Principal, args: CreateTenantArgs): Promise<{ tenant: TenantEntity; headOffice: UserEntity }> {
    if (!p.platformAdmin) throw new ForbiddenError('only the platform operator provisions tenants');
    allow(p, 'PROVISION_TENANT');
    const tenantId = randomUUID();
    // The Monday review and nightly category-model schedules first: a tenant never exists without them (the worker re-ensures all on start).
    try {
      await ensureWeeklyReviewSchedule(await this.temporal.get(), { tenantId, taskQueue: this.config.taskQueue });
      await ensureCategoryModelSchedule(await this.temporal.get(), { tenantId, taskQueue: this.config.taskQueue });
    } catch (err) {
      if (isInfrastructureFailure(err)) throw new UnavailableError('the complaint engine (Temporal) is unreachable');
      throw err;
    }
    return tenantTransaction(this.ds, tenantId, async (m) => {
      const tenant = await this.tenants.withManager(m).insert(tenantId, { name: args.name, policyPreset: args.policyPreset, currentPolicyVersion: 1 });
      await this.policyVersions.withManager(m).insert(tenantId, {
        version: 1, document: presetPolicy(args.policyPreset as PolicyPresetName) as unknown as Record<string, unknown>, overrides: {},
        createdBy: null, createdAt: new Date(),
      });
      const headOffice = await this.users.withManager(m).insert(tenantId, { id: randomUUID(), name: args.headOfficeName, createdAt: new Date() });
      await this.roles.withManager(m).insert(tenantId, { id: randomUUID(), userId: headOffice.id, role: 'HEAD_OFFICE', companyId: null, branchId: null });
      return { tenant, headOffice };
    });
  }

  async tenant(p: Principal): Promise<TenantEntity> {
    const t = await this.tenants.findOne(tenantOf(p));
    if (!t) throw new NotFoundError('tenant');
    return t;
  }

  async createCompany(p: Principal, name: string): Promise<CompanyEntity> {
    const tenantId = tenantOf(p);
    allow(p, 'CREATE_COMPANY');
    return this.companies.insert(tenantId, { id: randomUUID(), name, createdAt: new Date() });
  }

  async createBranch(p: Principal, args: CreateBranchArgs): Promise<BranchEntity> {
    const tenantId = tenantOf(p);
    const company = await this.companies.findOne(tenantId, { id: args.companyId });
    if (!company) throw new NotFoundError('company');
    allow(p, 'CREATE_BRANCH', { companyId: company.id });
    const timezone = args.timezone ?? 'Asia/Shanghai';
    if (!isValidTimeZone(timezone)) throw new BadUserInputError([{ field: 'timezone', message: `"${timezone}" is not an IANA time zone` }]);
    if (await this.branches.findOne(tenantId, { code: args.code })) {
      throw new AppError(ErrorCode.CONFLICT, `branch code ${args.code} is already used in this group`);
    }
    const id = randomUUID();
    // The daily report schedule first, like the weekly review's: a branch never exists without it.
    await this.ensureDailyReportSchedule(tenantId, id, timezone);
    return this.branches.insert(tenantId, {
      id, companyId: company.id, code: args.code, name: args.name, timezone,
      calendar: defaultBranchCalendar(timezone), createdAt: new Date(),
    });
  }

  /** The branch's daily report schedule (003 八.1), at the current policy's time in the branch's zone. */
  private async ensureDailyReportSchedule(tenantId: string, branchId: string, timezone: string): Promise<void> {
    const tenant = await this.tenants.findOne(tenantId);
    const version = tenant ? await this.policyVersions.findOne(tenantId, { version: tenant.currentPolicyVersion }) : null;
    const reports = reportsPolicyOf((version?.document ?? { preset: tenant?.policyPreset }) as unknown as Policy);
    try {
      await ensureDailyReportSchedule(await this.temporal.get(), {
        tenantId, branchId, taskQueue: this.config.taskQueue, timezone, at: reports.dailyReportAt, enabled: reports.enabled,
      });
    } catch (err) {
      if (isInfrastructureFailure(err)) throw new UnavailableError('the complaint engine (Temporal) is unreachable');
      throw err;
    }
  }

  /**
   * A new user with role grants. Each grant's shape must match its role (BAD_USER_INPUT naming the
   * field); its branch or company must be one the caller sees (NOT_FOUND otherwise, like any record
   * outside their reach); and the caller must hold a granting role that ranks at least as high and
   * whose scope contains it (FORBIDDEN naming the field): nobody grants a role wider than their own.
   */
  async createUser(p: Principal, args: CreateUserArgs, andThen?: (m: EntityManager, user: UserEntity) => Promise<void>): Promise<UserEntity> {
    const tenantId = tenantOf(p);
    const requested: GrantRequest[] = args.roles.map((r) => ({ role: r.role, companyId: r.companyId ?? null, branchId: r.branchId ?? null, position: r.position ?? null }));
    const shape = requested.flatMap((g, i) => grantShapeIssues(g).map((x) => ({ field: `roles.${i}.${x.field}`, message: x.reason })));
    if (shape.length) throw new BadUserInputError(shape);
    // Resolve each grant's branch or company inside this tenant, filling the company of a branch grant.
    const grants: GrantRequest[] = [];
    for (const [i, g] of requested.entries()) {
      let target: GrantTarget = null;
      if (g.branchId) {
        const branch = await this.branches.findOne(tenantId, { id: g.branchId });
        if (!branch || !seesBranch(p, branch)) throw new NotFoundError('branch');
        target = { branch };
      } else if (g.companyId) {
        const company = await this.companies.findOne(tenantId, { id: g.companyId });
        if (!company || !seesCompany(p, company.id)) throw new NotFoundError('company');
        target = { companyId: company.id };
      }
      const refusal = grantRefusal(p, g, target);
      if (refusal) {
        const issue = { field: `roles.${i}.${refusal.field}`, message: refusal.reason };
        if (refusal.kind === 'SHAPE') throw new BadUserInputError([issue]);
        throw new AppError(ErrorCode.FORBIDDEN, refusal.reason, [issue]);
      }
      grants.push({ role: g.role, companyId: target && 'branch' in target ? target.branch.companyId : g.companyId, branchId: g.branchId, position: g.position ?? null });
    }
    return tenantTransaction(this.ds, tenantId, async (m) => {
      const user = await this.users.withManager(m).insert(tenantId, { id: randomUUID(), name: args.name, createdAt: new Date() });
      const roles = this.roles.withManager(m);
      for (const g of grants) await roles.insert(tenantId, { id: randomUUID(), userId: user.id, ...g });
      // What else belongs to the new user (a contractor's trades), in the same transaction.
      if (andThen) await andThen(m, user);
      return user;
    });
  }

  /** Users and branches by id, batched per request (a page of complaints needs each only once). */
  loaders(ctx: object, tenantId: string): { users: DataLoader<string, UserEntity | null>; branches: DataLoader<string, BranchEntity | null> } {
    return perRequestMemo(ctx, `org:${tenantId}`, () => ({
      users: new DataLoader<string, UserEntity | null>(async (ids) => {
        const rows = await this.users.read(tenantId, 'u', (qb) => qb.andWhere('u.id IN (:...ids)', { ids: [...ids] }).getMany());
        return ids.map((id) => rows.find((r) => r.id === id) ?? null);
      }),
      branches: new DataLoader<string, BranchEntity | null>(async (ids) => {
        // One round trip: a page of complaints loads its branches through here on every list.
        const { entities: rows } = await this.branches.readOnce(tenantId, 'b', (qb) => ({ rows: qb.andWhere('b.id IN (:...ids)', { ids: [...ids] }) }));
        return ids.map((id) => rows.find((r) => r.id === id) ?? null);
      }),
    }));
  }

  async user(tenantId: string, id: string): Promise<UserEntity | null> {
    return this.users.findOne(tenantId, { id });
  }

  rolesOf(tenantId: string, userId: string): Promise<RoleAssignmentEntity[]> {
    return this.roles.find(tenantId, { userId });
  }

  /**
   * Branches the caller may see (of `companyId`, when given): by default the organisation they see
   * (`organisationScope`: a handler or contractor sees only their own branch or company); `within`
   * narrows to another scope of theirs, e.g. their staff reach.
   */
  visibleBranches(p: Principal, companyId?: string, within: OrganisationScope = p): Promise<BranchEntity[]> {
    const tenantId = tenantOf(p);
    return this.branches.read(tenantId, 'b', (qb) => {
      qb.orderBy('b.code');
      if (companyId) qb.andWhere('b.companyId = :companyId', { companyId });
      if (!within.wholeTenant) qb.andWhere('(b.id = ANY(:ids) OR b.companyId = ANY(:companyIds))', { ids: within.branchIds, companyIds: within.companyIds });
      return qb.getMany();
    });
  }

  async visibleCompanies(p: Principal): Promise<CompanyEntity[]> {
    const tenantId = tenantOf(p);
    if (p.wholeTenant) return this.companies.find(tenantId, {}, { order: { name: 'ASC' } });
    const branches = await this.visibleBranches(p);
    const ids = [...new Set([...p.companyIds, ...branches.map((b) => b.companyId)])];
    if (ids.length === 0) return [];
    return this.companies.read(tenantId, 'c', (qb) => qb.andWhere('c.id = ANY(:ids)', { ids }).orderBy('c.name').getMany());
  }

  branch(tenantId: string, id: string): Promise<BranchEntity | null> {
    return this.branches.findOne(tenantId, { id });
  }

  company(tenantId: string, id: string): Promise<CompanyEntity | null> {
    return this.companies.findOne(tenantId, { id });
  }
}

/** Throws FORBIDDEN with the rule's reason unless the caller may take the organisation action. */
function allow(p: Principal, action: OrganisationAction, target?: OrganisationTarget): void {
  const refusal = organisationRefusal(p, action, target);
  if (refusal) throw new ForbiddenError(refusal);
}
