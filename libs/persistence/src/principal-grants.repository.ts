import { DataSource } from 'typeorm';
import type { Role } from '../../domain/src/enums';
import { UUID, tenantReadOnce } from './tenant-transaction';

/** A user's role grants, and the branches of the companies their company grants name. */
export interface UserGrants {
  grants: { role: Role; companyId: string | null; branchId: string | null }[];
  /** Branches reached through a company grant (the company's branches). */
  companyBranchIds: string[];
}

/**
 * What authentication needs on every request, in one round trip: the user (within the tenant),
 * their grants and the branches their company grants reach. Null when the user is not the tenant's.
 */
export class PrincipalGrantsRepository {
  constructor(private readonly ds: DataSource) {}

  async grantsOf(tenantId: string, userId: string): Promise<UserGrants | null> {
    // No such user when the subject is not even an id (the query would fail on the cast).
    if (!UUID.test(userId)) return null;
    // One round trip (tenantReadOnce): this runs on every request. Both ids are checked UUIDs.
    const rows = await tenantReadOnce<{ grants: UserGrants['grants'] | null; company_branch_ids: string[] | null }>(this.ds, tenantId,
      `SELECT
         (SELECT json_agg(json_build_object('role', ra.role, 'companyId', ra.company_id, 'branchId', ra.branch_id))
            FROM role_assignments ra WHERE ra.tenant_id = u.tenant_id AND ra.user_id = u.id) AS grants,
         (SELECT array_agg(b.id) FROM branches b
            WHERE b.tenant_id = u.tenant_id AND b.company_id IN (
              SELECT ra.company_id FROM role_assignments ra
               WHERE ra.tenant_id = u.tenant_id AND ra.user_id = u.id AND ra.company_id IS NOT NULL AND ra.branch_id IS NULL)) AS company_branch_ids
       FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.id = '${userId}' AND u.tenant_id = '${tenantId}'`,
    );
    if (rows.length === 0) return null;
    return { grants: rows[0].grants ?? [], companyBranchIds: rows[0].company_branch_ids ?? [] };
  }
}
