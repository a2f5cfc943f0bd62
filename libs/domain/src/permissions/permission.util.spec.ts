import type { Role } from '../enums';
import {
  Actor, COMPLAINT_ACTION_PERFORMERS, ComplaintPermissionAction, ComplaintView, ComplaintVisibilityRef, GrantTarget, JOB_VIEW_WITHHELD,
  OrganisationAction, ROLE_RANK, RoleGrant, canAdminister, canBeAssigned, canBeHandedOver, canPerform, complaintPermissionRefusal, complaintScope, complaintView,
  grantRefusal, grantShapeIssues, inComplaintScope, organisationRefusal, organisationScope, reachedScopes, reachesBranch, reachesCompany,
  reachesWholeTenant, reviewWithinReach, seesBranch, seesCompany, viewShows,
  WorkOrderRef, canTakeWorkOrders, contractorManagementRefusal, managesContractors, seesWorkOrder, workOrderActionRefusal,
  workOrderComplaintView, workOrderView,
} from './permission.util';

// Two companies; company A has branches A1 and A2, company B has B1.
const A1 = { id: 'branch-a1', companyId: 'company-a' };
const A2 = { id: 'branch-a2', companyId: 'company-a' };
const B1 = { id: 'branch-b1', companyId: 'company-b' };

const group = (role: Role): RoleGrant => ({ role, companyId: null, branchId: null });
const company = (role: Role, companyId: string): RoleGrant => ({ role, companyId, branchId: null });
const branch = (role: Role, b: { id: string; companyId: string }): RoleGrant => ({ role, companyId: b.companyId, branchId: b.id });
const actor = (userId: string, ...roles: RoleGrant[]): Actor => ({ userId, roles });

const people = {
  platformAdmin: actor('u-admin', group('PLATFORM_ADMIN')),
  headOffice: actor('u-ho', group('HEAD_OFFICE')),
  managerA: actor('u-cm-a', company('COMPANY_MANAGER', 'company-a')),
  branchManagerA1: actor('u-bm-a1', branch('BRANCH_MANAGER', A1)),
  dispatcherA1: actor('u-d-a1', branch('DISPATCHER', A1)),
  handlerA1: actor('u-h-a1', branch('HANDLER', A1)),
  contractorA1: actor('u-c-a1', branch('CONTRACTOR', A1)),
  dispatcherB1: actor('u-d-b1', branch('DISPATCHER', B1)),
  nobody: actor('u-none'),
};
type Person = keyof typeof people;

describe('reachesBranch', () => {
  // person → [A1, A2, B1]
  const table: [Person, boolean, boolean, boolean][] = [
    ['platformAdmin', false, false, false],
    ['headOffice', true, true, true],
    ['managerA', true, true, false],
    ['branchManagerA1', true, false, false],
    ['dispatcherA1', true, false, false],
    ['handlerA1', true, false, false],
    ['contractorA1', true, false, false],
    ['dispatcherB1', false, false, true],
    ['nobody', false, false, false],
  ];
  it.each(table)('%s reaches A1 %s, A2 %s, B1 %s', (who, a1, a2, b1) => {
    expect([reachesBranch(people[who], A1), reachesBranch(people[who], A2), reachesBranch(people[who], B1)]).toEqual([a1, a2, b1]);
  });

  it('counts only grants of the given roles', () => {
    const twoHats = actor('u-2', branch('HANDLER', A1), branch('DISPATCHER', A2));
    expect(reachesBranch(twoHats, A1, ['DISPATCHER'])).toBe(false);
    expect(reachesBranch(twoHats, A2, ['DISPATCHER'])).toBe(true);
  });

  it('treats a head-office grant as group-wide even when it names a company', () => {
    expect(reachesBranch(actor('u', company('HEAD_OFFICE', 'company-a')), B1)).toBe(true);
  });

  it('lists the scopes short of the whole tenant, and the whole tenant', () => {
    const mixed = actor('u', branch('HANDLER', B1), company('COMPANY_MANAGER', 'company-a'), branch('DISPATCHER', B1));
    expect(reachedScopes(mixed)).toEqual({ branchIds: ['branch-b1'], companyIds: ['company-a'] });
    expect(reachesWholeTenant(mixed)).toBe(false);
    expect(reachesWholeTenant(people.headOffice)).toBe(true);
    expect(reachesWholeTenant(people.platformAdmin)).toBe(false);
    expect(reachesCompany(people.managerA, 'company-a')).toBe(true);
    expect(reachesCompany(people.managerA, 'company-b')).toBe(false);
    expect(reachesCompany(people.branchManagerA1, 'company-a')).toBe(false);
  });
});

describe('canPerform', () => {
  const dispatchedToHandler = { branchId: A1.id, companyId: A1.companyId, assigneeId: people.handlerA1.userId };
  const dispatchedToContractor = { ...dispatchedToHandler, assigneeId: people.contractorA1.userId };
  const undispatched = { ...dispatchedToHandler, assigneeId: null };

  // Every action × who asks, on a complaint of branch A1 dispatched to handlerA1.
  const allowed: Record<ComplaintPermissionAction, Person[]> = {
    SUBMIT: ['headOffice', 'managerA', 'branchManagerA1', 'dispatcherA1'],
    DISPATCH: ['headOffice', 'managerA', 'branchManagerA1', 'dispatcherA1'],
    ACKNOWLEDGE: ['handlerA1'],
    FOLLOW_UP: ['headOffice', 'managerA', 'branchManagerA1', 'dispatcherA1', 'handlerA1'],
    DETERMINE_VALIDITY: ['headOffice', 'managerA', 'branchManagerA1', 'dispatcherA1', 'handlerA1'],
    RESOLVE: ['headOffice', 'managerA', 'branchManagerA1', 'dispatcherA1', 'handlerA1'],
    CALLBACK: ['headOffice', 'managerA', 'branchManagerA1', 'dispatcherA1'],
    SPECIAL_REPORT: ['headOffice', 'managerA', 'branchManagerA1', 'dispatcherA1'],
    WITHDRAW: ['headOffice', 'managerA', 'branchManagerA1', 'dispatcherA1'],
    MERGE: ['headOffice', 'managerA', 'branchManagerA1', 'dispatcherA1'],
    UPDATE_FACTS: ['headOffice', 'managerA', 'branchManagerA1', 'dispatcherA1'],
    RECLASSIFY: ['headOffice', 'managerA', 'branchManagerA1', 'dispatcherA1'],
    RECORD_FACILITY_RESTORED: ['headOffice', 'managerA', 'branchManagerA1', 'dispatcherA1'],
    HAND_OVER: ['headOffice', 'managerA', 'branchManagerA1', 'dispatcherA1'],
  };
  const cases = (Object.keys(COMPLAINT_ACTION_PERFORMERS) as ComplaintPermissionAction[]).flatMap((action) =>
    (Object.keys(people) as Person[]).map((who) => [action, who, allowed[action].includes(who)] as const));

  it.each(cases)('%s by %s → %s', (action, who, expected) => {
    expect(canPerform(people[who], action, dispatchedToHandler)).toBe(expected);
    expect(complaintPermissionRefusal(people[who], action, dispatchedToHandler) === null).toBe(expected);
  });

  it('lets whoever follows it through (首问责任制) hand it over and follow it up, and see it', () => {
    const handedToHandler = { ...undispatched, ownerId: people.handlerA1.userId, firstContactOwnerId: people.dispatcherA1.userId };
    expect(canPerform(people.handlerA1, 'HAND_OVER', handedToHandler)).toBe(true);
    expect(canPerform(people.handlerA1, 'FOLLOW_UP', handedToHandler)).toBe(true);
    expect(canPerform(people.handlerA1, 'HAND_OVER', undispatched)).toBe(false);
    expect(canPerform(people.handlerA1, 'MERGE', handedToHandler)).toBe(false);
    expect(canPerform(people.contractorA1, 'HAND_OVER', handedToHandler)).toBe(false);
    expect(complaintView(people.handlerA1, handedToHandler)).toBe('FULL');
    expect(complaintView(people.handlerA1, { ...handedToHandler, ownerId: people.dispatcherA1.userId })).toBeNull();
  });

  it('hands a complaint over only to a colleague working in its branch, never to an outside firm', () => {
    expect(canBeHandedOver(people.handlerA1, undispatched)).toBe(true);
    expect(canBeHandedOver(people.branchManagerA1, undispatched)).toBe(true);
    expect(canBeHandedOver(people.headOffice, undispatched)).toBe(true);
    expect(canBeHandedOver(people.contractorA1, undispatched)).toBe(false);
    expect(canBeHandedOver(people.dispatcherB1, undispatched)).toBe(false);
    expect(canBeHandedOver(people.platformAdmin, undispatched)).toBe(false);
  });

  it('lets only the assignee acknowledge, whoever it is', () => {
    expect(canPerform(people.contractorA1, 'ACKNOWLEDGE', dispatchedToContractor)).toBe(true);
    expect(canPerform(people.handlerA1, 'ACKNOWLEDGE', dispatchedToContractor)).toBe(false);
    expect(canPerform(people.headOffice, 'ACKNOWLEDGE', dispatchedToContractor)).toBe(false);
  });

  it('gives nobody the assignee\'s rights on an undispatched complaint', () => {
    expect(canPerform(actor('anyone'), 'ACKNOWLEDGE', undispatched)).toBe(false);
    expect(canPerform(people.handlerA1, 'RESOLVE', undispatched)).toBe(false);
  });

  it('explains a refusal by who may act', () => {
    expect(complaintPermissionRefusal(people.dispatcherA1, 'ACKNOWLEDGE', dispatchedToHandler)).toBe('only the assignee may do this');
    expect(complaintPermissionRefusal(people.dispatcherB1, 'RESOLVE', dispatchedToHandler)).toBe('only staff of this branch or the assignee may do this');
    expect(complaintPermissionRefusal(people.handlerA1, 'WITHDRAW', dispatchedToHandler)).toBe('only staff of this branch may do this');
  });
});

describe('canBeAssigned', () => {
  const complaint = { branchId: A1.id, companyId: A1.companyId };
  const table: [Person, boolean][] = [
    ['headOffice', true], ['managerA', true], ['branchManagerA1', true], ['dispatcherA1', true], ['handlerA1', true],
    ['contractorA1', true], ['dispatcherB1', false], ['platformAdmin', false], ['nobody', false],
  ];
  it.each(table)('%s → %s', (who, expected) => expect(canBeAssigned(people[who], complaint)).toBe(expected));
});

describe('canAdminister', () => {
  // person → [group-level, company A, company B, branch A1, branch B1] for each action (scoped actions use their own target).
  const table: [OrganisationAction, Person[]][] = [
    ['PROVISION_TENANT', ['platformAdmin']],
    ['CREATE_COMPANY', ['headOffice']],
    ['SET_POLICY', ['headOffice']],
    ['READ_WEEKLY_REVIEWS', ['headOffice', 'managerA']],
    ['READ_CATEGORY_MODEL', ['headOffice', 'managerA']],
    ['RETRAIN_CATEGORY_MODEL', ['headOffice']],
    ['SET_MESSAGE_TEMPLATE', ['headOffice']],
  ];
  it.each(table)('%s: allowed for %j only', (action, who) => {
    for (const p of Object.keys(people) as Person[]) expect([p, canAdminister(people[p], action)]).toEqual([p, who.includes(p)]);
  });

  const scoped: [OrganisationAction, { companyId: string } | { id: string; companyId: string }, Person[]][] = [
    ['CREATE_BRANCH', { companyId: 'company-a' }, ['headOffice', 'managerA']],
    ['CREATE_BRANCH', { companyId: 'company-b' }, ['headOffice']],
    ['SET_BRANCH_CALENDAR', A1, ['headOffice', 'managerA', 'branchManagerA1']],
    ['SET_BRANCH_CALENDAR', B1, ['headOffice']],
  ];
  it.each(scoped)('%s on %j: allowed for %j only', (action, target, who) => {
    for (const p of Object.keys(people) as Person[]) expect([p, canAdminister(people[p], action, target)]).toEqual([p, who.includes(p)]);
  });

  it('refuses a scoped action without its target, with the reason', () => {
    expect(canAdminister(people.headOffice, 'SET_BRANCH_CALENDAR')).toBe(false);
    expect(canAdminister(people.headOffice, 'SET_BRANCH_CALENDAR', { companyId: 'company-a' })).toBe(false);
    expect(organisationRefusal(people.dispatcherA1, 'SET_POLICY')).toBe('only the head office sets the group\'s policy');
  });
});

describe('a grant without the scope its role needs', () => {
  it('reaches nothing (not the whole tenant)', () => {
    for (const role of ['COMPANY_MANAGER', 'DISPATCHER', 'HANDLER', 'CONTRACTOR'] as Role[]) {
      const malformed = actor('u', group(role));
      expect([role, reachesBranch(malformed, A1), reachesWholeTenant(malformed), complaintScope(malformed).wholeTenant]).toEqual([role, false, false, false]);
    }
  });
});

describe('complaintScope and complaintView', () => {
  const owner = people.dispatcherA1.userId;
  // Complaints of A1 (undispatched, dispatched to the handler, to the contractor), of A2 and of B1.
  const complaints: Record<string, ComplaintVisibilityRef> = {
    a1Open: { branchId: A1.id, companyId: A1.companyId, assigneeId: null, firstContactOwnerId: owner },
    a1Handler: { branchId: A1.id, companyId: A1.companyId, assigneeId: people.handlerA1.userId, firstContactOwnerId: owner },
    a1Contractor: { branchId: A1.id, companyId: A1.companyId, assigneeId: people.contractorA1.userId, firstContactOwnerId: owner },
    a2Open: { branchId: A2.id, companyId: A2.companyId, assigneeId: null, firstContactOwnerId: 'u-someone' },
    b1Open: { branchId: B1.id, companyId: B1.companyId, assigneeId: null, firstContactOwnerId: people.dispatcherB1.userId },
  };
  type C = keyof typeof complaints;
  const F: ComplaintView = 'FULL';
  const J: ComplaintView = 'JOB';
  // person → view of [a1Open, a1Handler, a1Contractor, a2Open, b1Open]
  const table: [Person, (ComplaintView | null)[]][] = [
    ['platformAdmin', [null, null, null, null, null]],
    ['headOffice', [F, F, F, F, F]],
    ['managerA', [F, F, F, F, null]],
    ['branchManagerA1', [F, F, F, null, null]],
    ['dispatcherA1', [F, F, F, null, null]],
    ['handlerA1', [null, F, null, null, null]],
    ['contractorA1', [null, null, J, null, null]],
    ['dispatcherB1', [null, null, null, null, F]],
    ['nobody', [null, null, null, null, null]],
  ];
  it.each(table)('%s sees %j', (who, views) => {
    expect((Object.keys(complaints) as C[]).map((c) => complaintView(people[who], complaints[c]))).toEqual(views);
  });

  it('selects in a query exactly the complaints the view shows', () => {
    for (const who of Object.keys(people) as Person[]) {
      const scope = complaintScope(people[who]);
      for (const c of Object.keys(complaints) as C[]) {
        expect([who, c, inComplaintScope(scope, people[who].userId, complaints[c])]).toEqual([who, c, complaintView(people[who], complaints[c]) !== null]);
      }
    }
  });

  it('gives staff their reach and everyone else only their own', () => {
    expect(complaintScope(people.headOffice)).toEqual({ wholeTenant: true, branchIds: [], companyIds: [], own: true });
    expect(complaintScope(people.managerA)).toEqual({ wholeTenant: false, branchIds: [], companyIds: ['company-a'], own: true });
    expect(complaintScope(people.dispatcherA1)).toEqual({ wholeTenant: false, branchIds: ['branch-a1'], companyIds: [], own: true });
    expect(complaintScope(people.handlerA1)).toEqual({ wholeTenant: false, branchIds: [], companyIds: [], own: true });
    expect(complaintScope(people.contractorA1)).toEqual({ wholeTenant: false, branchIds: [], companyIds: [], own: true });
    expect(complaintScope(people.platformAdmin)).toEqual({ wholeTenant: false, branchIds: [], companyIds: [], own: false });
    expect(complaintScope(people.nobody).own).toBe(false);
  });

  it('keeps the whole record for an employee who took it at intake, wherever they work now', () => {
    const moved = actor(owner, branch('HANDLER', B1));
    expect(complaintView(moved, complaints.a1Open)).toBe('JOB');
    const stillThere = actor(owner, branch('HANDLER', A1));
    expect(complaintView(stillThere, complaints.a1Open)).toBe('FULL');
  });

  it('shows a company-wide contractor only the jobs dispatched to it', () => {
    const firm = actor(people.contractorA1.userId, company('CONTRACTOR', 'company-a'));
    expect(complaintView(firm, complaints.a1Contractor)).toBe('JOB');
    expect(complaintView(firm, complaints.a2Open)).toBeNull();
  });

  it('withholds the demand, satisfaction, special report and timeline from the job view only', () => {
    for (const f of JOB_VIEW_WITHHELD) expect([f, viewShows('JOB', f), viewShows('FULL', f)]).toEqual([f, false, true]);
    expect(JOB_VIEW_WITHHELD).toEqual(expect.arrayContaining(['demand', 'satisfied', 'specialReport', 'timeline']));
  });
});

describe('organisationScope', () => {
  it('shows a handler and a firm the branch or company they work for', () => {
    expect(organisationScope(people.handlerA1)).toEqual({ wholeTenant: false, branchIds: ['branch-a1'], companyIds: [] });
    expect(organisationScope(actor('f', company('CONTRACTOR', 'company-b')))).toEqual({ wholeTenant: false, branchIds: [], companyIds: ['company-b'] });
    expect(organisationScope(people.headOffice).wholeTenant).toBe(true);
    expect(organisationScope(people.platformAdmin)).toEqual({ wholeTenant: false, branchIds: [], companyIds: [] });
  });

  // person → sees [A1, A2, B1, company A, company B]
  const table: [Person, boolean[]][] = [
    ['platformAdmin', [false, false, false, false, false]],
    ['headOffice', [true, true, true, true, true]],
    ['managerA', [true, true, false, true, false]],
    ['branchManagerA1', [true, false, false, true, false]],
    ['handlerA1', [true, false, false, true, false]],
    ['contractorA1', [true, false, false, true, false]],
    ['dispatcherB1', [false, false, true, false, true]],
    ['nobody', [false, false, false, false, false]],
  ];
  it.each(table)('%s sees %j', (who, expected) => {
    const a = people[who];
    expect([seesBranch(a, A1), seesBranch(a, A2), seesBranch(a, B1), seesCompany(a, 'company-a'), seesCompany(a, 'company-b')]).toEqual(expected);
  });
});

describe('grantShapeIssues', () => {
  const g = (role: Role, companyId: string | null, branchId: string | null): RoleGrant => ({ role, companyId, branchId });
  // grant → the fields refused
  const table: [RoleGrant, string[]][] = [
    [g('PLATFORM_ADMIN', null, null), ['role']],
    [g('HEAD_OFFICE', null, null), []],
    [g('HEAD_OFFICE', 'company-a', null), ['companyId']],
    [g('HEAD_OFFICE', 'company-a', 'branch-a1'), ['companyId', 'branchId']],
    [g('COMPANY_MANAGER', 'company-a', null), []],
    [g('COMPANY_MANAGER', null, null), ['companyId']],
    [g('COMPANY_MANAGER', 'company-a', 'branch-a1'), ['branchId']],
    [g('BRANCH_MANAGER', null, 'branch-a1'), []],
    [g('BRANCH_MANAGER', 'company-a', null), ['branchId']],
    [g('DISPATCHER', null, null), ['branchId']],
    [g('HANDLER', 'company-a', 'branch-a1'), []],
    [g('CONTRACTOR', null, 'branch-a1'), []],
    [g('CONTRACTOR', 'company-a', null), []],
    [g('CONTRACTOR', null, null), ['branchId']],
  ];
  it.each(table)('%j → %j', (grant, fields) => {
    expect(grantShapeIssues(grant).map((i) => i.field)).toEqual(fields);
  });
});

describe('grantRefusal', () => {
  const toA1: GrantTarget = { branch: A1 };
  const toA2: GrantTarget = { branch: A2 };
  const toB1: GrantTarget = { branch: B1 };
  const toCompanyA: GrantTarget = { companyId: 'company-a' };
  const toCompanyB: GrantTarget = { companyId: 'company-b' };
  const g = (role: Role, target: GrantTarget): RoleGrant => ({
    role,
    companyId: target !== null && 'companyId' in target ? target.companyId : null,
    branchId: target !== null && 'branch' in target ? target.branch.id : null,
  });
  // who, granted role, where → null (allowed) or [kind, field]
  const table: [Person, Role, GrantTarget, [string, string] | null][] = [
    ['headOffice', 'HEAD_OFFICE', null, null],
    ['headOffice', 'COMPANY_MANAGER', toCompanyB, null],
    ['headOffice', 'CONTRACTOR', toCompanyA, null],
    ['managerA', 'HEAD_OFFICE', null, ['AUTHORITY', 'role']],
    ['managerA', 'COMPANY_MANAGER', toCompanyA, null],
    ['managerA', 'COMPANY_MANAGER', toCompanyB, ['AUTHORITY', 'companyId']],
    ['managerA', 'BRANCH_MANAGER', toA2, null],
    ['managerA', 'DISPATCHER', toB1, ['AUTHORITY', 'branchId']],
    ['managerA', 'CONTRACTOR', toCompanyA, null],
    ['branchManagerA1', 'COMPANY_MANAGER', toCompanyA, ['AUTHORITY', 'role']],
    ['branchManagerA1', 'BRANCH_MANAGER', toA1, null],
    ['branchManagerA1', 'DISPATCHER', toA1, null],
    ['branchManagerA1', 'HANDLER', toA2, ['AUTHORITY', 'branchId']],
    ['branchManagerA1', 'CONTRACTOR', toA1, null],
    ['branchManagerA1', 'CONTRACTOR', toCompanyA, ['AUTHORITY', 'companyId']],
    ['dispatcherA1', 'HANDLER', toA1, ['AUTHORITY', 'role']],
    ['handlerA1', 'HANDLER', toA1, ['AUTHORITY', 'role']],
    ['contractorA1', 'CONTRACTOR', toA1, ['AUTHORITY', 'role']],
    ['platformAdmin', 'HEAD_OFFICE', null, ['AUTHORITY', 'role']],
  ];
  it.each(table)('%s granting %s on %j → %j', (who, role, target, expected) => {
    const r = grantRefusal(people[who], g(role, target), target);
    expect(r && [r.kind, r.field]).toEqual(expected);
  });

  it('refuses a branch manager minting a company manager for their own branch (the reported bug), as bad input', () => {
    const minted = { role: 'COMPANY_MANAGER' as Role, companyId: A1.companyId, branchId: A1.id };
    expect(grantRefusal(people.branchManagerA1, minted, toA1)).toEqual({ kind: 'SHAPE', field: 'branchId', reason: 'COMPANY_MANAGER covers a whole company: give no branchId' });
  });

  it('refuses PLATFORM_ADMIN to everyone, and a companyId that is not the branch\'s', () => {
    expect(grantRefusal(people.headOffice, { role: 'PLATFORM_ADMIN', companyId: null, branchId: null }, null)?.field).toBe('role');
    expect(grantRefusal(people.headOffice, { role: 'HANDLER', companyId: 'company-b', branchId: A1.id }, toA1)).toMatchObject({ kind: 'SHAPE', field: 'companyId' });
  });

  it('ranks roles from the head office down to outside firms', () => {
    const order = (Object.keys(ROLE_RANK) as Role[]).sort((x, y) => ROLE_RANK[y] - ROLE_RANK[x]);
    expect(order).toEqual(['PLATFORM_ADMIN', 'HEAD_OFFICE', 'COMPANY_MANAGER', 'BRANCH_MANAGER', 'DISPATCHER', 'HANDLER', 'CONTRACTOR']);
  });

  it('lets a grantor with two hats grant only what one hat both outranks and contains', () => {
    // A branch manager of A1 who is also a dispatcher of B1: dispatching grants nothing.
    const twoHats = actor('u', branch('BRANCH_MANAGER', A1), branch('DISPATCHER', B1));
    expect(grantRefusal(twoHats, g('HANDLER', toB1), toB1)).toMatchObject({ kind: 'AUTHORITY', field: 'branchId' });
    expect(grantRefusal(twoHats, g('HANDLER', toA1), toA1)).toBeNull();
  });
});

describe('reviewWithinReach', () => {
  const review = {
    openCount: 5, overdueCount: 3,
    byBranch: { SZ01: { open: 2, overdue: 1 }, GZ01: { open: 3, overdue: 2 } },
    complaintIds: ['sz-1', 'sz-2', 'gz-1', 'gz-2', 'gz-3'],
  };

  it('keeps only the caller\'s branches and complaints, and recounts from them', () => {
    expect(reviewWithinReach(review, new Set(['SZ01']), new Set(['sz-1', 'sz-2', 'x']))).toEqual({
      openCount: 2, overdueCount: 1, byBranch: { SZ01: { open: 2, overdue: 1 } }, complaintIds: ['sz-1', 'sz-2'],
    });
  });

  it('leaves the whole tenant\'s review whole, and nothing for no reach', () => {
    expect(reviewWithinReach(review, 'ALL', new Set(review.complaintIds))).toEqual(review);
    expect(reviewWithinReach(review, new Set(), new Set())).toEqual({ openCount: 0, overdueCount: 0, byBranch: {}, complaintIds: [] });
  });
});

describe('work orders', () => {
  const otherContractor = actor('u-c2-a1', branch('CONTRACTOR', A1));
  // A complaint of A1 dispatched to the handler; its order is with contractorA1.
  const complaint: ComplaintVisibilityRef = { branchId: A1.id, companyId: A1.companyId, assigneeId: 'u-h-a1', firstContactOwnerId: 'u-d-a1', ownerId: null };
  const order: WorkOrderRef = { branchId: A1.id, companyId: A1.companyId, contractorId: 'u-c-a1', complaint };
  const othersOrder: WorkOrderRef = { ...order, contractorId: 'u-c2-a1' };

  it('shows an order to staff who see its complaint, its handler, and its current contractor only', () => {
    const sees = (who: Actor, o: WorkOrderRef = order): boolean => seesWorkOrder(who, o);
    expect(sees(people.headOffice)).toBe(true);
    expect(sees(people.managerA)).toBe(true);
    expect(sees(people.branchManagerA1)).toBe(true);
    expect(sees(people.dispatcherA1)).toBe(true);
    expect(sees(people.handlerA1)).toBe(true);
    expect(sees(people.contractorA1)).toBe(true);
    expect(sees(people.contractorA1, othersOrder)).toBe(false);
    expect(sees(otherContractor)).toBe(false);
    expect(sees(people.dispatcherB1)).toBe(false);
    expect(sees(people.platformAdmin)).toBe(false);
    expect(sees(people.nobody)).toBe(false);
    // A contractor the complaint itself was dispatched to still sees only the orders that are theirs.
    const dispatchedToContractor = { ...othersOrder, complaint: { ...complaint, assigneeId: 'u-c-a1' } };
    expect(sees(people.contractorA1, dispatchedToContractor)).toBe(false);
  });

  it('gives the current contractor the job view of the complaint, and staff the full one', () => {
    expect(workOrderView(people.contractorA1, order)).toBe('CONTRACTOR');
    expect(workOrderComplaintView(people.contractorA1, order)).toBe('JOB');
    expect(workOrderView(people.dispatcherA1, order)).toBe('FULL');
    expect(workOrderComplaintView(people.dispatcherA1, order)).toBe('FULL');
    expect(workOrderComplaintView(otherContractor, order)).toBeNull();
  });

  it('lets staff (and the complaint\'s handler) take every action, the current contractor only theirs', () => {
    for (const action of ['ISSUE', 'REASSIGN', 'CANCEL', 'RETURN_VISIT', 'CONTACT', 'ON_SITE', 'COMPLETE', 'SIGN'] as const) {
      expect(workOrderActionRefusal(people.dispatcherA1, action, order)).toBeNull();
      expect(workOrderActionRefusal(people.handlerA1, action, order)).toBeNull();
      expect(workOrderActionRefusal(people.dispatcherB1, action, order)).not.toBeNull();
      expect(workOrderActionRefusal(otherContractor, action, order)).not.toBeNull();
    }
    for (const action of ['CONTACT', 'ON_SITE', 'COMPLETE', 'SIGN'] as const) expect(workOrderActionRefusal(people.contractorA1, action, order)).toBeNull();
    for (const action of ['ISSUE', 'REASSIGN', 'CANCEL', 'RETURN_VISIT'] as const) expect(workOrderActionRefusal(people.contractorA1, action, order)).not.toBeNull();
    // A handler acts only on the complaints that are theirs.
    const notTheirs = { ...order, complaint: { ...complaint, assigneeId: 'someone-else' } };
    expect(workOrderActionRefusal(people.handlerA1, 'ISSUE', notTheirs)).not.toBeNull();
  });

  it('takes contractors of the branch only, and lets the head office, the company and the branch manage them', () => {
    expect(canTakeWorkOrders(people.contractorA1, A1)).toBe(true);
    expect(canTakeWorkOrders(people.contractorA1, A2)).toBe(false);
    expect(canTakeWorkOrders(actor('u-c-co', company('CONTRACTOR', 'company-a')), A2)).toBe(true);
    expect(canTakeWorkOrders(people.handlerA1, A1)).toBe(false);

    expect(contractorManagementRefusal(people.headOffice, { branch: B1 })).toBeNull();
    expect(contractorManagementRefusal(people.managerA, { branch: A2 })).toBeNull();
    expect(contractorManagementRefusal(people.managerA, { companyId: 'company-a' })).toBeNull();
    expect(contractorManagementRefusal(people.managerA, { branch: B1 })).not.toBeNull();
    expect(contractorManagementRefusal(people.branchManagerA1, { branch: A1 })).toBeNull();
    expect(contractorManagementRefusal(people.branchManagerA1, { branch: A2 })).not.toBeNull();
    expect(contractorManagementRefusal(people.branchManagerA1, { companyId: 'company-a' })).not.toBeNull();
    expect(contractorManagementRefusal(people.dispatcherA1, { branch: A1 })).not.toBeNull();
    expect(managesContractors(people.dispatcherA1)).toBe(false);
    expect(managesContractors(people.branchManagerA1)).toBe(true);
  });
});
