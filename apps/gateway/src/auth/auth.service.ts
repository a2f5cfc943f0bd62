import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ForbiddenError, UnauthenticatedError } from '../common/app-error';
import { InjectDataSource } from '../common/database.provider';
import { GATEWAY_CONFIG, GatewayConfig } from '../common/gateway.config';
import { checkToken } from './jwt.util';
import { Principal, RoleGrant } from './principal';

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

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
    const users = await this.ds.query(`SELECT id FROM users WHERE id = $1 AND tenant_id = $2`, [claims.sub, claims.tid]);
    if (users.length === 0) throw new UnauthenticatedError('the token\'s user does not exist');
    const roles: RoleGrant[] = (
      await this.ds.query(`SELECT role, company_id, branch_id FROM role_assignments WHERE tenant_id = $1 AND user_id = $2`, [claims.tid, claims.sub])
    ).map((r: { role: RoleGrant['role']; company_id: string | null; branch_id: string | null }) => ({ role: r.role, companyId: r.company_id, branchId: r.branch_id }));
    const wholeTenant = roles.some((r) => r.role === 'HEAD_OFFICE' || (r.companyId === null && r.branchId === null));
    const companyIds = [...new Set(roles.filter((r) => r.companyId && !r.branchId).map((r) => r.companyId as string))];
    const direct = roles.filter((r) => r.branchId).map((r) => r.branchId as string);
    const viaCompany = companyIds.length
      ? (await this.ds.query(`SELECT id FROM branches WHERE tenant_id = $1 AND company_id = ANY($2::uuid[])`, [claims.tid, companyIds])).map((b: { id: string }) => b.id)
      : [];
    return { userId: claims.sub, tenantId: claims.tid, platformAdmin: false, roles, wholeTenant, branchIds: [...new Set([...direct, ...viaCompany])], companyIds };
  }
}

/** The tenant of a tenant user; the platform operator has none and sees no tenant data. */
export function tenantOf(p: Principal): string {
  if (!p.tenantId) throw new ForbiddenError('the platform operator sees no tenant data');
  return p.tenantId;
}
