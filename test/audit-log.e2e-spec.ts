import { Logger } from '@nestjs/common';
import { Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack } from './support/stack';

interface Entry {
  id: string;
  at: string;
  actorId: string;
  action: string;
  recordType: string;
  recordId: string | null;
  outcome: string;
  requestId: string | null;
  details: Record<string, any>;
}

const AUDIT = `query($filter: AuditFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id at actorId action recordType recordId outcome requestId details } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('the audit log', () => {
  let stack: Stack;
  let a: Group;
  let b: Group;
  let complaintId: string;

  /** Every entry of the caller's log matching `filter`, newest first (all pages). */
  async function entries(token: string, filter: Record<string, unknown> = {}, first = 200): Promise<Entry[]> {
    const out: Entry[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const page: any = (await stack.ok(AUDIT, { filter, first, after }, token)).auditLog;
      out.push(...page.edges.map((e: { node: Entry }) => e.node));
      if (!page.pageInfo.hasNextPage) return out;
      after = page.pageInfo.endCursor;
    }
    throw new Error('more pages than expected');
  }

  beforeAll(async () => {
    stack = await Stack.start('audit_log');
    a = await provisionGroup(stack, 'Audit Group A', 'pm-branch', 'AU01');
    b = await provisionGroup(stack, 'Audit Group B', 'pm-branch', 'AU01');
    complaintId = (await stack.ok(SUBMIT, { input: complaintInput(a.branchId, 'audit-1') }, a.tokens.dispatcher)).submitComplaint.id;
  });
  afterAll(() => stack?.stop());

  it('records provisioning by the platform operator and every role granted, without names', async () => {
    const [provisioned] = await entries(a.tokens.headOffice, { action: 'createTenant' });
    expect(provisioned).toMatchObject({ actorId: 'platform-operator', recordType: 'Tenant', recordId: a.tenantId, outcome: 'OK' });
    expect(provisioned.details.fields).toEqual(['headOfficeName', 'name', 'policyPreset']);

    const grants = await entries(a.tokens.headOffice, { action: 'ROLE_GRANTED' });
    const byUser = new Map(grants.map((g) => [g.recordId, g]));
    expect(byUser.get(a.headOffice)).toMatchObject({
      actorId: 'platform-operator', recordType: 'User', outcome: 'OK',
      details: { userId: a.headOffice, role: 'HEAD_OFFICE', companyId: null, branchId: null },
    });
    // A branch grant is recorded as stored: with its branch's company filled in.
    expect(byUser.get(a.dispatcher)).toMatchObject({
      actorId: a.headOffice, details: { userId: a.dispatcher, role: 'DISPATCHER', companyId: a.companyId, branchId: a.branchId },
    });
    expect(byUser.get(a.otherBranchManager)?.details).toMatchObject({ role: 'BRANCH_MANAGER', branchId: a.otherBranchId });
    expect(grants).toHaveLength(5);

    const created = await entries(a.tokens.headOffice, { action: 'createUser' });
    expect(created.map((e) => e.recordId).sort()).toEqual([a.dispatcher, a.handler, a.branchManager, a.otherBranchManager].sort());
    expect(created.every((e) => e.actorId === a.headOffice && e.recordType === 'User' && e.outcome === 'OK')).toBe(true);

    const all = JSON.stringify(await entries(a.tokens.headOffice));
    for (const name of ['Coordination Centre', 'Audit Group A', 'Dispatcher Li', 'Property Services Co.', 'Riverside Estate']) expect(all).not.toContain(name);
  });

  it('records each mutation with its actor, record, outcome and request id, but no personal data', async () => {
    const [submitted] = await entries(a.tokens.headOffice, { action: 'submitComplaint' });
    expect(submitted).toMatchObject({ actorId: a.dispatcher, recordType: 'Complaint', recordId: complaintId, outcome: 'OK', requestId: null });
    expect(submitted.details.fields).toEqual(expect.arrayContaining(['input.complainant.name', 'input.complainant.phone', 'input.description']));
    expect(submitted.details.ids).toEqual({ 'input.branchId': a.branchId });

    await stack.ok(
      `mutation { dispatchComplaint(id: "${complaintId}", assigneeId: "${a.handler}", note: "Ring 13900001111 first", requestId: "audit-dispatch-1") { id } }`,
      {}, a.tokens.dispatcher,
    );
    const [dispatched] = await entries(a.tokens.headOffice, { action: 'dispatchComplaint', recordId: complaintId });
    expect(dispatched).toMatchObject({
      actorId: a.dispatcher, recordType: 'Complaint', recordId: complaintId, outcome: 'OK', requestId: 'audit-dispatch-1',
      details: { fields: ['assigneeId', 'id', 'note', 'requestId'], ids: { assigneeId: a.handler } },
    });
    const log = JSON.stringify(await entries(a.tokens.headOffice, { recordId: complaintId }));
    for (const personal of ['张女士', '13800138000', '13900001111', '3-1202', '电梯']) expect(log).not.toContain(personal);
  });

  it('records a refused mutation with its error code', async () => {
    const refused = await stack.gql(`mutation { createCompany(name: "Shadow Co.") { id } }`, {}, a.tokens.branchManager);
    expect(refused.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const [forbidden] = await entries(a.tokens.headOffice, { action: 'createCompany', actorId: a.branchManager });
    expect(forbidden).toMatchObject({ recordType: 'Company', recordId: null, outcome: 'FORBIDDEN' });

    // Out of the caller's reach: NOT_FOUND, recorded against the complaint it named.
    const hidden = await stack.gql(`mutation { withdrawComplaint(id: "${complaintId}", reason: "not mine") { id } }`, {}, a.tokens.otherBranchManager);
    expect(hidden.errors?.[0].extensions.code).toBe('NOT_FOUND');
    const [notFound] = await entries(a.tokens.headOffice, { action: 'withdrawComplaint', actorId: a.otherBranchManager });
    expect(notFound).toMatchObject({ recordType: 'Complaint', recordId: complaintId, outcome: 'NOT_FOUND' });

    // Malformed input never reached a record: not logged (anyone could otherwise write a row per bad request).
    const malformed = await stack.gql(`mutation { createCompany(name: "   ") { id } }`, {}, a.tokens.branchManager);
    expect(malformed.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(await entries(a.tokens.headOffice, { action: 'createCompany', actorId: a.branchManager })).toHaveLength(1);
  });

  it('records the head office, or a company manager through the company, reading a complaint', async () => {
    const before = await entries(a.tokens.headOffice, { action: 'COMPLAINT_READ', recordId: complaintId });
    const read = await stack.ok(`query { complaint(id: "${complaintId}") { id complainant { name } } }`, {}, a.tokens.headOffice);
    expect(read.complaint.id).toBe(complaintId);
    const after = await entries(a.tokens.headOffice, { action: 'COMPLAINT_READ', recordId: complaintId });
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]).toMatchObject({
      actorId: a.headOffice, recordType: 'Complaint', outcome: 'OK', details: { via: 'HEAD_OFFICE', branchId: a.branchId, companyId: a.companyId },
    });

    const manager = (await stack.ok(
      `mutation($r: [RoleAssignmentInput!]!) { createUser(name: "Company Manager Sun", roles: $r) { id } }`,
      { r: [{ role: 'COMPANY_MANAGER', companyId: a.companyId }] }, a.tokens.headOffice,
    )).createUser.id;
    await stack.ok(`query { complaint(id: "${complaintId}") { id } }`, {}, stack.token(manager, a.tenantId));
    const [byManager] = await entries(a.tokens.headOffice, { action: 'COMPLAINT_READ', actorId: manager });
    expect(byManager).toMatchObject({ recordId: complaintId, details: { via: 'COMPANY_MANAGER' } });
    const [grant] = await entries(a.tokens.headOffice, { action: 'ROLE_GRANTED', recordId: manager });
    expect(grant.details).toMatchObject({ role: 'COMPANY_MANAGER', companyId: a.companyId, branchId: null });

    // The branch's own staff at work is not a head-office read.
    await stack.ok(`query { complaint(id: "${complaintId}") { id } }`, {}, a.tokens.branchManager);
    expect(await entries(a.tokens.headOffice, { action: 'COMPLAINT_READ', actorId: a.branchManager })).toEqual([]);
  });

  it("shows a head office its own group's log only", async () => {
    const mine = await entries(b.tokens.headOffice);
    expect(mine.length).toBeGreaterThan(0);
    const aIds = new Set([a.tenantId, a.headOffice, a.dispatcher, a.handler, a.branchManager, a.otherBranchManager, a.companyId, a.branchId, complaintId]);
    for (const e of mine) {
      expect(aIds.has(e.actorId)).toBe(false);
      expect(aIds.has(e.recordId ?? '')).toBe(false);
    }
    expect(await entries(b.tokens.headOffice, { recordId: complaintId })).toEqual([]);
    expect(await entries(b.tokens.headOffice, { actorId: a.dispatcher })).toEqual([]);
    // A cursor from group A's log leads nowhere in group B's.
    const aPage = (await stack.ok(AUDIT, { first: 1 }, a.tokens.headOffice)).auditLog;
    const bPage = (await stack.ok(AUDIT, { first: 5, after: aPage.pageInfo.endCursor }, b.tokens.headOffice)).auditLog;
    expect(bPage.edges).toEqual([]);
  });

  it('is for the head office only', async () => {
    for (const token of [a.tokens.branchManager, a.tokens.dispatcher, a.tokens.handler, stack.platformToken()]) {
      const r = await stack.gql(AUDIT, {}, token);
      expect(r.errors?.[0].extensions.code).toBe('FORBIDDEN');
      expect(r.data).toBeNull();
    }
  });

  it('pages newest first with stable cursors, filters by time, and names the field of a bad input', async () => {
    const all = await entries(a.tokens.headOffice);
    const inThrees = await entries(a.tokens.headOffice, {}, 3);
    expect(inThrees.map((e) => e.id)).toEqual(all.map((e) => e.id));
    const times = all.map((e) => Date.parse(e.at));
    expect([...times].sort((x, y) => y - x)).toEqual(times);

    const later = await entries(a.tokens.headOffice, { from: all[2].at });
    expect(later.length).toBeGreaterThanOrEqual(3);
    expect(later.every((e) => Date.parse(e.at) >= Date.parse(all[2].at))).toBe(true);
    const earlier = await entries(a.tokens.headOffice, { to: all[all.length - 1].at });
    expect(earlier).toEqual([]);

    const bad: [Record<string, unknown>, string][] = [
      [{ first: 0 }, 'first'],
      [{ first: 201 }, 'first'],
      [{ after: 'not-a-cursor' }, 'after'],
      [{ filter: { actorId: 'has spaces' } }, 'filter.actorId'],
      [{ filter: { recordId: 'x'.repeat(129) } }, 'filter.recordId'],
      [{ filter: { action: 'drop table;' } }, 'filter.action'],
      [{ filter: { from: '1900-01-01T00:00:00Z' } }, 'filter.from'],
      [{ filter: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } }, 'filter.to'],
    ];
    for (const [variables, field] of bad) {
      const r = await stack.gql(AUDIT, variables, a.tokens.headOffice);
      expect({ variables, code: r.errors?.[0].extensions.code, fields: r.errors?.[0].extensions.fields?.map((f) => f.field) })
        .toEqual({ variables, code: 'BAD_USER_INPUT', fields: [field] });
    }
  });

  it('keeps a mutation whose entry cannot be written (ALERT logged), and refuses an unaudited read', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    // The refused INSERTs are also logged by the query logger (SQL text only): expected here.
    const queryLog = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await stack.db.query(`REVOKE INSERT ON audit_log FROM complaint_app`);
    try {
      const withdrawn = await stack.ok(
        `mutation { withdrawComplaint(id: "${complaintId}", reason: "王先生 resolved it himself", requestId: "audit-withdraw-1") { id status } }`,
        {}, a.tokens.dispatcher,
      );
      expect(withdrawn.withdrawComplaint.status).toBe('WITHDRAWN');
      const alert = errors.mock.calls.map((c) => String(c[0])).find((l) => l.startsWith('ALERT') && l.includes('withdrawComplaint'));
      expect(alert).toContain(`record=Complaint:${complaintId}`);
      expect(alert).toContain('request=audit-withdraw-1');
      expect(alert).not.toContain('王先生');

      const read = await stack.gql(`query { complaint(id: "${complaintId}") { id complainant { name phone } } }`, {}, a.tokens.headOffice);
      expect(read.errors?.[0].extensions.code).toBe('UNAVAILABLE');
      expect(read.data?.complaint ?? null).toBeNull();
      expect(JSON.stringify(read)).not.toContain('张女士');
    } finally {
      await stack.db.query(`GRANT INSERT ON audit_log TO complaint_app`);
      errors.mockRestore();
      queryLog.mockRestore();
    }
    const again = await stack.ok(`query { complaint(id: "${complaintId}") { status } }`, {}, a.tokens.headOffice);
    expect(again.complaint.status).toBe('WITHDRAWN');
    expect(await entries(a.tokens.headOffice, { action: 'withdrawComplaint', actorId: a.dispatcher })).toEqual([]);
  });
});
