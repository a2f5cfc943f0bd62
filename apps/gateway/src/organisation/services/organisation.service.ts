import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'crypto';
import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import { defaultBranchCalendar } from '../../../../../libs/domain/src/calendar/china-holidays.util';
import { isValidTimeZone } from '../../../../../libs/domain/src/calendar/zoned-time.util';
import {
  BRANCH_SCOPED_ROLES, COMPANY_SCOPED_ROLES, OrganisationAction, OrganisationTarget, organisationRefusal,
} from '../../../../../libs/domain/src/permissions/permission.util';
import { presetPolicy } from '../../../../../libs/domain/src/policy/policy.util';
import type { PolicyPresetName } from '../../../../../libs/domain/src/policy/policy.types';
import {
  BranchEntity, CompanyEntity, PolicyVersionEntity, RoleAssignmentEntity, TenantEntity, UserEntity,
} from '../../../../../libs/persistence/src/entities';
import { TenantRecordRepository, TenantScopedRepository } from '../../../../../libs/persistence/src/tenant-scoped.repository';
import { AppError, BadUserInputError, ErrorCode, ForbiddenError, NotFoundError, UnavailableError } from '../../common/app-error';
import { InjectDataSource } from '../../common/database.provider';
import { GATEWAY_CONFIG, GatewayConfig } from '../../common/gateway.config';
import { TemporalClientProvider } from '../../common/temporal.provider';
import { ensureWeeklyReviewSchedule } from '../../../../../libs/temporal-client/src/weekly-review.schedule';
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
    // The Monday review schedule first: a tenant never exists without it (the worker re-ensures all on start).
    try {
      await ensureWeeklyReviewSchedule(await this.temporal.get(), { tenantId, taskQueue: this.config.taskQueue });
    } catch (err) {
      if (isInfrastructureFailure(err)) throw new UnavailableError('the complaint engine (Temporal) is unreachable');
      throw err;
    }
    return this.ds.transaction(async (m) => {
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
    return this.branches.insert(tenantId, {
      id: randomUUID(), companyId: company.id, code: args.code, name: args.name, timezone,
      calendar: defaultBranchCalendar(timezone), createdAt: new Date(),
    });
  }

  async createUser(p: Principal, args: CreateUserArgs): Promise<UserEntity> {
    const tenantId = tenantOf(p);
    const fields: { field: string; message: string }[] = [];
    for (const [i, r] of args.roles.entries()) {
      const at = `roles.${i}`;
      if (r.role === 'PLATFORM_ADMIN') fields.push({ field: `${at}.role`, message: 'PLATFORM_ADMIN cannot be granted to a tenant user' });
      if (BRANCH_SCOPED_ROLES.includes(r.role) && !r.branchId) fields.push({ field: `${at}.branchId`, message: `${r.role} needs a branchId` });
      if (COMPANY_SCOPED_ROLES.includes(r.role) && !r.companyId) fields.push({ field: `${at}.companyId`, message: `${r.role} needs a companyId` });
      if (r.role === 'HEAD_OFFICE' && (r.companyId || r.branchId)) fields.push({ field: `${at}`, message: 'HEAD_OFFICE is group-wide: give neither companyId nor branchId' });
    }
    if (fields.length) throw new BadUserInputError(fields);
    // Resolve each grant's branch/company inside this tenant, filling the company of a branch grant.
    const grants: { role: RoleAssignmentEntity['role']; companyId: string | null; branchId: string | null }[] = [];
    for (const r of args.roles) {
      let companyId = r.companyId ?? null;
      const branchId = r.branchId ?? null;
      if (branchId) {
        const branch = await this.branches.findOne(tenantId, { id: branchId });
        if (!branch) throw new NotFoundError('branch');
        companyId = branch.companyId;
        allow(p, 'GRANT_BRANCH_ROLE', branch);
      } else if (companyId) {
        if (!(await this.companies.findOne(tenantId, { id: companyId }))) throw new NotFoundError('company');
        allow(p, 'GRANT_COMPANY_ROLE', { companyId });
      } else {
        allow(p, 'GRANT_GROUP_ROLE');
      }
      grants.push({ role: r.role, companyId, branchId });
    }
    return this.ds.transaction(async (m) => {
      const user = await this.users.withManager(m).insert(tenantId, { id: randomUUID(), name: args.name, createdAt: new Date() });
      const roles = this.roles.withManager(m);
      for (const g of grants) await roles.insert(tenantId, { id: randomUUID(), userId: user.id, ...g });
      return user;
    });
  }

  /** Users and branches by id, batched per request (a page of complaints needs each only once). */
  loaders(ctx: object, tenantId: string): { users: DataLoader<string, UserEntity | null>; branches: DataLoader<string, BranchEntity | null> } {
    return perRequestMemo(ctx, `org:${tenantId}`, () => ({
      users: new DataLoader<string, UserEntity | null>(async (ids) => {
        const rows = await this.users.query(tenantId, 'u').andWhere('u.id IN (:...ids)', { ids: [...ids] }).getMany();
        return ids.map((id) => rows.find((r) => r.id === id) ?? null);
      }),
      branches: new DataLoader<string, BranchEntity | null>(async (ids) => {
        const rows = await this.branches.query(tenantId, 'b').andWhere('b.id IN (:...ids)', { ids: [...ids] }).getMany();
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

  /** Branches the caller may see. */
  visibleBranches(p: Principal, companyId?: string): Promise<BranchEntity[]> {
    const tenantId = tenantOf(p);
    const qb = this.branches.query(tenantId, 'b').orderBy('b.code');
    if (companyId) qb.andWhere('b.companyId = :companyId', { companyId });
    if (!p.wholeTenant) qb.andWhere('b.id = ANY(:ids)', { ids: p.branchIds });
    return qb.getMany();
  }

  async visibleCompanies(p: Principal): Promise<CompanyEntity[]> {
    const tenantId = tenantOf(p);
    if (p.wholeTenant) return this.companies.find(tenantId, {}, { order: { name: 'ASC' } });
    const branches = await this.visibleBranches(p);
    const ids = [...new Set([...p.companyIds, ...branches.map((b) => b.companyId)])];
    if (ids.length === 0) return [];
    return this.companies.query(tenantId, 'c').andWhere('c.id = ANY(:ids)', { ids }).orderBy('c.name').getMany();
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
