import type { Role } from '../../../../libs/domain/src/enums';

export interface RoleGrant {
  role: Role;
  companyId: string | null;
  branchId: string | null;
}

/** The authenticated caller, with roles loaded from the database and their reach resolved. */
export interface Principal {
  userId: string;
  tenantId: string | null;
  platformAdmin: boolean;
  roles: RoleGrant[];
  /** Every branch of the tenant when true; otherwise `branchIds`. */
  wholeTenant: boolean;
  /** Branches the caller's roles reach (company roles expanded to their branches). */
  branchIds: string[];
  companyIds: string[];
}

/** Roles that run the complaint process (take, dispatch, decide, call back, withdraw). */
export const STAFF_ROLES: Role[] = ['HEAD_OFFICE', 'COMPANY_MANAGER', 'BRANCH_MANAGER', 'DISPATCHER'];

export function hasRole(p: Principal, roles: Role[]): boolean {
  return p.roles.some((r) => roles.includes(r.role));
}

/** True when one of the given roles reaches this branch. */
export function hasRoleForBranch(p: Principal, roles: Role[], branch: { id: string; companyId: string }): boolean {
  return p.roles.some(
    (r) =>
      roles.includes(r.role) &&
      ((r.companyId === null && r.branchId === null) || r.branchId === branch.id || (r.branchId === null && r.companyId === branch.companyId)),
  );
}
