/** TenantScopedRepository against the real PostgreSQL: no query without a tenant, no row of another tenant. */
import { randomUUID } from 'crypto';
import { CompanyEntity, ComplaintEntity } from '../../libs/persistence/src/entities';
import { MissingTenantError, TenantScopedRepository } from '../../libs/persistence/src/tenant-scoped.repository';
import { ComplaintActivitiesService } from '../../apps/worker/src/activities/complaint.activities';
import { MediumDatabase, SeededOrganisation, insertOrganisation, openDatabase, registerArgs } from './medium-support';

let m: MediumDatabase;
let a: SeededOrganisation;
let b: SeededOrganisation;
let companies: TenantScopedRepository<CompanyEntity>;
let complaints: TenantScopedRepository<ComplaintEntity>;
let complaintOfA: string;
let complaintOfB: string;

beforeAll(async () => {
  m = await openDatabase('medium_tenant_scoped');
  a = await insertOrganisation(m.db, { branchCode: 'TA01', users: ['a-first'] });
  b = await insertOrganisation(m.db, { branchCode: 'TB01', users: ['b-first'] });
  companies = new TenantScopedRepository(m.app, CompanyEntity);
  complaints = new TenantScopedRepository(m.app, ComplaintEntity);
  const activities = new ComplaintActivitiesService(m.app);
  const ra = registerArgs(a, { idempotencyKey: 'same-key' });
  const rb = registerArgs(b, { idempotencyKey: 'same-key' });
  await activities.registerComplaint(ra);
  await activities.registerComplaint(rb);
  complaintOfA = ra.complaintId;
  complaintOfB = rb.complaintId;
});
afterAll(async () => {
  await m?.close();
});

/** A call's outcome as a promise, whether it throws at once or rejects later. */
const attempt = <T>(fn: () => Promise<T>): Promise<T> => Promise.resolve().then(fn);

describe('TenantScopedRepository', () => {
  it.each(['', '   ', undefined as unknown as string, null as unknown as string])('refuses tenant id %p on every call, before touching the database', async (tenantId) => {
    await expect(attempt(() => companies.find(tenantId))).rejects.toBeInstanceOf(MissingTenantError);
    await expect(attempt(() => companies.findOne(tenantId, { id: a.companyId }))).rejects.toBeInstanceOf(MissingTenantError);
    await expect(attempt(() => companies.count(tenantId))).rejects.toBeInstanceOf(MissingTenantError);
    await expect(attempt(() => companies.read(tenantId, 'c', (qb) => qb.getMany()))).rejects.toBeInstanceOf(MissingTenantError);
    await expect(attempt(() => companies.insert(tenantId, { id: randomUUID(), name: 'Sneaky', createdAt: new Date() }))).rejects.toBeInstanceOf(MissingTenantError);
    expect(await m.db.query(`SELECT count(*)::int AS n FROM companies WHERE name = 'Sneaky'`)).toEqual([{ n: 0 }]);
  });

  it('never returns another tenant’s row, whatever the predicate names', async () => {
    expect(await companies.findOne(a.tenantId, { id: b.companyId })).toBeNull();
    expect((await companies.findOne(a.tenantId, { id: a.companyId }))?.tenantId).toBe(a.tenantId);
    // An OR of predicates, one of them naming B's row: each branch of the OR carries the tenant.
    const either = await companies.find(a.tenantId, [{ id: b.companyId }, { id: a.companyId }]);
    expect(either.map((c) => c.id)).toEqual([a.companyId]);
    // The same idempotency key in two tenants: each sees its own complaint only.
    const byKey = await complaints.find(a.tenantId, { idempotencyKey: 'same-key' });
    expect(byKey.map((c) => c.id)).toEqual([complaintOfA]);
    expect(await complaints.findOne(a.tenantId, { id: complaintOfB })).toBeNull();
    expect(await complaints.count(b.tenantId)).toBe(1);
    // The query builder starts from the tenant predicate, and an added OR cannot escape it.
    const viaBuilder = await complaints.read(a.tenantId, 'c', (qb) => qb.andWhere('(c.id = :x OR c.id = :y)', { x: complaintOfA, y: complaintOfB }).getMany());
    expect(viaBuilder.map((c) => c.id)).toEqual([complaintOfA]);
  });

  it('refuses an undefined value in a predicate (TypeORM would drop it and widen the query)', async () => {
    await expect(attempt(() => complaints.find(a.tenantId, { id: undefined }))).rejects.toThrow(/undefined value for "id"/);
    await expect(attempt(() => complaints.findOne(a.tenantId, { id: undefined }))).rejects.toThrow(/undefined value/);
  });

  it('inserts under the given tenant, whatever the entity says', async () => {
    const id = randomUUID();
    const row = await companies.insert(a.tenantId, { id, name: 'New Co', tenantId: b.tenantId, createdAt: new Date() } as never);
    expect(row.tenantId).toBe(a.tenantId);
    expect(await m.db.query(`SELECT tenant_id FROM companies WHERE id = $1`, [id])).toEqual([{ tenant_id: a.tenantId }]);
    expect(await companies.findOne(b.tenantId, { id })).toBeNull();
  });

  it('readOnce gives what read gives, in one snapshot, and stays inside the tenant', async () => {
    const viaRead = await complaints.read(a.tenantId, 'c', (qb) => qb.getMany());
    const once = await complaints.readOnce(a.tenantId, 'c', (qb) => ({ rows: qb.addSelect(`upper(c.reference)`, 'shout'), countOf: qb.clone(), countAtMost: 10 }));
    expect(once.entities).toEqual(viaRead);
    expect(once.entities[0]).toBeInstanceOf(ComplaintEntity);
    expect(once.entities[0].receivedAt).toBeInstanceOf(Date);
    expect(once.raw[0].shout).toBe(viaRead[0].reference.toUpperCase());
    expect(once.count).toBe(1);
    // An OR naming B's row, and values that need quoting, cannot leave tenant A.
    const escaped = await complaints.readOnce(a.tenantId, 'c', (qb) => ({
      rows: qb.andWhere('(c.id IN (:...ids) OR c.description = :d)', { ids: [complaintOfA, complaintOfB], d: "x' OR '1'='1" }),
    }));
    expect(escaped.entities.map((c) => c.id)).toEqual([complaintOfA]);
    expect(escaped.count).toBeUndefined();
    await expect(attempt(() => complaints.readOnce('', 'c', (qb) => ({ rows: qb })))).rejects.toBeInstanceOf(MissingTenantError);
    await expect(attempt(() => companies.readOnce(a.tenantId, 'co', (qb) => ({ rows: qb.leftJoin('branches', 'b', 'b.company_id = co.id') }))))
      .rejects.toThrow(/plain select/);
  });
});
