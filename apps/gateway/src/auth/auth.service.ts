import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { reachedScopes, reachesWholeTenant } from '../../../../libs/domain/src/permissions/permission.util';
import { BranchEntity, RoleAssignmentEntity, UserEntity } from '../../../../libs/persistence/src/entities';
import { TenantScopedRepository } from '../../../../libs/persistence/src/tenant-scoped.repository';
import { ForbiddenError, UnauthenticatedError } from '../common/app-error';
import { InjectDataSource } from '../common/database.provider';
import { GATEWAY_CONFIG, GatewayConfig } from '../common/gateway.config';
import { checkToken } from './jwt.util';
import { Principal, RoleGrant } from './principal';

@Injectable()
export class AuthService {
  private readonly users: TenantScopedRepository<UserEntity>;
  private readonly grants: TenantScopedRepository<RoleAssignmentEntity>;
  private readonly branches: TenantScopedRepository<BranchEntity>;

  constructor(
    @InjectDataSource() ds: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.users = new TenantScopedRepository(ds, UserEntity);
    this.grants = new TenantScopedRepository(ds, RoleAssignmentEntity);
    this.branches = new TenantScopedRepository(ds, BranchEntity);
  }

  /** Verifies the bearer token and loads the caller's roles and reach from the database. */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    if (!match) throw new UnauthenticatedError();
    const checked = checkToken(match[1].trim(), this.config.jwtSecret);
    if (!checked.ok) throw new UnauthenticatedError(checked.reason);
    const claims = checked.claims;
    if (claims.platformAdmin) {
      return { userId: claims.sub, tenantId: null, platformAdmin: true, roles: [{ role: 'PLATFORM_ADMIN', companyId: null, branchId: null }], wholeTenant: false, branchIds: [], companyIds: [] };
    }
    if (!claims.tid) throw new UnauthenticatedError('the bearer token names no tenant');
    const tenantId = claims.tid;
    if (!(await this.users.findOne(tenantId, { id: claims.sub }))) throw new UnauthenticatedError('the token\'s user does not exist');
    const roles: RoleGrant[] = (await this.grants.find(tenantId, { userId: claims.sub }, { select: { role: true, companyId: true, branchId: true } }))
      .map((r) => ({ role: r.role, companyId: r.companyId, branchId: r.branchId }));
    // The reach rule is the permission module's; here only the company grants are expanded to their branches, for queries.
    const wholeTenant = reachesWholeTenant({ roles });
    const { branchIds: direct, companyIds } = reachedScopes({ roles });
    const viaCompany = companyIds.length
      ? (await this.branches.find(tenantId, { companyId: In(companyIds) }, { select: { id: true } })).map((b) => b.id)
      : [];
    return { userId: claims.sub, tenantId, platformAdmin: false, roles, wholeTenant, branchIds: [...new Set([...direct, ...viaCompany])], companyIds };
  }
}

/** The tenant of a tenant user; the platform operator has none and sees no tenant data. */
export function tenantOf(p: Principal): string {
  if (!p.tenantId) throw new ForbiddenError('the platform operator sees no tenant data');
  return p.tenantId;
}
