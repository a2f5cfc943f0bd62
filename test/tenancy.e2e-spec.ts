import { COMPLAINT_FIELDS, Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack } from './support/stack';

describe('tenancy and role scope', () => {
  let stack: Stack;
  let a: Group;
  let b: Group;
  let aComplaint: string;

  beforeAll(async () => {
    stack = await Stack.start('tenancy');
    a = await provisionGroup(stack, 'Group A', 'pm-branch', 'AA01');
    b = await provisionGroup(stack, 'Group B', 'vanke-sh', 'AA01');
    aComplaint = (await stack.ok(SUBMIT, { input: complaintInput(a.branchId, 'a-1') }, a.tokens.dispatcher)).submitComplaint.id;
  });
  afterAll(() => stack?.stop());

  it("answers NOT_FOUND for another group's complaint, never FORBIDDEN", async () => {
    const r = await stack.gql(`query { complaint(id: "${aComplaint}") { id reference } }`, {}, b.tokens.headOffice);
    expect(r.errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect(r.data?.complaint ?? null).toBeNull();
    const act = await stack.gql(`mutation { withdrawComplaint(id: "${aComplaint}", reason: "x") { id } }`, {}, b.tokens.headOffice);
    expect(act.errors?.[0].extensions.code).toBe('NOT_FOUND');
    const list = (await stack.ok(`query { complaints(first: 100) { totalCount edges { node { id } } } }`, {}, b.tokens.headOffice)).complaints;
    expect(list.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(aComplaint);
    // The same key in another group is another complaint.
    const bSame = (await stack.ok(SUBMIT, { input: complaintInput(b.branchId, 'a-1') }, b.tokens.dispatcher)).submitComplaint;
    expect(bSame.id).not.toBe(aComplaint);
  });

  it("does not let a group submit into another group's branch", async () => {
    const r = await stack.gql(SUBMIT, { input: complaintInput(a.branchId, 'b-into-a') }, b.tokens.headOffice);
    expect(r.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it("limits a branch manager to their own branch; head office sees the whole group", async () => {
    const other = await stack.gql(`query { complaint(id: "${aComplaint}") { id } }`, {}, a.tokens.otherBranchManager);
    expect(other.errors?.[0].extensions.code).toBe('NOT_FOUND');
    const own = await stack.ok(`query { complaint(id: "${aComplaint}") { id branch { code company { name } } } }`, {}, a.tokens.branchManager);
    expect(own.complaint.branch.code).toBe('AA01');
    const ho = await stack.ok(`query { complaints(filter: { branchId: "${a.branchId}" }) { totalCount } }`, {}, a.tokens.headOffice);
    expect(ho.complaints.totalCount).toBeGreaterThanOrEqual(1);
    const otherList = await stack.ok(`query { complaints { totalCount } }`, {}, a.tokens.otherBranchManager);
    expect(otherList.complaints.totalCount).toBe(0);
  });

  it('keeps the platform operator out of tenant data and tenants out of provisioning', async () => {
    const r = await stack.gql(`query { complaints { totalCount } }`, {}, stack.platformToken());
    expect(r.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const t = await stack.gql(`mutation { createTenant(name: "X", policyPreset: "pm-branch", headOfficeName: "Y") { tenant { id } } }`, {}, a.tokens.headOffice);
    expect(t.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const badPreset = await stack.gql(`mutation { createTenant(name: "X", policyPreset: "lenient", headOfficeName: "Y") { tenant { id } } }`, {}, stack.platformToken());
    expect(badPreset.errors?.[0].extensions.fields?.[0].field).toBe('policyPreset');
  });

  it("does not let a branch manager create users outside their branch", async () => {
    // Another branch is outside what a branch manager sees of the organisation: NOT_FOUND, like any record out of reach.
    const r = await stack.gql(`mutation($r: [RoleAssignmentInput!]!) { createUser(name: "Sneaky", roles: $r) { id } }`, { r: [{ role: 'DISPATCHER', branchId: a.otherBranchId }] }, a.tokens.branchManager);
    expect(r.errors?.[0].extensions.code).toBe('NOT_FOUND');
    const mine = await stack.ok(`mutation($r: [RoleAssignmentInput!]!) { createUser(name: "New Dispatcher", roles: $r) { id roles { role branchId } } }`, { r: [{ role: 'DISPATCHER', branchId: a.branchId }] }, a.tokens.branchManager);
    expect(mine.createUser.roles).toEqual([{ role: 'DISPATCHER', branchId: a.branchId }]);
  });

  it('shows the group its organisation, with the default China calendar on a Shanghai branch', async () => {
    const me = await stack.ok(`query { me { id roles { role } } }`, {}, a.tokens.headOffice);
    expect(me.me.roles).toEqual([{ role: 'HEAD_OFFICE' }]);
    const branch = await stack.ok(`query { complaint(id: "${aComplaint}") { branch { timezone calendar { timezone workingHours { weekday start end } holidays(year: 2026) makeUpWorkdays(year: 2026) } } } }`, {}, a.tokens.headOffice);
    const cal = branch.complaint.branch.calendar;
    expect(cal.timezone).toBe('Asia/Shanghai');
    expect(cal.holidays).toContain('2026-10-01');
    expect(cal.makeUpWorkdays).toContain('2026-09-20');
    expect(cal.workingHours.map((w: { weekday: number }) => w.weekday)).toEqual([1, 2, 3, 4, 5]);
  });

  it('filters, searches and pages with stable cursors', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const at = new Date(Date.now() - (10 - i) * 60_000).toISOString();
      ids.push((await stack.ok(SUBMIT, { input: complaintInput(a.branchId, `page-${i}`, { receivedAt: at, description: `Paging case ${i} 噪音` }) }, a.tokens.dispatcher)).submitComplaint.id);
    }
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: any = (await stack.ok(`query($after: String) { complaints(first: 2, after: $after, filter: { text: "Paging case" }) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`, { after }, a.tokens.headOffice)).complaints;
      expect(page.totalCount).toBe(5);
      seen.push(...page.edges.map((e: { node: { id: string } }) => e.node.id));
      pages += 1;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    // Newest first, each exactly once.
    expect(seen).toEqual([...ids].reverse());
    const dispatched = await stack.ok(`query { complaints(filter: { status: [DISPATCHED], text: "Paging" }) { totalCount } }`, {}, a.tokens.headOffice);
    expect(dispatched.complaints.totalCount).toBe(0);
    const received = await stack.ok(`query { complaints(filter: { status: [RECEIVED], category: [PROPERTY_MANAGEMENT], severity: [GENERAL], text: "噪音" }) { totalCount } }`, {}, a.tokens.headOffice);
    expect(received.complaints.totalCount).toBe(5);
    const ranged = await stack.ok(`query($from: DateTime!, $to: DateTime!) { complaints(filter: { receivedFrom: $from, receivedTo: $to, text: "Paging" }) { totalCount } }`, { from: new Date(Date.now() - 9.5 * 60_000).toISOString(), to: new Date(Date.now() - 6.5 * 60_000).toISOString() }, a.tokens.headOffice);
    expect(ranged.complaints.totalCount).toBe(3);
  });

  it('returns complaint fields consistently for list and detail', async () => {
    const detail = (await stack.ok(`query { complaint(id: "${aComplaint}") { ${COMPLAINT_FIELDS} } }`, {}, a.tokens.headOffice)).complaint;
    const list = (await stack.ok(`query { complaints(filter: { text: "${detail.reference}" }) { edges { node { ${COMPLAINT_FIELDS} } } } }`, {}, a.tokens.headOffice)).complaints;
    expect(list.edges[0].node).toEqual(detail);
  });
});
