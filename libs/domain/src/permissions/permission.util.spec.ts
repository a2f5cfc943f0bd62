import type { Role } from '../enums';
import {
  Actor, COMPLAINT_ACTION_PERFORMERS, ComplaintPermissionAction, OrganisationAction, RoleGrant, canAdminister, canBeAssigned, canPerform,
  complaintPermissionRefusal, organisationRefusal, reachedScopes, reachesBranch, reachesCompany, reachesWholeTenant,
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
  };
  const cases = (Object.keys(COMPLAINT_ACTION_PERFORMERS) as ComplaintPermissionAction[]).flatMap((action) =>
    (Object.keys(people) as Person[]).map((who) => [action, who, allowed[action].includes(who)] as const));

  it.each(cases)('%s by %s → %s', (action, who, expected) => {
    expect(canPerform(people[who], action, dispatchedToHandler)).toBe(expected);
    expect(complaintPermissionRefusal(people[who], action, dispatchedToHandler) === null).toBe(expected);
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
    ['GRANT_GROUP_ROLE', ['headOffice']],
    ['READ_WEEKLY_REVIEWS', ['headOffice', 'managerA']],
  ];
  it.each(table)('%s: allowed for %j only', (action, who) => {
    for (const p of Object.keys(people) as Person[]) expect([p, canAdminister(people[p], action)]).toEqual([p, who.includes(p)]);
  });

  const scoped: [OrganisationAction, { companyId: string } | { id: string; companyId: string }, Person[]][] = [
    ['CREATE_BRANCH', { companyId: 'company-a' }, ['headOffice', 'managerA']],
    ['CREATE_BRANCH', { companyId: 'company-b' }, ['headOffice']],
    ['GRANT_COMPANY_ROLE', { companyId: 'company-a' }, ['headOffice', 'managerA']],
    ['SET_BRANCH_CALENDAR', A1, ['headOffice', 'managerA', 'branchManagerA1']],
    ['SET_BRANCH_CALENDAR', B1, ['headOffice']],
    ['GRANT_BRANCH_ROLE', A2, ['headOffice', 'managerA']],
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
