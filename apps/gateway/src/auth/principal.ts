import type { Role } from '../../../../libs/domain/src/enums';
import { type RoleGrant, reachesBranch } from '../../../../libs/domain/src/permissions/permission.util';

export type { RoleGrant } from '../../../../libs/domain/src/permissions/permission.util';

/**
 * The authenticated caller, with roles loaded from the database and their reach resolved. Who may
 * do what is decided by `libs/domain/src/permissions/permission.util.ts` (a Principal is its Actor).
 */
export interface Principal {
  userId: string;
  tenantId: string | null;
  platformAdmin: boolean;
  roles: RoleGrant[];
  /** Every branch of the tenant when true; otherwise `branchIds`. */
  wholeTenant: boolean;
  /** Branches the caller's roles reach (company roles expanded to their branches), for queries. */
  branchIds: string[];
  companyIds: string[];
}

