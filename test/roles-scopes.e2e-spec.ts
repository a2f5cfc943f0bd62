import { Client, Connection } from '@temporalio/client';
import { weeklyReviewScheduleId } from '../workflows/shared/schedules';
import { Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack, eventually, temporalAddress } from './support/stack';

// One group with two companies: Guangzhou (branches GZ01 and GZ01B, from the fixture) and Shenzhen
// (SZ01). Each role's view of the same complaints, and the three holes a tester found.
const IDS = `query { complaints(first: 100) { totalCount edges { node { id } } } }`;
const QUEUE = `query { myQueue(first: 100) { totalCount edges { node { id } } } }`;
const DETAIL = `query($id: ID!) {
  complaint(id: $id) {
    id status description location demand customerDeadline satisfied matterId specialReport { rootCause }
    complainant { name phone unit } deadlines { kind } assignee { id } firstContactOwner { id }
    timeline { seq type data }
    branch { code company { name branches { code } } }
  }
}`;
const CREATE_USER = `mutation($n: String!, $r: [RoleAssignmentInput!]!) { createUser(name: $n, roles: $r) { id roles { role companyId branchId } } }`;
const REVIEWS = `query { weeklyReviews { weekStart openCount overdueCount byBranch complaintIds } }`;
const act = (mutation: string, args: string): string => `mutation { ${mutation}(${args}) { id status demand timeline { seq } } }`;

describe('roles and scopes, enforced in one place', () => {
  let stack: Stack;
  let g: Group;
  let szCompanyId: string;
  let szBranchId: string;
  const user: Record<string, string> = {};
  const token: Record<string, string> = {};
  const c: Record<string, string> = {};

  const ids = async (t: string, query = IDS): Promise<string[]> => {
    const data = await stack.ok(query, {}, t);
    const conn = data.complaints ?? data.myQueue;
    return conn.edges.map((e: { node: { id: string } }) => e.node.id).sort();
  };
  const sorted = (...xs: string[]): string[] => [...xs].sort();
  const usersNamed = async (name: string): Promise<number> =>
    Number((await stack.db.query(`SELECT count(*)::int AS n FROM users WHERE tenant_id = $1 AND name = $2`, [g.tenantId, name]))[0].n);

  beforeAll(async () => {
    stack = await Stack.start('roles_scopes');
    g = await provisionGroup(stack, 'Pearl River Group', 'pm-branch', 'GZ01');
    const ho = g.tokens.headOffice;
    szCompanyId = (await stack.ok(`mutation { createCompany(name: "Shenzhen Property Co.") { id } }`, {}, ho)).createCompany.id;
    szBranchId = (await stack.ok(`mutation($c: ID!) { createBranch(companyId: $c, code: "SZ01", name: "Bay Towers") { id } }`, { c: szCompanyId }, ho)).createBranch.id;
    const create = async (key: string, role: string, scope: { companyId?: string; branchId?: string }): Promise<void> => {
      user[key] = (await stack.ok(CREATE_USER, { n: key, r: [{ role, ...scope }] }, ho)).createUser.id;
      token[key] = stack.token(user[key], g.tenantId);
    };
    await create('gzManager', 'COMPANY_MANAGER', { companyId: g.companyId });
    await create('szManager', 'COMPANY_MANAGER', { companyId: szCompanyId });
    await create('szDispatcher', 'DISPATCHER', { branchId: szBranchId });
    await create('idleHandler', 'HANDLER', { branchId: g.branchId });
    await create('contractor', 'CONTRACTOR', { branchId: g.branchId });

    const old = new Date(Date.now() - 8 * 24 * 3600_000).toISOString();
    const soon = new Date(Date.now() + 3 * 24 * 3600_000).toISOString();
    const submit = async (key: string, branchId: string, t: string, extra: Record<string, unknown> = {}): Promise<void> => {
      c[key] = (await stack.ok(SUBMIT, { input: complaintInput(branchId, key, extra) }, t)).submitComplaint.id;
    };
    // Received last week and still open: in Monday's review.
    await submit('gzOpen', g.branchId, g.tokens.dispatcher, { receivedAt: old });
    await submit('szOpen', szBranchId, token.szDispatcher, { receivedAt: old });
    await submit('gzHandler', g.branchId, g.tokens.dispatcher);
    await submit('gzRepair', g.branchId, g.tokens.dispatcher, { kind: 'REPAIR', customerDeadline: soon });
    await submit('gzOther', g.otherBranchId, g.tokens.otherBranchManager);
    await stack.ok(act('dispatchComplaint', `id: "${c.gzHandler}", assigneeId: "${g.handler}"`), {}, g.tokens.dispatcher);
    await stack.ok(act('dispatchComplaint', `id: "${c.gzRepair}", assigneeId: "${user.contractor}"`), {}, g.tokens.dispatcher);
  });
  afterAll(() => stack?.stop());

  describe('bug: weeklyReviews ignored scope', () => {
    it('gives a Shenzhen company manager only Shenzhen\'s branches and complaints, recounted', async () => {
      const connection = await Connection.connect({ address: temporalAddress() });
      try {
        await new Client({ connection }).schedule.getHandle(weeklyReviewScheduleId(g.tenantId)).trigger();
      } finally {
        await connection.close();
      }
      const whole = await eventually(async () => {
        const r = (await stack.ok(REVIEWS, {}, g.tokens.headOffice)).weeklyReviews;
        return r.length ? r[0] : undefined;
      });
      // The head office sees the stored review whole: both cities.
      expect(whole.complaintIds).toEqual(expect.arrayContaining([c.gzOpen, c.szOpen]));
      expect(Object.keys(whole.byBranch).sort()).toEqual(['GZ01', 'SZ01']);
      expect(whole.openCount).toBe(2);

      const sz = (await stack.ok(REVIEWS, {}, token.szManager)).weeklyReviews[0];
      expect(sz.weekStart).toBe(whole.weekStart);
      expect(Object.keys(sz.byBranch)).toEqual(['SZ01']);
      expect(sz.complaintIds).toEqual([c.szOpen]);
      expect(sz.openCount).toBe(1);
      expect(sz.overdueCount).toBe(sz.byBranch.SZ01.overdue);

      const gz = (await stack.ok(REVIEWS, {}, token.gzManager)).weeklyReviews[0];
      expect(Object.keys(gz.byBranch)).toEqual(['GZ01']);
      expect(gz.complaintIds).toEqual([c.gzOpen]);
      expect(gz.openCount).toBe(1);

      for (const t of [g.tokens.branchManager, g.tokens.dispatcher, g.tokens.handler, token.contractor]) {
        expect((await stack.gql(REVIEWS, {}, t)).errors?.[0].extensions.code).toBe('FORBIDDEN');
      }
    });
  });

  describe('bug: a branch manager could mint a higher role', () => {
    it('refuses a company manager grant shaped for their branch, as bad input naming the field', async () => {
      const r = await stack.gql(CREATE_USER, { n: 'Minted', r: [{ role: 'COMPANY_MANAGER', companyId: g.companyId, branchId: g.branchId }] }, g.tokens.branchManager);
      expect(r.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0].extensions.fields).toEqual([{ field: 'roles.0.branchId', message: expect.stringContaining('no branchId') }]);
      expect(await usersNamed('Minted')).toBe(0);
    });

    it('refuses a well-shaped grant that ranks above the grantor, naming the role', async () => {
      const r = await stack.gql(CREATE_USER, { n: 'Minted', r: [{ role: 'COMPANY_MANAGER', companyId: g.companyId }] }, g.tokens.branchManager);
      expect(r.errors?.[0].extensions.code).toBe('FORBIDDEN');
      expect(r.errors?.[0].extensions.fields?.[0].field).toBe('roles.0.role');
      const headOffice = await stack.gql(CREATE_USER, { n: 'Minted', r: [{ role: 'HEAD_OFFICE' }] }, token.gzManager);
      expect(headOffice.errors?.[0].extensions.fields?.[0].field).toBe('roles.0.role');
      expect(headOffice.errors?.[0].extensions.code).toBe('FORBIDDEN');
      expect(await usersNamed('Minted')).toBe(0);
    });

    it('keeps every grant inside the grantor\'s scope, and the grantor\'s blind spots NOT_FOUND', async () => {
      // The company the branch manager works in is known to them: FORBIDDEN, naming companyId.
      const companyWide = await stack.gql(CREATE_USER, { n: 'Firm', r: [{ role: 'CONTRACTOR', companyId: g.companyId }] }, g.tokens.branchManager);
      expect(companyWide.errors?.[0].extensions.code).toBe('FORBIDDEN');
      expect(companyWide.errors?.[0].extensions.fields?.[0].field).toBe('roles.0.companyId');
      // Shenzhen's branch, to a Guangzhou manager: not theirs to know.
      const elsewhere = await stack.gql(CREATE_USER, { n: 'Sneaky', r: [{ role: 'DISPATCHER', branchId: szBranchId }] }, token.gzManager);
      expect(elsewhere.errors?.[0].extensions.code).toBe('NOT_FOUND');
      const dispatcherGrants = await stack.gql(CREATE_USER, { n: 'Sneaky', r: [{ role: 'HANDLER', branchId: g.branchId }] }, g.tokens.dispatcher);
      expect(dispatcherGrants.errors?.[0].extensions.code).toBe('FORBIDDEN');
      const platform = await stack.gql(CREATE_USER, { n: 'Sneaky', r: [{ role: 'PLATFORM_ADMIN' }] }, g.tokens.headOffice);
      expect(platform.errors?.[0].extensions.fields?.[0].field).toBe('roles.0.role');
      expect(await usersNamed('Sneaky')).toBe(0);
      // Within their branch and rank, a branch manager still staffs it.
      const staffed = (await stack.ok(CREATE_USER, {
        n: 'New Staff', r: [{ role: 'BRANCH_MANAGER', branchId: g.branchId }, { role: 'HANDLER', branchId: g.branchId }, { role: 'CONTRACTOR', branchId: g.branchId }],
      }, g.tokens.branchManager)).createUser;
      expect(staffed.roles.map((r: { role: string; companyId: string }) => [r.role, r.companyId]).sort()).toEqual(
        [['BRANCH_MANAGER', g.companyId], ['CONTRACTOR', g.companyId], ['HANDLER', g.companyId]],
      );
    });
  });

  describe('bug: a contractor or an idle handler read the whole branch', () => {
    it('shows a handler with nothing assigned no complaint at all', async () => {
      expect(await ids(token.idleHandler)).toEqual([]);
      expect(await ids(token.idleHandler, QUEUE)).toEqual([]);
      const r = await stack.gql(DETAIL, { id: c.gzOpen }, token.idleHandler);
      expect(r.errors?.[0].extensions.code).toBe('NOT_FOUND');
      const search = await stack.ok(`query { complaints(filter: { text: "张女士" }) { totalCount } }`, {}, token.idleHandler);
      expect(search.complaints.totalCount).toBe(0);
    });

    it('shows the assigned handler only theirs, whole', async () => {
      expect(await ids(g.tokens.handler)).toEqual([c.gzHandler]);
      const mine = (await stack.ok(DETAIL, { id: c.gzHandler }, g.tokens.handler)).complaint;
      expect(mine.demand).toBe('Repair it this week');
      expect(mine.timeline.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['RECEIVED', 'DISPATCHED']));
      // Not theirs, in their own branch: not found; neither can they act on it.
      expect((await stack.gql(DETAIL, { id: c.gzOpen }, g.tokens.handler)).errors?.[0].extensions.code).toBe('NOT_FOUND');
      const dispatch = await stack.gql(act('dispatchComplaint', `id: "${c.gzOpen}", assigneeId: "${g.handler}"`), {}, g.tokens.handler);
      expect(dispatch.errors?.[0].extensions.code).toBe('NOT_FOUND');
    });

    it('shows a contractor only the job dispatched to it, with what booking the visit needs', async () => {
      expect(await ids(token.contractor)).toEqual([c.gzRepair]);
      expect(await ids(token.contractor, QUEUE)).toEqual([c.gzRepair]);
      const job = (await stack.ok(DETAIL, { id: c.gzRepair }, token.contractor)).complaint;
      expect(job).toMatchObject({
        description: expect.stringContaining('lift'), location: 'Building 3, lobby',
        complainant: { name: '张女士', phone: '13800138000', unit: '3-1202' },
        assignee: { id: user.contractor },
        // Withheld: the customer's demand and deadline, verdicts, reports, internal notes.
        demand: null, customerDeadline: null, satisfied: null, matterId: null, specialReport: null, timeline: [],
      });
      expect(job.deadlines.length).toBeGreaterThan(0);
      // Staff see the same complaint whole.
      const full = (await stack.ok(DETAIL, { id: c.gzRepair }, g.tokens.dispatcher)).complaint;
      expect(full.demand).toBe('Repair it this week');
      expect(full.customerDeadline).not.toBeNull();
      expect(full.timeline.length).toBeGreaterThan(0);

      for (const other of [c.gzOpen, c.gzHandler, c.szOpen]) {
        expect([other, (await stack.gql(DETAIL, { id: other }, token.contractor)).errors?.[0].extensions.code]).toEqual([other, 'NOT_FOUND']);
      }
      // Its own job: it knows the complaint exists, so a right it lacks is FORBIDDEN.
      const withdraw = await stack.gql(act('withdrawComplaint', `id: "${c.gzRepair}", reason: "not our job"`), {}, token.contractor);
      expect(withdraw.errors?.[0].extensions.code).toBe('FORBIDDEN');
      // What it may do, it does, and the answer stays redacted.
      const acked = (await stack.ok(act('acknowledgeComplaint', `id: "${c.gzRepair}"`), {}, token.contractor)).acknowledgeComplaint;
      expect(acked).toMatchObject({ status: 'IN_PROGRESS', demand: null, timeline: [] });
    });
  });

  describe('each role\'s view', () => {
    it('head office: the whole group', async () => {
      expect(await ids(g.tokens.headOffice)).toEqual(sorted(c.gzOpen, c.szOpen, c.gzHandler, c.gzRepair, c.gzOther));
    });

    it('company manager: their company', async () => {
      expect(await ids(token.gzManager)).toEqual(sorted(c.gzOpen, c.gzHandler, c.gzRepair, c.gzOther));
      expect(await ids(token.szManager)).toEqual([c.szOpen]);
      expect((await stack.gql(DETAIL, { id: c.gzOpen }, token.szManager)).errors?.[0].extensions.code).toBe('NOT_FOUND');
    });

    it('branch manager and dispatcher: their branch', async () => {
      const gz01 = sorted(c.gzOpen, c.gzHandler, c.gzRepair);
      expect(await ids(g.tokens.branchManager)).toEqual(gz01);
      expect(await ids(g.tokens.dispatcher)).toEqual(gz01);
      expect(await ids(g.tokens.otherBranchManager)).toEqual([c.gzOther]);
      expect(await ids(token.szDispatcher)).toEqual([c.szOpen]);
    });

    it('the organisation: staff their reach, a handler or contractor their own branch', async () => {
      const branchesSeenBy = async (t: string, id: string): Promise<string[]> =>
        (await stack.ok(DETAIL, { id }, t)).complaint.branch.company.branches.map((b: { code: string }) => b.code);
      expect(await branchesSeenBy(g.tokens.headOffice, c.gzOpen)).toEqual(['GZ01', 'GZ01B']);
      expect(await branchesSeenBy(token.gzManager, c.gzOpen)).toEqual(['GZ01', 'GZ01B']);
      expect(await branchesSeenBy(g.tokens.branchManager, c.gzOpen)).toEqual(['GZ01']);
      expect(await branchesSeenBy(g.tokens.handler, c.gzHandler)).toEqual(['GZ01']);
      expect(await branchesSeenBy(token.contractor, c.gzRepair)).toEqual(['GZ01']);
      const tenant = (await stack.ok(`mutation($o: JSON!) { setPolicy(overrides: $o) { companies { name branches { code } } } }`, { o: {} }, g.tokens.headOffice)).setPolicy;
      expect(tenant.companies.map((x: { branches: { code: string }[] }) => x.branches.map((b) => b.code))).toEqual([['GZ01', 'GZ01B'], ['SZ01']]);
    });

    it('platform operator: no tenant data at all', async () => {
      const op = stack.platformToken();
      for (const q of [IDS, QUEUE, REVIEWS]) expect((await stack.gql(q, {}, op)).errors?.[0].extensions.code).toBe('FORBIDDEN');
      expect((await stack.gql(DETAIL, { id: c.gzOpen }, op)).errors?.[0].extensions.code).toBe('FORBIDDEN');
      const r = await stack.gql(CREATE_USER, { n: 'Operator Pick', r: [{ role: 'HEAD_OFFICE' }] }, op);
      expect(r.errors?.[0].extensions.code).toBe('FORBIDDEN');
    });
  });
});
