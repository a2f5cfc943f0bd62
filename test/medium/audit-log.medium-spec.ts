/**
 * The audit log against the real PostgreSQL: append-only for everyone (the owner included), the
 * application role may append and read its own tenant's entries only, and the audit service pages
 * and fails the way the gateway relies on.
 */
import { Logger } from '@nestjs/common';
import { randomUUID } from 'crypto';
import type { QueryRunner } from 'typeorm';
import { AuditService } from '../../apps/gateway/src/audit/services/audit.service';
import type { Principal, RoleGrant } from '../../apps/gateway/src/auth/principal';
import { ErrorCode } from '../../apps/gateway/src/common/app-error';
import { complaintScope, organisationScope } from '../../libs/domain/src/permissions/permission.util';
import { MediumDatabase, SeededOrganisation, insertOrganisation, openDatabase, thrown } from './medium-support';

let m: MediumDatabase;
let a: SeededOrganisation;
let b: SeededOrganisation;
let audit: AuditService;

/** A tenant user's principal, its reach worked out by the permission module as authentication does. */
const principal = (tenantId: string, userId: string, roles: RoleGrant[]): Principal => ({
  userId, tenantId, platformAdmin: false, roles, ...organisationScope({ roles }), complaintScope: complaintScope({ roles }),
});
const headOffice = (org: SeededOrganisation, userId: string): Principal =>
  principal(org.tenantId, userId, [{ role: 'HEAD_OFFICE', companyId: null, branchId: null }]);

/** Inserts an entry as the owner (row-level security does not apply to it); returns its id. */
async function ownerInsert(tenantId: string, action: string, at?: string): Promise<string> {
  const [row] = await m.db.query(
    `INSERT INTO audit_log (tenant_id, actor_id, action, record_type, record_id, outcome, at)
     VALUES ($1, 'seed', $2, 'Complaint', $3, 'OK', COALESCE($4::timestamptz, now())) RETURNING id`,
    [tenantId, action, randomUUID(), at ?? null],
  );
  return String(row.id);
}

/**
 * Runs `work` as the application role with `tenantId` set, as every gateway and worker transaction
 * does (the owner's connection, SET ROLE inside the transaction); commits, or rolls back on failure.
 */
async function asApplication<T>(tenantId: string, work: (q: QueryRunner) => Promise<T>): Promise<T> {
  const q = m.db.createQueryRunner();
  await q.connect();
  await q.startTransaction();
  try {
    await q.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
    await q.query(`SET LOCAL ROLE complaint_app`);
    const result = await work(q);
    await q.commitTransaction();
    return result;
  } catch (err) {
    await q.rollbackTransaction();
    throw err;
  } finally {
    await q.release();
  }
}

const countOf = async (tenantId: string): Promise<number> =>
  (await m.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1`, [tenantId]))[0].n;

beforeAll(async () => {
  m = await openDatabase('medium_audit_log');
  a = await insertOrganisation(m.db, { branchCode: 'AL01', users: ['head'] });
  b = await insertOrganisation(m.db, { branchCode: 'AL02', users: ['head'] });
  audit = new AuditService(m.app);
});
afterAll(async () => {
  await m?.close();
});

describe('audit_log in the database', () => {
  // Every refused statement is also logged by the query logger (SQL text only): expected here.
  beforeEach(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('refuses UPDATE, DELETE and TRUNCATE even to the owner of the table', async () => {
    const id = await ownerInsert(a.tenantId, 'withdrawComplaint');
    const [owner] = await m.db.query(`SELECT tableowner = current_user AS owns FROM pg_tables WHERE tablename = 'audit_log'`);
    expect(owner.owns).toBe(true);
    const before = await countOf(a.tenantId);
    await expect(m.db.query(`UPDATE audit_log SET outcome = 'FORBIDDEN' WHERE id = $1`, [id])).rejects.toThrow('audit_log is append-only');
    await expect(m.db.query(`DELETE FROM audit_log WHERE id = $1`, [id])).rejects.toThrow('audit_log is append-only');
    await expect(m.db.query(`TRUNCATE audit_log`)).rejects.toThrow('audit_log is append-only');
    expect(await countOf(a.tenantId)).toBe(before);
    expect(await m.db.query(`SELECT outcome FROM audit_log WHERE id = $1`, [id])).toEqual([{ outcome: 'OK' }]);
  });

  it("lets the application role append to and read its tenant's log, and nothing more", async () => {
    const inserted: { id: string }[] = await asApplication(a.tenantId, (q) => q.query(
      `INSERT INTO audit_log (tenant_id, actor_id, action, record_type, outcome) VALUES ($1, 'app-user', 'createCompany', 'Company', 'OK') RETURNING id`,
      [a.tenantId],
    ));
    expect(inserted).toHaveLength(1);
    const id = String(inserted[0].id);
    expect(await m.db.query(`SELECT actor_id, details FROM audit_log WHERE id = $1`, [id])).toEqual([{ actor_id: 'app-user', details: {} }]);

    await expect(asApplication(a.tenantId, (q) => q.query(`UPDATE audit_log SET outcome = 'X' WHERE id = $1`, [id]))).rejects.toThrow(/permission denied/);
    await expect(asApplication(a.tenantId, (q) => q.query(`DELETE FROM audit_log WHERE id = $1`, [id]))).rejects.toThrow(/permission denied/);
    await expect(asApplication(a.tenantId, (q) => q.query(`TRUNCATE audit_log`))).rejects.toThrow(/permission denied/);
    // Not into another tenant's log, and not without a tenant.
    await expect(asApplication(a.tenantId, (q) => q.query(
      `INSERT INTO audit_log (tenant_id, actor_id, action, record_type, outcome) VALUES ($1, 'app-user', 'createCompany', 'Company', 'OK')`,
      [b.tenantId],
    ))).rejects.toThrow(/row-level security/);
    await ownerInsert(b.tenantId, 'createBranch');
    const seen: { tenant_id: string }[] = await asApplication(a.tenantId, (q) => q.query(`SELECT DISTINCT tenant_id FROM audit_log`));
    expect(seen).toEqual([{ tenant_id: a.tenantId }]);
    expect(await asApplication('', (q) => q.query(`SELECT count(*)::int AS n FROM audit_log`))).toEqual([{ n: 0 }]);
    expect(await m.db.query(`SELECT outcome FROM audit_log WHERE id = $1`, [id])).toEqual([{ outcome: 'OK' }]);
  });
});

describe('AuditService (as the application role)', () => {
  it('pages newest first with exact cursors, even for entries within one millisecond', async () => {
    // Microseconds apart, and two at the very same instant: a cursor holding a JavaScript Date
    // (milliseconds) would skip or repeat some of these.
    const instants = ['2030-01-01T00:00:00.123456Z', '2030-01-01T00:00:00.123999Z', '2030-01-01T00:00:00.123001Z', '2030-01-01T00:00:00.123456Z', '2030-01-01T00:00:00.124000Z'];
    for (const at of instants) await ownerInsert(a.tenantId, 'MICRO', at);
    const expected: { id: string }[] = await m.db.query(`SELECT id::text AS id FROM audit_log WHERE tenant_id = $1 AND action = 'MICRO' ORDER BY at DESC, id DESC`, [a.tenantId]);

    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page = await audit.page(headOffice(a, a.users.head), { action: 'MICRO' }, 2, after);
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected.map((r) => r.id));
    // Another tenant's head office finds nothing, whatever cursor it is handed.
    const other = await audit.page(headOffice(b, b.users.head), { action: 'MICRO' }, 50, null);
    expect(other.edges).toEqual([]);
    const withCursorOfA = await audit.page(headOffice(b, b.users.head), null, 50, after);
    expect(withCursorOfA.edges).toEqual([]);
  });

  it('records a mutation and the roles it granted, as they were stored', async () => {
    const user = randomUUID();
    await m.db.query(`INSERT INTO users (id, tenant_id, name) VALUES ($1, $2, '李四')`, [user, a.tenantId]);
    await m.db.query(`INSERT INTO role_assignments (tenant_id, user_id, role, company_id, branch_id) VALUES ($1, $2, 'HANDLER', $3, $4)`, [a.tenantId, user, a.companyId, a.branchId]);
    const p = headOffice(a, a.users.head);
    await audit.mutation(p, { name: 'createUser', returnType: 'User', args: { name: '李四', roles: [{ role: 'HANDLER', branchId: a.branchId }] } }, { ok: true, result: { id: user, name: '李四' } });
    const rows = await m.db.query(`SELECT actor_id, action, record_type, record_id, outcome, details FROM audit_log WHERE record_id = $1 ORDER BY id`, [user]);
    expect(rows).toEqual([
      { actor_id: a.users.head, action: 'createUser', record_type: 'User', record_id: user, outcome: 'OK', details: { fields: ['name', 'roles[].branchId', 'roles[].role'], ids: {} } },
      {
        actor_id: a.users.head, action: 'ROLE_GRANTED', record_type: 'User', record_id: user, outcome: 'OK',
        details: { userId: user, role: 'HANDLER', companyId: a.companyId, branchId: a.branchId, roleAssignmentId: expect.any(String) },
      },
    ]);
    expect(JSON.stringify(rows)).not.toContain('李四');
  });

  it('does not fail a mutation whose entry cannot be written, but raises an ALERT without personal data', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    // The refused INSERT is also logged by the query logger (SQL text only): expected here.
    const queryLog = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      // A principal of a tenant that does not exist: the entry's foreign key refuses it.
      const ghost = principal(randomUUID(), a.users.head, [{ role: 'HEAD_OFFICE', companyId: null, branchId: null }]);
      const complaintId = randomUUID();
      await expect(audit.mutation(ghost, { name: 'withdrawComplaint', returnType: 'Complaint', args: { id: complaintId, reason: '王先生 changed his mind', requestId: 'req-42' } }, { ok: true, result: { id: complaintId } })).resolves.toBeUndefined();
      const lines = errors.mock.calls.map((c) => String(c[0]));
      const alert = lines.find((l) => l.startsWith('ALERT'));
      expect(alert).toContain(`record=Complaint:${complaintId}`);
      expect(alert).toContain('request=req-42');
      expect(alert).toContain('(23503)');
      expect(alert).not.toContain('王先生');
    } finally {
      errors.mockRestore();
      queryLog.mockRestore();
    }
  });

  it('fails a complaint read by the head office when its entry cannot be written (UNAVAILABLE)', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    // The refused INSERT is also logged by the query logger (SQL text only): expected here.
    const queryLog = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const ghostTenant = randomUUID();
      const ghost = principal(ghostTenant, a.users.head, [{ role: 'HEAD_OFFICE', companyId: null, branchId: null }]);
      const err = await thrown(() => audit.complaintRead(ghost, { id: randomUUID(), tenantId: ghostTenant, branchId: a.branchId, companyId: a.companyId }));
      expect((err as { code?: string }).code).toBe(ErrorCode.UNAVAILABLE);
      // A branch's own staff reading it is not a head-office read: nothing to write, nothing to fail.
      const dispatcher = principal(ghostTenant, a.users.head, [{ role: 'DISPATCHER', companyId: a.companyId, branchId: a.branchId }]);
      await expect(audit.complaintRead(dispatcher, { id: randomUUID(), tenantId: ghostTenant, branchId: a.branchId, companyId: a.companyId })).resolves.toBeUndefined();
    } finally {
      errors.mockRestore();
      queryLog.mockRestore();
    }
  });
});
