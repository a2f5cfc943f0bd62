import type { Role } from '../enums';
import type { ComplaintAction } from '../lifecycle/lifecycle.util';

// Who may do what, and which branches a person reaches: the one home of these rules. The gateway
// (services) and the complaint workflow's validators both call it, so it stays pure and deterministic.

/** One role of a user, held group-wide, for one company (all its branches) or for one branch. */
export interface RoleGrant {
  role: Role;
  companyId: string | null;
  branchId: string | null;
}

/** Whoever acts: a user and their role grants. */
export interface Actor {
  userId: string;
  roles: readonly RoleGrant[];
}

export interface BranchRef {
  id: string;
  companyId: string;
}

/** What a complaint action is checked against. */
export interface ComplaintRef {
  branchId: string;
  companyId: string;
  assigneeId: string | null;
}

/** Roles that run the complaint process for their branches: take, dispatch, decide, call back, withdraw, report. */
export const STAFF_ROLES: readonly Role[] = ['HEAD_OFFICE', 'COMPANY_MANAGER', 'BRANCH_MANAGER', 'DISPATCHER'];

/** Roles a complaint may be dispatched to (in a branch they reach). */
export const ASSIGNABLE_ROLES: readonly Role[] = ['HANDLER', 'DISPATCHER', 'BRANCH_MANAGER', 'COMPANY_MANAGER', 'HEAD_OFFICE', 'CONTRACTOR'];

/** Roles that need a branch, or a company, when granted. */
export const BRANCH_SCOPED_ROLES: readonly Role[] = ['BRANCH_MANAGER', 'DISPATCHER', 'HANDLER'];
export const COMPANY_SCOPED_ROLES: readonly Role[] = ['COMPANY_MANAGER'];

/** The scope a grant covers. PLATFORM_ADMIN covers no tenant data at all. */
export type GrantScope = { kind: 'NONE' } | { kind: 'TENANT' } | { kind: 'COMPANY'; companyId: string } | { kind: 'BRANCH'; branchId: string };

export function grantScope(g: RoleGrant): GrantScope {
  if (g.role === 'PLATFORM_ADMIN') return { kind: 'NONE' };
  // The head office is group-wide by definition (a grant cannot narrow it).
  if (g.role === 'HEAD_OFFICE' || (g.companyId === null && g.branchId === null)) return { kind: 'TENANT' };
  if (g.branchId !== null) return { kind: 'BRANCH', branchId: g.branchId };
  return { kind: 'COMPANY', companyId: g.companyId as string };
}

function grantReachesBranch(g: RoleGrant, branch: BranchRef): boolean {
  const s = grantScope(g);
  switch (s.kind) {
    case 'NONE':
      return false;
    case 'TENANT':
      return true;
    case 'COMPANY':
      return s.companyId === branch.companyId;
    case 'BRANCH':
      return s.branchId === branch.id;
  }
}

function grantReachesCompany(g: RoleGrant, companyId: string): boolean {
  const s = grantScope(g);
  return s.kind === 'TENANT' || (s.kind === 'COMPANY' && s.companyId === companyId);
}

/**
 * True when one of the actor's grants reaches the branch: group-wide, for the branch's company,
 * or for the branch itself. With `roles`, only grants of those roles count.
 */
export function reachesBranch(actor: Pick<Actor, 'roles'>, branch: BranchRef, roles?: readonly Role[]): boolean {
  return actor.roles.some((g) => (!roles || roles.includes(g.role)) && grantReachesBranch(g, branch));
}

/** True when one of the actor's grants (of `roles`, when given) covers the company and all its branches. */
export function reachesCompany(actor: Pick<Actor, 'roles'>, companyId: string, roles?: readonly Role[]): boolean {
  return actor.roles.some((g) => (!roles || roles.includes(g.role)) && grantReachesCompany(g, companyId));
}

/** True when the actor reaches every branch of the tenant. */
export function reachesWholeTenant(actor: Pick<Actor, 'roles'>): boolean {
  return actor.roles.some((g) => grantScope(g).kind === 'TENANT');
}

/**
 * What the actor reaches short of the whole tenant: branches granted directly, and companies (each
 * with all its branches; the caller expands those, as it knows the company's branches).
 */
export function reachedScopes(actor: Pick<Actor, 'roles'>): { branchIds: string[]; companyIds: string[] } {
  const branchIds = new Set<string>();
  const companyIds = new Set<string>();
  for (const g of actor.roles) {
    const s = grantScope(g);
    if (s.kind === 'BRANCH') branchIds.add(s.branchId);
    if (s.kind === 'COMPANY') companyIds.add(s.companyId);
  }
  return { branchIds: [...branchIds], companyIds: [...companyIds] };
}

export function holdsRole(actor: Pick<Actor, 'roles'>, roles: readonly Role[]): boolean {
  return actor.roles.some((g) => roles.includes(g.role));
}

// --- complaint actions -------------------------------------------------------------------------

/** Who may perform a complaint action: staff of the complaint's branch, its assignee, or either. */
export type ActionPerformer = 'STAFF' | 'ASSIGNEE' | 'ASSIGNEE_OR_STAFF';

/** Intake is not a lifecycle transition but is authorised like one. */
export type ComplaintPermissionAction = ComplaintAction | 'SUBMIT';

// 首问责任制 keeps intake with staff of the branch; the assignee alone confirms receipt.
export const COMPLAINT_ACTION_PERFORMERS: Readonly<Record<ComplaintPermissionAction, ActionPerformer>> = {
  SUBMIT: 'STAFF',
  DISPATCH: 'STAFF',
  ACKNOWLEDGE: 'ASSIGNEE',
  FOLLOW_UP: 'ASSIGNEE_OR_STAFF',
  DETERMINE_VALIDITY: 'ASSIGNEE_OR_STAFF',
  RESOLVE: 'ASSIGNEE_OR_STAFF',
  CALLBACK: 'STAFF',
  SPECIAL_REPORT: 'STAFF',
  WITHDRAW: 'STAFF',
};

const REFUSALS: Readonly<Record<ActionPerformer, string>> = {
  STAFF: 'only staff of this branch may do this',
  ASSIGNEE: 'only the assignee may do this',
  ASSIGNEE_OR_STAFF: 'only staff of this branch or the assignee may do this',
};

/** True when the actor is staff of the complaint's branch (a staff role reaching it). */
export function isStaffOf(actor: Pick<Actor, 'roles'>, complaint: Pick<ComplaintRef, 'branchId' | 'companyId'>): boolean {
  return reachesBranch(actor, { id: complaint.branchId, companyId: complaint.companyId }, STAFF_ROLES);
}

/** True when the actor may perform the action on the complaint (the status is the lifecycle's business). */
export function canPerform(actor: Actor, action: ComplaintPermissionAction, complaint: ComplaintRef): boolean {
  const performer = COMPLAINT_ACTION_PERFORMERS[action];
  const isAssignee = complaint.assigneeId !== null && complaint.assigneeId === actor.userId;
  switch (performer) {
    case 'STAFF':
      return isStaffOf(actor, complaint);
    case 'ASSIGNEE':
      return isAssignee;
    case 'ASSIGNEE_OR_STAFF':
      return isAssignee || isStaffOf(actor, complaint);
  }
}

/** Null when the actor may perform the action, else a reason staff can act on. */
export function complaintPermissionRefusal(actor: Actor, action: ComplaintPermissionAction, complaint: ComplaintRef): string | null {
  return canPerform(actor, action, complaint) ? null : REFUSALS[COMPLAINT_ACTION_PERFORMERS[action]];
}

/** True when a user with these grants may be dispatched the complaint (works in its branch). */
export function canBeAssigned(candidate: Pick<Actor, 'roles'>, complaint: Pick<ComplaintRef, 'branchId' | 'companyId'>): boolean {
  return reachesBranch(candidate, { id: complaint.branchId, companyId: complaint.companyId }, ASSIGNABLE_ROLES);
}

// --- organisation actions ----------------------------------------------------------------------

/** Actions on the organisation itself, and the scope each is checked in. */
export type OrganisationAction =
  | 'PROVISION_TENANT' | 'CREATE_COMPANY' | 'SET_POLICY' | 'READ_WEEKLY_REVIEWS' | 'GRANT_GROUP_ROLE'
  | 'CREATE_BRANCH' | 'GRANT_COMPANY_ROLE'
  | 'SET_BRANCH_CALENDAR' | 'GRANT_BRANCH_ROLE';

type Scope = 'ANY' | 'COMPANY' | 'BRANCH';

export const ORGANISATION_ACTION_RULES: Readonly<Record<OrganisationAction, { roles: readonly Role[]; scope: Scope; refusal: string }>> = {
  PROVISION_TENANT: { roles: ['PLATFORM_ADMIN'], scope: 'ANY', refusal: 'only the platform operator provisions tenants' },
  CREATE_COMPANY: { roles: ['HEAD_OFFICE'], scope: 'ANY', refusal: 'only the head office creates companies' },
  SET_POLICY: { roles: ['HEAD_OFFICE'], scope: 'ANY', refusal: 'only the head office sets the group\'s policy' },
  READ_WEEKLY_REVIEWS: { roles: ['HEAD_OFFICE', 'COMPANY_MANAGER'], scope: 'ANY', refusal: 'weekly reviews are for the head office and company managers' },
  GRANT_GROUP_ROLE: { roles: ['HEAD_OFFICE'], scope: 'ANY', refusal: 'only the head office grants group-wide roles' },
  CREATE_BRANCH: { roles: ['HEAD_OFFICE', 'COMPANY_MANAGER'], scope: 'COMPANY', refusal: 'only the head office or this company\'s manager creates its branches' },
  GRANT_COMPANY_ROLE: { roles: ['HEAD_OFFICE', 'COMPANY_MANAGER'], scope: 'COMPANY', refusal: 'you may only create users within your own scope' },
  SET_BRANCH_CALENDAR: {
    roles: ['HEAD_OFFICE', 'COMPANY_MANAGER', 'BRANCH_MANAGER'], scope: 'BRANCH',
    refusal: 'only the head office, the company manager or the branch manager sets a branch calendar',
  },
  GRANT_BRANCH_ROLE: { roles: ['HEAD_OFFICE', 'COMPANY_MANAGER', 'BRANCH_MANAGER'], scope: 'BRANCH', refusal: 'you may only create users within your own scope' },
};

/** Where an organisation action applies: nothing (group-level), a company, or a branch. */
export type OrganisationTarget = { companyId: string } | BranchRef | undefined;

/**
 * True when the actor may take the organisation action: a role of the rule held anywhere (group-level
 * actions), or reaching the company or branch acted on.
 */
export function canAdminister(actor: Pick<Actor, 'roles'>, action: OrganisationAction, target?: OrganisationTarget): boolean {
  const rule = ORGANISATION_ACTION_RULES[action];
  switch (rule.scope) {
    case 'ANY':
      return holdsRole(actor, rule.roles);
    case 'COMPANY':
      return target !== undefined && reachesCompany(actor, target.companyId, rule.roles);
    case 'BRANCH':
      return target !== undefined && 'id' in target && reachesBranch(actor, target, rule.roles);
  }
}

/** Null when allowed, else the reason. */
export function organisationRefusal(actor: Pick<Actor, 'roles'>, action: OrganisationAction, target?: OrganisationTarget): string | null {
  return canAdminister(actor, action, target) ? null : ORGANISATION_ACTION_RULES[action].refusal;
}
