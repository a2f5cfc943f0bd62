import type { ComplaintScope, RoleGrant } from '../../../../libs/domain/src/permissions/permission.util';

export type { RoleGrant } from '../../../../libs/domain/src/permissions/permission.util';

/**
 * The authenticated caller, with roles loaded from the database and their reach resolved. Who may
 * do what, and see what, is decided by `libs/domain/src/permissions/permission.util.ts` (a
 * Principal is its Actor); the fields below are that module's answers, precomputed for queries.
 */
export interface Principal {
  userId: string;
  tenantId: string | null;
  platformAdmin: boolean;
  roles: RoleGrant[];
  /**
   * The organisation the caller sees (`organisationScope`): every branch when true; otherwise
   * `branchIds` and every branch of `companyIds`. Membership, not authority: a handler's or a
   * contractor's own branch is here too.
   */
  wholeTenant: boolean;
  /** Branches the caller's grants reach (company grants expanded to their branches). */
  branchIds: string[];
  companyIds: string[];
  /** The complaints the caller sees (`complaintScope`): staff reach only, plus their own. */
  complaintScope: ComplaintScope;
}
