import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'crypto';
import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import { defaultBranchCalendar } from '../../../../../libs/domain/src/calendar/china-holidays.util';
import { isValidTimeZone } from '../../../../../libs/domain/src/calendar/zoned-time.util';
import { presetPolicy } from '../../../../../libs/domain/src/policy/policy.util';
import type { PolicyPresetName } from '../../../../../libs/domain/src/policy/policy.types';
import {
  BranchEntity, CompanyEntity, RoleAssignmentEntity, TenantEntity, UserEntity,
} from '../../../../../libs/persistence/src/entities';
import { TenantScopedRepository } from '../../../../../libs/persistence/src/tenant-scoped.repository';
import { AppError, BadUserInputError, ErrorCode, ForbiddenError, NotFoundError, UnavailableError } from '../../common/app-error';
import { InjectDataSource } from '../../common/database.provider';
import { GATEWAY_CONFIG, GatewayConfig } from '../../common/gateway.config';
import { TemporalClientProvider } from '../../common/temporal.provider';
import { ensureWeeklyReviewSchedule } from '../../../../../workflows/shared/schedules';
import { isInfrastructureFailure } from '../../common/infrastructure-errors';
import { perRequestMemo } from '../../common/request-cache.util';
import { tenantOf } from '../../auth/auth.service';
import { Principal, hasRole, hasRoleForBranch } from '../../auth/principal';
import { CreateBranchArgs, CreateTenantArgs, CreateUserArgs } from '../dtos/organisation.input';

/** Tenants, companies, branches and users: the group's organisation and who may do what where. */
@Injectable()
export class OrganisationService {
  readonly companies: TenantScopedRepository<CompanyEntity>;
  readonly branches: TenantScopedRepository<BranchEntity>;
  readonly users: TenantScopedRepository<UserEntity>;
  readonly roles: TenantScopedRepository<RoleAssignmentEntity>;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly temporal: TemporalClientProvider,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.companies = new TenantScopedRepository(ds, CompanyEntity);
    this.branches = new TenantScopedRepository(ds, BranchEntity);
    this.users = new TenantScopedRepository(ds, UserEntity);
    this.roles = new TenantScopedRepository(ds, RoleAssignmentEntity);
  }

  async createTenant(p: Principal, args: CreateTenantArgs): Promise<{ tenant: TenantEntity; headOffice: UserEntity }> {
    if (!p.platformAdmin) throw new ForbiddenError('only the platform operator provisions tenants');
    const tenantId = randomUUID();
    // The Monday review schedule first: a tenant never exists without it (the worker re-ensures all on start).
    try {
      await ensureWeeklyReviewSchedule(await this.temporal.get(), { tenantId, taskQueue: this.config.taskQueue });
    } catch (err) {
      if (isInfrastructureFailure(err)) throw new UnavailableError('the complaint engine (Temporal) is unreachable');
      throw err;
    }
    return this.ds.transaction(async (m) => {
      const tenant = m.create(TenantEntity, { id: tenantId, name: args.name, policyPreset: args.policyPreset, currentPolicyVersion: 1 });
      await m.save(tenant);
      await m.query(`INSERT INTO policy_versions (tenant_id, version, document, overrides) VALUES ($1, 1, $2::jsonb, '{}'::jsonb)`, [
        tenant.id, JSON.stringify(presetPolicy(args.policyPreset as PolicyPresetName)),
      ]);
      const headOffice = m.create(UserEntity, { id: randomUUID(), tenantId: tenant.id, name: args.headOfficeName });
      await m.save(headOffice);
      await m.save(m.create(RoleAssignmentEntity, { tenantId: tenant.id, userId: headOffice.id, role: 'HEAD_OFFICE', companyId: null, branchId: null }));
      return { tenant, headOffice };
    });
  }

  async tenant(p: Principal): Promise<TenantEntity> {
    const t = await this.ds.getRepository(TenantEntity).findOneBy({ id: tenantOf(p) });
    if (!t) throw new NotFoundError('tenant');
    return t;
  }

  async createCompany(p: Principal, name: string): Promise<CompanyEntity> {
    const tenantId = tenantOf(p);
    if (!hasRole(p, ['HEAD_OFFICE'])) throw new ForbiddenError('only the head office creates companies');
    return this.companies.insert(tenantId, { id: randomUUID(), name, createdAt: new Date() });
  }

  async createBranch(p: Principal, args: CreateBranchArgs): Promise<BranchEntity> {
    const tenantId = tenantOf(p);
    const company = await this.companies.findOne(tenantId, { id: args.companyId });
    if (!company) throw new NotFoundError('company');
    if (!hasRole(p, ['HEAD_OFFICE']) && !p.roles.some((r) => r.role === 'COMPANY_MANAGER' && r.companyId === company.id && !r.branchId)) {
      throw new ForbiddenError('only the head office or this company\'s manager creates its branches');
    }
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
      if (['BRANCH_MANAGER', 'DISPATCHER', 'HANDLER'].includes(r.role) && !r.branchId) fields.push({ field: `${at}.branchId`, message: `${r.role} needs a branchId` });
      if (r.role === 'COMPANY_MANAGER' && !r.companyId) fields.push({ field: `${at}.companyId`, message: 'COMPANY_MANAGER needs a companyId' });
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
        if (!hasRoleForBranch(p, ['HEAD_OFFICE', 'COMPANY_MANAGER', 'BRANCH_MANAGER'], branch)) {
          throw new ForbiddenError('you may only create users within your own scope');
        }
      } else if (companyId) {
        if (!(await this.companies.findOne(tenantId, { id: companyId }))) throw new NotFoundError('company');
        if (!hasRole(p, ['HEAD_OFFICE']) && !p.roles.some((g) => g.role === 'COMPANY_MANAGER' && g.companyId === companyId && !g.branchId)) {
          throw new ForbiddenError('you may only create users within your own scope');
        }
      } else if (!hasRole(p, ['HEAD_OFFICE'])) {
        throw new ForbiddenError('only the head office grants group-wide roles');
      }
      grants.push({ role: r.role, companyId, branchId });
    }
    return this.ds.transaction(async (m) => {
      const user = m.create(UserEntity, { id: randomUUID(), tenantId, name: args.name });
      await m.save(user);
      for (const g of grants) await m.save(m.create(RoleAssignmentEntity, { tenantId, userId: user.id, ...g }));
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
