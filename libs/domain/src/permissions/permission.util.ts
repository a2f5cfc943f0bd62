import type { Role } from '../enums';
import type { ComplaintAction } from '../lifecycle/lifecycle.util';

// Who may do what, which branches a person reaches, which complaints they see and how much of each,
// and which roles they may grant: the one home of these rules. The gateway's services call it (no
// workflow imports it today; one that does must guard changes with `patched()`), so it stays pure.

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
  /** 首问责任制: who follows it through now (the first-contact owner until a hand-over). */
  ownerId?: string | null;
}

/** Roles that run the complaint process for their branches: take, dispatch, decide, call back, withdraw, report. */
export const STAFF_ROLES: readonly Role[] = ['HEAD_OFFICE', 'COMPANY_MANAGER', 'BRANCH_MANAGER', 'DISPATCHER'];

/** Roles a complaint may be dispatched to (in a branch they reach). */
export const ASSIGNABLE_ROLES: readonly Role[] = ['HANDLER', 'DISPATCHER', 'BRANCH_MANAGER', 'COMPANY_MANAGER', 'HEAD_OFFICE', 'CONTRACTOR'];

/** Roles held inside a tenant (every role but the platform operator's). */
export const TENANT_ROLES: readonly Role[] = ['HEAD_OFFICE', 'COMPANY_MANAGER', 'BRANCH_MANAGER', 'DISPATCHER', 'HANDLER', 'CONTRACTOR'];

/** The scope a grant covers. PLATFORM_ADMIN covers no tenant data at all. */
export type GrantScope = { kind: 'NONE' } | { kind: 'TENANT' } | { kind: 'COMPANY'; companyId: string } | { kind: 'BRANCH'; branchId: string };

export function grantScope(g: RoleGrant): GrantScope {
  if (g.role === 'PLATFORM_ADMIN') return { kind: 'NONE' };
  // The head office is group-wide by definition (a grant cannot narrow it).
  if (g.role === 'HEAD_OFFICE') return { kind: 'TENANT' };
  if (g.branchId !== null) return { kind: 'BRANCH', branchId: g.branchId };
  if (g.companyId !== null) return { kind: 'COMPANY', companyId: g.companyId };
  // Any other role without a company or branch is malformed (`grantShapeIssues` refuses it): it
  // reaches nothing rather than everything.
  return { kind: 'NONE' };
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

/**
 * What of the organisation (companies, branches) an actor sees: every grant's scope, staff or not,
 * so a handler or a firm sees the branch (or company) it works for and nothing beyond.
 */
export interface OrganisationScope {
  wholeTenant: boolean;
  branchIds: string[];
  companyIds: string[];
}

export function organisationScope(actor: Pick<Actor, 'roles'>): OrganisationScope {
  return { wholeTenant: reachesWholeTenant(actor), ...reachedScopes(actor) };
}

/** True when the actor sees the branch in the organisation (so a refusal about it tells them nothing new). */
export function seesBranch(actor: Pick<Actor, 'roles'>, branch: BranchRef): boolean {
  return reachesBranch(actor, branch);
}

/** True when the actor sees the company: a grant over the group, over the company, or for one of its branches. */
export function seesCompany(actor: Pick<Actor, 'roles'>, companyId: string): boolean {
  // A branch grant records its branch's company (createUser fills it).
  return actor.roles.some((g) => {
    const s = grantScope(g);
    return s.kind === 'TENANT' || (s.kind !== 'NONE' && g.companyId === companyId);
  });
}

// --- which complaints an actor sees ------------------------------------------------------------

/** What the complaint visibility rule needs of a complaint. */
export interface ComplaintVisibilityRef {
  branchId: string;
  companyId: string;
  assigneeId: string | null;
  firstContactOwnerId: string | null;
  /** Who follows it through now, after a hand-over. */
  ownerId?: string | null;
}

/**
 * Which complaints an actor sees: as staff, the whole tenant or the complaints of some branches and
 * companies; and, for anyone holding a tenant role, the complaints that are theirs.
 */
export interface ComplaintScope {
  /** Every complaint of the tenant (the head office). */
  wholeTenant: boolean;
  /** Staff reach short of the tenant: these branches, and every branch of these companies. */
  branchIds: string[];
  companyIds: string[];
  /**
   * Complaints dispatched to the actor (the current assignee) or taken by them at intake
   * (首问责任制: first-contact ownership) or handed over to them to follow through, wherever they are.
   * Handlers and contractors see only these.
   */
  own: boolean;
}

/** The complaints an actor may see (a query applies it; `inComplaintScope` is the same rule for one complaint). */
export function complaintScope(actor: Pick<Actor, 'roles'>): ComplaintScope {
  const staff = { roles: actor.roles.filter((g) => STAFF_ROLES.includes(g.role)) };
  const wholeTenant = reachesWholeTenant(staff);
  const { branchIds, companyIds } = wholeTenant ? { branchIds: [], companyIds: [] } : reachedScopes(staff);
  return { wholeTenant, branchIds, companyIds, own: holdsRole(actor, TENANT_ROLES) };
}

/** True when the complaint is in the scope of the actor `userId` (what the query of `complaintScope` selects). */
export function inComplaintScope(scope: ComplaintScope, userId: string, c: ComplaintVisibilityRef): boolean {
  if (scope.wholeTenant || scope.branchIds.includes(c.branchId) || scope.companyIds.includes(c.companyId)) return true;
  return scope.own && (c.assigneeId === userId || c.firstContactOwnerId === userId || (c.ownerId ?? null) === userId);
}

// --- reports ----------------------------------------------------------------------------------

/** Who reads the reports (domain.md §7): the staff roles; handlers and contractors do not. */
export const REPORT_ROLES: readonly Role[] = STAFF_ROLES;

/**
 * What of the tenant an actor's reports cover: the head office the whole tenant, a company manager
 * their companies, a branch manager or dispatcher their branches (as their complaints); null when
 * the actor reads no reports (handlers, contractors, the platform operator).
 */
export function reportScope(actor: Pick<Actor, 'roles'>): OrganisationScope | null {
  const staff = { roles: actor.roles.filter((g) => REPORT_ROLES.includes(g.role)) };
  if (staff.roles.length === 0) return null;
  if (reachesWholeTenant(staff)) return { wholeTenant: true, branchIds: [], companyIds: [] };
  const reached = reachedScopes(staff);
  return reached.branchIds.length + reached.companyIds.length === 0 ? null : { wholeTenant: false, ...reached };
}

/** True when the report scope covers the branch. */
export function reportReachesBranch(scope: OrganisationScope, branch: BranchRef): boolean {
  return scope.wholeTenant || scope.branchIds.includes(branch.id) || scope.companyIds.includes(branch.companyId);
}

/**
 * How much of a complaint an actor sees: FULL (staff of its branch, or an employee it is theirs), JOB
 * (an outside firm it was dispatched to: what the job needs, see `JOB_VIEW_WITHHELD`), or null (not at all).
 */
export type ComplaintView = 'FULL' | 'JOB';

/** Roles of the group's own employees (everyone but outside firms and the platform operator). */
export const EMPLOYEE_ROLES: readonly Role[] = ['HEAD_OFFICE', 'COMPANY_MANAGER', 'BRANCH_MANAGER', 'DISPATCHER', 'HANDLER'];

export function complaintView(actor: Actor, c: ComplaintVisibilityRef): ComplaintView | null {
  if (!inComplaintScope(complaintScope(actor), actor.userId, c)) return null;
  const branch = { id: c.branchId, companyId: c.companyId };
  // Staff of the branch, or an employee working there (a handler): the whole record. Anyone else
  // it is theirs (a contractor, or someone since moved away) gets only what the job needs.
  return reachesBranch(actor, branch, EMPLOYEE_ROLES) ? 'FULL' : 'JOB';
}

/**
 * Complaint fields the JOB view withholds from an outside firm. It keeps what booking and doing the
 * visit need: reference, kind, category, severity, status, description, location, households, the
 * complainant's name, phone and unit, the deadlines, who took it and who has it. It withholds the
 * customer's demand and own deadline, the satisfaction verdict, the special report, the same-matter
 * link and the timeline (internal notes, validity and responsibility reasons, escalations).
 */
export const JOB_VIEW_WITHHELD = ['demand', 'customerDeadline', 'satisfied', 'specialReport', 'matterId', 'timeline'] as const;
export type JobWithheldField = (typeof JOB_VIEW_WITHHELD)[number];

/** True when the view shows the field. */
export function viewShows(view: ComplaintView, field: JobWithheldField): boolean {
  return view === 'FULL' || !JOB_VIEW_WITHHELD.includes(field);
}

/** The figures of a tenant's weekly review (004 §3.1.8): one per tenant and week. */
export interface WeeklyReviewFigures {
  openCount: number;
  overdueCount: number;
  /** Keyed by branch code. */
  byBranch: Record<string, { open: number; overdue: number }>;
  complaintIds: string[];
}

/**
 * What a caller sees of a tenant's weekly review: the branches they reach (by code; 'ALL' for the
 * whole tenant), the complaints among `visibleIds`, and the counts recomputed from those branches.
 */
export function reviewWithinReach(review: WeeklyReviewFigures, branchCodes: ReadonlySet<string> | 'ALL', visibleIds: ReadonlySet<string>): WeeklyReviewFigures {
  const byBranch = Object.fromEntries(Object.entries(review.byBranch).filter(([code]) => branchCodes === 'ALL' || branchCodes.has(code)));
  const rows = Object.values(byBranch);
  return {
    openCount: rows.reduce((n, b) => n + b.open, 0),
    overdueCount: rows.reduce((n, b) => n + b.overdue, 0),
    byBranch,
    complaintIds: review.complaintIds.filter((id) => visibleIds.has(id)),
  };
}

// --- complaint actions -------------------------------------------------------------------------

/** Who may perform a complaint action: staff of the complaint's branch, its assignee, or either. */
export type ActionPerformer = 'STAFF' | 'ASSIGNEE' | 'ASSIGNEE_OR_STAFF' | 'OWNER_OR_STAFF' | 'OWNER_ASSIGNEE_OR_STAFF';

/** Intake is not a lifecycle transition but is authorised like one. */
export type ComplaintPermissionAction = ComplaintAction | 'SUBMIT';

// 首问责任制 keeps intake with staff of the branch; the assignee alone confirms receipt.
export const COMPLAINT_ACTION_PERFORMERS: Readonly<Record<ComplaintPermissionAction, ActionPerformer>> = {
  SUBMIT: 'STAFF',
  DISPATCH: 'STAFF',
  ACKNOWLEDGE: 'ASSIGNEE',
  // Following it through (首问责任制) includes chasing it: the owner records follow-ups too.
  FOLLOW_UP: 'OWNER_ASSIGNEE_OR_STAFF',
  DETERMINE_VALIDITY: 'ASSIGNEE_OR_STAFF',
  RESOLVE: 'ASSIGNEE_OR_STAFF',
  CALLBACK: 'STAFF',
  SPECIAL_REPORT: 'STAFF',
  WITHDRAW: 'STAFF',
  MERGE: 'STAFF',
  // Severity that follows the facts: staff of the branch correct facts, reclassify (with a reason), record a restoration.
  UPDATE_FACTS: 'STAFF',
  RECLASSIFY: 'STAFF',
  RECORD_FACILITY_RESTORED: 'STAFF',
  // 首问责任制: whoever follows it through hands it on, or staff of the branch do.
  HAND_OVER: 'OWNER_OR_STAFF',
};

const REFUSALS: Readonly<Record<ActionPerformer, string>> = {
  STAFF: 'only staff of this branch may do this',
  ASSIGNEE: 'only the assignee may do this',
  ASSIGNEE_OR_STAFF: 'only staff of this branch or the assignee may do this',
  OWNER_OR_STAFF: 'only staff of this branch or whoever follows the complaint through may do this',
  OWNER_ASSIGNEE_OR_STAFF: 'only staff of this branch, the assignee or whoever follows the complaint through may do this',
};

/** True when the actor is staff of the complaint's branch (a staff role reaching it). */
export function isStaffOf(actor: Pick<Actor, 'roles'>, complaint: Pick<ComplaintRef, 'branchId' | 'companyId'>): boolean {
  return reachesBranch(actor, { id: complaint.branchId, companyId: complaint.companyId }, STAFF_ROLES);
}

/** True when the actor may perform the action on the complaint (the status is the lifecycle's business). */
export function canPerform(actor: Actor, action: ComplaintPermissionAction, complaint: ComplaintRef): boolean {
  const performer = COMPLAINT_ACTION_PERFORMERS[action];
  const isAssignee = complaint.assigneeId !== null && complaint.assigneeId === actor.userId;
  const isOwner = complaint.ownerId !== undefined && complaint.ownerId !== null && complaint.ownerId === actor.userId;
  switch (performer) {
    case 'STAFF':
      return isStaffOf(actor, complaint);
    case 'ASSIGNEE':
      return isAssignee;
    case 'ASSIGNEE_OR_STAFF':
      return isAssignee || isStaffOf(actor, complaint);
    case 'OWNER_OR_STAFF':
      return isOwner || isStaffOf(actor, complaint);
    case 'OWNER_ASSIGNEE_OR_STAFF':
      return isOwner || isAssignee || isStaffOf(actor, complaint);
  }
}

/** Null when the actor may perform the action, else a reason staff can act on. */
export function complaintPermissionRefusal(actor: Actor, action: ComplaintPermissionAction, complaint: ComplaintRef): string | null {
  return canPerform(actor, action, complaint) ? null : REFUSALS[COMPLAINT_ACTION_PERFORMERS[action]];
}

/**
 * True when a user with these grants may be handed the complaint to follow through (首问责任制): a
 * colleague (an employee, not an outside firm) whose roles reach its branch as staff or as assignable.
 */
export function canBeHandedOver(candidate: Pick<Actor, 'roles'>, complaint: Pick<ComplaintRef, 'branchId' | 'companyId'>): boolean {
  const colleagues = ASSIGNABLE_ROLES.filter((r) => EMPLOYEE_ROLES.includes(r));
  return reachesBranch(candidate, { id: complaint.branchId, companyId: complaint.companyId }, colleagues);
}

/** True when a user with these grants may be dispatched the complaint (works in its branch). */
export function canBeAssigned(candidate: Pick<Actor, 'roles'>, complaint: Pick<ComplaintRef, 'branchId' | 'companyId'>): boolean {
  return reachesBranch(candidate, { id: complaint.branchId, companyId: complaint.companyId }, ASSIGNABLE_ROLES);
}

// --- organisation actions ----------------------------------------------------------------------

/** Actions on the organisation itself, and the scope each is checked in. */
export type OrganisationAction =
  | 'PROVISION_TENANT' | 'CREATE_COMPANY' | 'SET_POLICY' | 'READ_WEEKLY_REVIEWS'
  | 'CREATE_BRANCH'
  | 'SET_BRANCH_CALENDAR'
  | 'SET_TEXT_TERMS'
  | 'SET_MESSAGE_TEMPLATE'
  | 'READ_CATEGORY_MODEL' | 'RETRAIN_CATEGORY_MODEL';

type Scope = 'ANY' | 'COMPANY' | 'BRANCH';

export const ORGANISATION_ACTION_RULES: Readonly<Record<OrganisationAction, { roles: readonly Role[]; scope: Scope; refusal: string }>> = {
  PROVISION_TENANT: { roles: ['PLATFORM_ADMIN'], scope: 'ANY', refusal: 'only the platform operator provisions tenants' },
  CREATE_COMPANY: { roles: ['HEAD_OFFICE'], scope: 'ANY', refusal: 'only the head office creates companies' },
  SET_POLICY: { roles: ['HEAD_OFFICE'], scope: 'ANY', refusal: 'only the head office sets the group\'s policy' },
  SET_TEXT_TERMS: { roles: ['HEAD_OFFICE'], scope: 'ANY', refusal: 'only the head office sets the group\'s search terms' },
  SET_MESSAGE_TEMPLATE: { roles: ['HEAD_OFFICE'], scope: 'ANY', refusal: 'only the head office sets the group\'s message templates' },
  READ_CATEGORY_MODEL: { roles: ['HEAD_OFFICE', 'COMPANY_MANAGER'], scope: 'ANY', refusal: 'the category model is for the head office and company managers' },
  RETRAIN_CATEGORY_MODEL: { roles: ['HEAD_OFFICE'], scope: 'ANY', refusal: 'only the head office retrains the category model' },
  READ_WEEKLY_REVIEWS: { roles: ['HEAD_OFFICE', 'COMPANY_MANAGER'], scope: 'ANY', refusal: 'weekly reviews are for the head office and company managers' },
  CREATE_BRANCH: { roles: ['HEAD_OFFICE', 'COMPANY_MANAGER'], scope: 'COMPANY', refusal: 'only the head office or this company\'s manager creates its branches' },
  SET_BRANCH_CALENDAR: {
    roles: ['HEAD_OFFICE', 'COMPANY_MANAGER', 'BRANCH_MANAGER'], scope: 'BRANCH',
    refusal: 'only the head office, the company manager or the branch manager sets a branch calendar',
  },
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

// --- granting roles (createUser) ---------------------------------------------------------------

/**
 * The hierarchy of roles, highest first. A grantor grants a role only through a granting role they
 * hold that ranks at least as high and whose scope contains the grant's.
 */
export const ROLE_RANK: Readonly<Record<Role, number>> = {
  PLATFORM_ADMIN: 7,
  HEAD_OFFICE: 6,
  COMPANY_MANAGER: 5,
  BRANCH_MANAGER: 4,
  DISPATCHER: 3,
  HANDLER: 2,
  CONTRACTOR: 1,
};

/** Roles that may create users (each within its scope, up to its own rank). */
export const GRANTING_ROLES: readonly Role[] = ['HEAD_OFFICE', 'COMPANY_MANAGER', 'BRANCH_MANAGER'];

/** A requested grant, as the client sent it. */
/** A grant asked for; `position` (DEPUTY_GM or GM) only with COMPANY_MANAGER. */
export type GrantRequest = RoleGrant & { position?: 'DEPUTY_GM' | 'GM' | null };

/** Where a grant lands in the tenant, as its records say: a branch (with its company), a company, or the group. */
export type GrantTarget = { branch: BranchRef } | { companyId: string } | null;

/** Why a grant is refused: SHAPE is bad input, AUTHORITY is the grantor's lack of right; `field` names the grant's field. */
export interface GrantRefusal {
  kind: 'SHAPE' | 'AUTHORITY';
  field: 'role' | 'companyId' | 'branchId' | 'position';
  reason: string;
}

/**
 * A grant's shape must match its role: HEAD_OFFICE neither companyId nor branchId; COMPANY_MANAGER
 * a companyId and no branchId; BRANCH_MANAGER, DISPATCHER, HANDLER a branchId; CONTRACTOR a branchId
 * or a companyId. PLATFORM_ADMIN is never granted to a tenant user.
 */
export function grantShapeIssues(g: GrantRequest): GrantRefusal[] {
  const issue = (field: GrantRefusal['field'], reason: string): GrantRefusal => ({ kind: 'SHAPE', field, reason });
  if (g.position != null && g.role !== 'COMPANY_MANAGER') return [issue('position', 'only a COMPANY_MANAGER holds a position (DEPUTY_GM or GM)')];
  switch (g.role) {
    case 'PLATFORM_ADMIN':
      return [issue('role', 'PLATFORM_ADMIN is the platform operator\'s and cannot be granted to a tenant user')];
    case 'HEAD_OFFICE':
      return [
        ...(g.companyId !== null ? [issue('companyId', 'HEAD_OFFICE is group-wide: give no companyId')] : []),
        ...(g.branchId !== null ? [issue('branchId', 'HEAD_OFFICE is group-wide: give no branchId')] : []),
      ];
    case 'COMPANY_MANAGER':
      return [
        ...(g.companyId === null ? [issue('companyId', 'COMPANY_MANAGER needs a companyId')] : []),
        ...(g.branchId !== null ? [issue('branchId', 'COMPANY_MANAGER covers a whole company: give no branchId')] : []),
      ];
    case 'BRANCH_MANAGER':
    case 'DISPATCHER':
    case 'HANDLER':
      return g.branchId === null ? [issue('branchId', `${g.role} needs a branchId`)] : [];
    case 'CONTRACTOR':
      return g.branchId === null && g.companyId === null ? [issue('branchId', 'CONTRACTOR needs a branchId or a companyId')] : [];
  }
}

function targetScope(target: GrantTarget): GrantScope {
  if (target === null) return { kind: 'TENANT' };
  if ('branch' in target) return { kind: 'BRANCH', branchId: target.branch.id };
  return { kind: 'COMPANY', companyId: target.companyId };
}

/** True when the grantor's scope contains the granted one (a branch's company given for a branch). */
function scopeContains(outer: GrantScope, inner: GrantScope, innerCompanyId: string | null): boolean {
  switch (outer.kind) {
    case 'NONE':
      return false;
    case 'TENANT':
      return true;
    case 'COMPANY':
      return (inner.kind === 'COMPANY' || inner.kind === 'BRANCH') && innerCompanyId === outer.companyId;
    case 'BRANCH':
      return inner.kind === 'BRANCH' && inner.branchId === outer.branchId;
  }
}

/**
 * Null when the actor may grant `grant`, which lands on `target` (its branch or company as resolved
 * in the tenant; null for a group-wide grant); else the first refusal, naming the grant's field.
 * Nobody grants a role wider than their own: the grantor needs a granting role that ranks at least
 * as high as the granted role and whose scope contains the grant's.
 */
export function grantRefusal(actor: Pick<Actor, 'roles'>, grant: GrantRequest, target: GrantTarget): GrantRefusal | null {
  const [shape] = grantShapeIssues(grant);
  if (shape) return shape;
  if (target !== null && 'branch' in target && grant.companyId !== null && grant.companyId !== target.branch.companyId) {
    return { kind: 'SHAPE', field: 'companyId', reason: 'companyId is not the company of branchId' };
  }
  const granting = actor.roles.filter((g) => GRANTING_ROLES.includes(g.role));
  if (granting.length === 0) {
    return { kind: 'AUTHORITY', field: 'role', reason: 'only the head office, a company manager or a branch manager creates users' };
  }
  const ranked = granting.filter((g) => ROLE_RANK[g.role] >= ROLE_RANK[grant.role]);
  if (ranked.length === 0) {
    return { kind: 'AUTHORITY', field: 'role', reason: `you may not grant ${grant.role}: it ranks above every role you may grant with` };
  }
  const scope = targetScope(target);
  const companyId = target === null ? null : 'branch' in target ? target.branch.companyId : target.companyId;
  if (ranked.some((g) => scopeContains(grantScope(g), scope, companyId))) return null;
  const field = scope.kind === 'BRANCH' ? 'branchId' : scope.kind === 'COMPANY' ? 'companyId' : 'role';
  return { kind: 'AUTHORITY', field, reason: `you may grant ${grant.role} only within your own scope` };
}

// --- work orders (domain.md §6) ----------------------------------------------------------------

/** What the work-order rules need of an order and its complaint. */
export interface WorkOrderRef {
  branchId: string;
  companyId: string;
  /** The current contractor (the attempt in progress). */
  contractorId: string;
  /** The order's complaint, as the complaint visibility rule needs it. */
  complaint: ComplaintVisibilityRef;
}

/**
 * Which work orders an actor sees: as the group's employees, the orders of the complaints they see
 * (`complaintScope` of their employee grants: staff reach, or the complaint is theirs); as a
 * contractor, only the orders where they are the current contractor (never through a complaint
 * dispatched to them, nor another contractor's order of it).
 */
export interface WorkOrderScope {
  /** The complaint scope of the actor's employee grants (a contractor grant reaches no complaint here). */
  staff: ComplaintScope;
  /** True when the actor holds a CONTRACTOR grant: orders where they are the current contractor. */
  asContractor: boolean;
}

export function workOrderScope(actor: Pick<Actor, 'roles'>): WorkOrderScope {
  const employee = { roles: actor.roles.filter((g) => EMPLOYEE_ROLES.includes(g.role)) };
  return { staff: complaintScope(employee), asContractor: holdsRole(actor, ['CONTRACTOR']) };
}

/** True when the actor sees the work order (what a query of `workOrderScope` selects). */
export function seesWorkOrder(actor: Actor, order: WorkOrderRef): boolean {
  const scope = workOrderScope(actor);
  if (scope.asContractor && order.contractorId === actor.userId) return true;
  return inComplaintScope(scope.staff, actor.userId, order.complaint);
}

/**
 * How much of a work order the actor sees: FULL (employees who see its complaint), or CONTRACTOR
 * (its current contractor: the complaint's job view, their own attempts only, no timeline of staff notes).
 */
export type WorkOrderView = 'FULL' | 'CONTRACTOR';

export function workOrderView(actor: Actor, order: WorkOrderRef): WorkOrderView | null {
  const scope = workOrderScope(actor);
  if (inComplaintScope(scope.staff, actor.userId, order.complaint)) return 'FULL';
  return scope.asContractor && order.contractorId === actor.userId ? 'CONTRACTOR' : null;
}

/**
 * The complaint of a work order as its viewer sees it: the complaint view the actor has anyway, or,
 * for the order's current contractor, the job view (name, unit, phone; no timeline, no escalations).
 */
export function workOrderComplaintView(actor: Actor, order: WorkOrderRef): ComplaintView | null {
  const view = workOrderView(actor, order);
  if (view === null) return null;
  if (view === 'CONTRACTOR') return 'JOB';
  return complaintView(actor, order.complaint) ?? 'JOB';
}

/** Work-order actions: staff's (issue, reassign, cancel, return visit) and the contractor's (contact, on site, complete, sign). */
export const WORK_ORDER_ACTIONS = ['ISSUE', 'REASSIGN', 'CANCEL', 'RETURN_VISIT', 'CONTACT', 'ON_SITE', 'COMPLETE', 'SIGN'] as const;
export type WorkOrderAction = (typeof WORK_ORDER_ACTIONS)[number];

/** Actions only staff take; the rest the current contractor takes too. */
export const STAFF_WORK_ORDER_ACTIONS: readonly WorkOrderAction[] = ['ISSUE', 'REASSIGN', 'CANCEL', 'RETURN_VISIT'];

/**
 * True when the actor may act on work orders of the complaint as staff: staff of its branch
 * (DISPATCHER, BRANCH_MANAGER, COMPANY_MANAGER, HEAD_OFFICE reaching it), or a HANDLER it is theirs
 * (its assignee, or whoever follows it through).
 */
export function actsOnWorkOrdersOf(actor: Actor, complaint: ComplaintVisibilityRef): boolean {
  if (isStaffOf(actor, complaint)) return true;
  if (!holdsRole(actor, ['HANDLER'])) return false;
  const mine = complaint.assigneeId === actor.userId || (complaint.ownerId ?? complaint.firstContactOwnerId) === actor.userId;
  return mine && reachesBranch(actor, { id: complaint.branchId, companyId: complaint.companyId }, ['HANDLER']);
}

/** Null when the actor may take the action on the order (`ISSUE`: on its complaint), else the reason. */
export function workOrderActionRefusal(actor: Actor, action: WorkOrderAction, order: Pick<WorkOrderRef, 'complaint'> & { contractorId: string | null }): string | null {
  if (actsOnWorkOrdersOf(actor, order.complaint)) return null;
  if (STAFF_WORK_ORDER_ACTIONS.includes(action)) return 'only staff of this branch (or the handler whose complaint it is) may do this';
  const contractor = order.contractorId !== null && order.contractorId === actor.userId && holdsRole(actor, ['CONTRACTOR']);
  return contractor ? null : 'only the work order\'s current contractor or staff of this branch may do this';
}

/** True when a user with these grants may take a work order of the branch: a CONTRACTOR grant reaching it. */
export function canTakeWorkOrders(candidate: Pick<Actor, 'roles'>, branch: BranchRef): boolean {
  return reachesBranch(candidate, branch, ['CONTRACTOR']);
}

/** Where contractors are managed: a branch, or a whole company. */
export type ContractorTarget = { branch: BranchRef } | { companyId: string };

/**
 * Null when the actor may manage the contractors there (create one, set their trades), else the reason:
 * HEAD_OFFICE anywhere; a COMPANY_MANAGER within their company; a BRANCH_MANAGER for their branch.
 */
export function contractorManagementRefusal(actor: Pick<Actor, 'roles'>, target: ContractorTarget): string | null {
  const ok = 'branch' in target
    ? reachesBranch(actor, target.branch, ['HEAD_OFFICE', 'COMPANY_MANAGER', 'BRANCH_MANAGER'])
    : reachesCompany(actor, target.companyId, ['HEAD_OFFICE', 'COMPANY_MANAGER']);
  return ok ? null : 'only the head office, the company manager or the branch manager manages its contractors';
}

/** True when the actor may manage contractors somewhere (the role, whatever the scope). */
export function managesContractors(actor: Pick<Actor, 'roles'>): boolean {
  return holdsRole(actor, ['HEAD_OFFICE', 'COMPANY_MANAGER', 'BRANCH_MANAGER']);
}
