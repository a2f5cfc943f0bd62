/**
 * The one query authentication runs on every request, against the real PostgreSQL: a user's grants
 * and the branches of their company grants, never another tenant's.
 */
import { PrincipalGrantsRepository } from '../../libs/persistence/src/principal-grants.repository';
import { MissingTenantError } from '../../libs/persistence/src/tenant-scoped.repository';
import { MediumDatabase, SeededOrganisation, insertBranch, insertOrganisation, openDatabase, thrown } from './medium-support';

let m: MediumDatabase;
let a: SeededOrganisation;
let b: SeededOrganisation;
let repo: PrincipalGrantsRepository;

beforeAll(async () => {
  m = await openDatabase('medium_principal_grants');
  a = await insertOrganisation(m.db, { users: ['manager', 'handler', 'nobody'] });
  b = await insertOrganisation(m.db, { users: ['other'] });
  repo = new PrincipalGrantsRepository(m.app);
});
afterAll(async () => {
  await m?.close();
});

const grant = (org: SeededOrganisation, user: string, role: string, companyId: string | null, branchId: string | null): Promise<unknown> =>
  m.db.query(`INSERT INTO role_assignments (tenant_id, user_id, role, company_id, branch_id) VALUES ($1, $2, $3, $4, $5)`, [org.tenantId, org.users[user], role, companyId, branchId]);

it('loads the grants and expands a company grant to the company branches', async () => {
  const second = await insertBranch(m.db, a, 'GZ02');
  await grant(a, 'manager', 'COMPANY_MANAGER', a.companyId, null);
  await grant(a, 'handler', 'HANDLER', a.companyId, a.branchId);
  const manager = await repo.grantsOf(a.tenantId, a.users.manager);
  expect(manager?.grants).toEqual([{ role: 'COMPANY_MANAGER', companyId: a.companyId, branchId: null }]);
  expect(new Set(manager?.companyBranchIds)).toEqual(new Set([a.branchId, second]));
  const handler = await repo.grantsOf(a.tenantId, a.users.handler);
  expect(handler).toEqual({ grants: [{ role: 'HANDLER', companyId: a.companyId, branchId: a.branchId }], companyBranchIds: [] });
  expect(await repo.grantsOf(a.tenantId, a.users.nobody)).toEqual({ grants: [], companyBranchIds: [] });
});

it("never answers for another tenant's user, and refuses an empty tenant", async () => {
  expect(await repo.grantsOf(a.tenantId, b.users.other)).toBeNull();
  expect(await repo.grantsOf(b.tenantId, a.users.manager)).toBeNull();
  expect(await thrown(() => repo.grantsOf('', a.users.manager))).toBeInstanceOf(MissingTenantError);
});

it('reads in one tenant transaction whose setting ends with it, and treats a subject that is not an id as no user', async () => {
  await grant(b, 'other', 'HEAD_OFFICE', null, null);
  expect(await repo.grantsOf(b.tenantId, "x' OR true --")).toBeNull();
  expect(await repo.grantsOf(b.tenantId, 'not-a-uuid')).toBeNull();
  // Whichever pooled connection the next query gets: no tenant left set, no transaction left open.
  for (let i = 0; i < 3; i++) {
    expect((await repo.grantsOf(b.tenantId, b.users.other))?.grants).toEqual([{ role: 'HEAD_OFFICE', companyId: null, branchId: null }]);
    const [{ tenant, open }] = await m.app.query(`SELECT current_setting('app.tenant_id', true) AS tenant, now() <> statement_timestamp() AS open`);
    expect(tenant ?? '').toBe('');
    expect(open).toBe(false);
  }
});
