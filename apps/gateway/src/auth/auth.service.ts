import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { complaintScope, organisationScope } from '../../../../libs/domain/src/permissions/permission.util';
import { PrincipalGrantsRepository } from '../../../../libs/persistence/src/principal-grants.repository';
import { ForbiddenError, UnauthenticatedError, UnavailableError } from '../common/app-error';
import { InjectDataSource } from '../common/database.provider';
import { GATEWAY_CONFIG, GatewayConfig } from '../common/gateway.config';
import { requestToken } from './jwt.util';
import { tokenVerifierFor } from './token-verifier';
import { Principal, RoleGrant } from './principal';

@Injectable()
export class AuthService {
  private readonly principals: PrincipalGrantsRepository;

  constructor(
    @InjectDataSource() ds: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.principals = new PrincipalGrantsRepository(ds);
  }

  /** Verifies the bearer token and loads the caller's roles and reach from the database. */
  async authenticate(req: { headers: { authorization?: string } }): Promise<Principal> {
    const checked = await requestToken(req, tokenVerifierFor(this.config));
    if (!checked) throw new UnauthenticatedError();
    if (!checked.ok) throw checked.unavailable ? new UnavailableError(checked.reason) : new UnauthenticatedError(checked.reason);
    const claims = checked.claims;
    if (claims.platformAdmin) {
      const roles: RoleGrant[] = [{ role: 'PLATFORM_ADMIN', companyId: null, branchId: null }];
      return { userId: claims.sub, tenantId: null, platformAdmin: true, roles, ...organisationScope({ roles }), complaintScope: complaintScope({ roles }) };
    }
    if (!claims.tid) throw new UnauthenticatedError('the bearer token names no tenant');
    const tenantId = claims.tid;
    // One round trip: this runs on every request.
    const found = await this.principals.grantsOf(tenantId, claims.sub);
    if (!found) throw new UnauthenticatedError('the token\'s user does not exist');
    const roles: RoleGrant[] = found.grants.map((r) => ({ role: r.role, companyId: r.companyId, branchId: r.branchId }));
    // The reach rules are the permission module's; the query expanded the company grants to their branches.
    const { wholeTenant, branchIds: direct, companyIds } = organisationScope({ roles });
    const viaCompany = found.companyBranchIds;
    return {
      userId: claims.sub, tenantId, platformAdmin: false, roles, wholeTenant, branchIds: [...new Set([...direct, ...viaCompany])], companyIds,
      complaintScope: complaintScope({ roles }),
    };
  }
}

/** The tenant of a tenant user; the platform operator has none and sees no tenant data. */
export function tenantOf(p: Principal): string {
  if (!p.tenantId) throw new ForbiddenError('the platform operator sees no tenant data');
  return p.tenantId;
}
