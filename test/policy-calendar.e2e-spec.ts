import { Client, Connection } from '@temporalio/client';
import { DEADLINE_KINDS } from '../libs/domain/src/enums';
import { localDate } from '../libs/domain/src/calendar/zoned-time.util';
import { weeklyReviewScheduleId } from '../workflows/shared/schedules';
import { COMPLAINT_FIELDS, Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack, eventually, temporalAddress } from './support/stack';

const act = (mutation: string, args: string) => `mutation { ${mutation}(${args}) { ${COMPLAINT_FIELDS} } }`;
const SET_POLICY = `mutation($o: JSON!) { setPolicy(overrides: $o) { id policyVersion policy } }`;
const SET_CALENDAR = `mutation($b: ID!, $c: BranchCalendarInput!) { setBranchCalendar(branchId: $b, calendar: $c) { id timezone calendar { timezone workingHours { weekday start end } holidays makeUpWorkdays } } }`;
const ALL_DAY = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));

type Deadline = { kind: string; dueAt: string; metAt: string | null; breachedAt: string | null };
const deadline = (c: { deadlines: Deadline[] }, kind: string): Deadline => {
  const d = c.deadlines.find((x) => x.kind === kind);
  if (!d) throw new Error(`no ${kind} deadline in ${JSON.stringify(c.deadlines)}`);
  return d;
};

describe('per-tenant policy and business calendars', () => {
  let stack: Stack;
  let g: Group;
  let contractor: string;

  beforeAll(async () => {
    stack = await Stack.start('policy_calendar');
    g = await provisionGroup(stack, 'Policy Group', 'pm-branch', 'PC01');
    contractor = (await stack.ok(`mutation($r: [RoleAssignmentInput!]!) { createUser(name: "Lift Contractor Ltd", roles: $r) { id } }`, { r: [{ role: 'CONTRACTOR', branchId: g.branchId }] }, g.tokens.headOffice)).createUser.id;
  });
  afterAll(() => stack?.stop());

  const get = async (id: string) => (await stack.ok(`query { complaint(id: "${id}") { ${COMPLAINT_FIELDS} } }`, {}, g.tokens.headOffice)).complaint;

  it('stores a validated override as a new version; running complaints keep theirs', async () => {
    const before = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'pv-before') }, g.tokens.dispatcher)).submitComplaint;
    expect(before.policyVersion).toBe(1);
    const t = (await stack.ok(SET_POLICY, { o: { deadlines: { CUSTOMER_REPLY: { after: 'PT12H' } }, callback: { requiredFor: 'VALID' } } }, g.tokens.headOffice)).setPolicy;
    expect(t.policyVersion).toBe(2);
    expect(t.policy.deadlines.CUSTOMER_REPLY).toEqual({ after: 'PT12H', businessTime: false });
    expect(t.policy.deadlines.CALLBACK.after).toBe('P2D');
    expect(t.policy.callback.requiredFor).toBe('VALID');

    const after = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'pv-after') }, g.tokens.dispatcher)).submitComplaint;
    expect(after.policyVersion).toBe(2);
    const hours = (c: { receivedAt?: string; deadlines: Deadline[] }, received: number) => (Date.parse(deadline(c, 'CUSTOMER_REPLY').dueAt) - received) / 3600_000;
    expect(Math.round(hours(after, Date.now()))).toBe(12);
    expect(Math.round(hours(await get(before.id), Date.now()))).toBe(24);
  });

  it('rejects unknown keys and bad values, naming the JSON path of each, and keeps the version', async () => {
    const r = await stack.gql(SET_POLICY, { o: { deadlines: { CALLBAK: { after: 'P1D' }, CALLBACK: { after: 'two days' } }, severity: { collectiveHouseholdsMajor: -1 }, colour: 'red' } }, g.tokens.headOffice);
    expect(r.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const fields = r.errors![0].extensions.fields!.map((f) => f.field).sort();
    expect(fields).toEqual(['overrides.colour', 'overrides.deadlines.CALLBACK.after', 'overrides.deadlines.CALLBAK', 'overrides.severity.collectiveHouseholdsMajor']);
    const tenant = await stack.ok(`mutation { setPolicy(overrides: {}) { policyVersion } }`, {}, g.tokens.headOffice);
    expect(tenant.setPolicy.policyVersion).toBe(3);
    const denied = await stack.gql(SET_POLICY, { o: {} }, g.tokens.branchManager);
    expect(denied.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it('validates a branch calendar field by field', async () => {
    const r = await stack.gql(SET_CALENDAR, {
      b: g.branchId,
      c: { timezone: 'Mars/Olympus', workingHours: [{ weekday: 8, start: '09:00', end: '18:00' }, { weekday: 1, start: '18:00', end: '09:00' }], holidays: ['2026-02-30'], makeUpWorkdays: [] },
    }, g.tokens.branchManager);
    expect(r.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const fields = r.errors![0].extensions.fields!.map((f) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['calendar.timezone', 'calendar.workingHours.0.weekday', 'calendar.workingHours.1.end', 'calendar.holidays.0']));
    expect(fields.some((f) => f.startsWith('calendar.workingHours.1'))).toBe(true);
    const other = await stack.gql(SET_CALENDAR, { b: g.branchId, c: { timezone: 'Asia/Shanghai', workingHours: ALL_DAY } }, g.tokens.otherBranchManager);
    expect(other.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  /** Waits until every calendar propagation of the branch has been started and has finished. */
  async function propagationsDone(tenantId: string, branchId: string): Promise<void> {
    const connection = await Connection.connect({ address: temporalAddress() });
    try {
      const client = new Client({ connection });
      const prefix = `calendar-propagation/${tenantId}/${branchId}/`;
      await eventually(async () => {
        const statuses: string[] = [];
        for await (const w of client.workflow.list({ query: `WorkflowType = 'calendarPropagationWorkflow'` })) {
          if (w.workflowId.startsWith(prefix)) statuses.push(w.status.name);
        }
        return statuses.length > 0 && statuses.every((s) => s !== 'RUNNING') ? true : undefined;
      });
    } finally {
      await connection.close();
    }
  }

  it('moves the open deadlines of running complaints when a holiday is declared late', async () => {
    const branch = (await stack.ok(`mutation($c: ID!) { createBranch(companyId: $c, code: "CAL01", name: "Calendar Estate") { id } }`, { c: g.companyId }, g.tokens.headOffice)).createBranch.id;
    await stack.ok(SET_CALENDAR, { b: branch, c: { timezone: 'Asia/Shanghai', workingHours: ALL_DAY } }, g.tokens.headOffice);
    const c = (await stack.ok(SUBMIT, { input: complaintInput(branch, 'cal-1') }, g.tokens.headOffice)).submitComplaint;
    const forward = deadline(c, 'FORWARD');
    // Open all day: forwarding is due 30 working minutes after receipt.
    expect(Date.parse(forward.dueAt) - Date.now()).toBeLessThanOrEqual(30 * 60_000);
    expect(Date.parse(forward.dueAt) - Date.now()).toBeGreaterThan(29 * 60_000);
    const customerReply = deadline(c, 'CUSTOMER_REPLY');
    // The scenario is a holiday declared while complaints run, after the first calendar's propagation is
    // over. (Two propagations of one branch running at once may deliver out of order, the older last:
    // a known gap, not what this test is about.)
    await propagationsDone(g.tenantId, branch);

    const today = localDate(Date.now(), 'Asia/Shanghai');
    const b = (await stack.ok(SET_CALENDAR, { b: branch, c: { timezone: 'Asia/Shanghai', workingHours: ALL_DAY, holidays: [today] } }, g.tokens.headOffice)).setBranchCalendar;
    expect(b.calendar.holidays).toEqual([today]);

    await eventually(async () => {
      const now = await get(c.id);
      // The first calendar's propagation may reach the complaint after its intake and record a change of its
      // own (even one that reschedules FORWARD within today): wait for the holiday's, which moves FORWARD off today.
      const holidayChange = (e: { type: string; data: { rescheduled?: { kind: string; to: string }[] } }): boolean =>
        e.type === 'CALENDAR_CHANGED' && (e.data.rescheduled ?? []).some((r) => r.kind === 'FORWARD' && localDate(Date.parse(r.to), 'Asia/Shanghai') !== today);
      return now.timeline.some(holidayChange) ? now : undefined;
    });
    // Read again: one response reads the complaint's row and then its timeline, so the one that saw the
    // event may hold the row from just before that change was written.
    const moved = await get(c.id);
    const newForward = deadline(moved, 'FORWARD');
    // Today became a holiday, so the complaint now counts as received off-hours: 1 h after work starts at midnight.
    expect(localDate(Date.parse(newForward.dueAt), 'Asia/Shanghai')).not.toBe(today);
    expect(new Date(newForward.dueAt).toISOString().slice(11, 16)).toBe('17:00'); // 01:00 +08:00
    // Calendar-time deadlines do not move.
    expect(deadline(moved, 'CUSTOMER_REPLY').dueAt).toBe(customerReply.dueAt);
    const event = moved.timeline.find((e: { type: string; data: { rescheduled?: { kind: string }[] } }) =>
      e.type === 'CALENDAR_CHANGED' && (e.data.rescheduled ?? []).some((r) => r.kind === 'FORWARD'));
    expect(event.data.rescheduled).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'FORWARD', from: forward.dueAt, to: newForward.dueAt })]));
  });

  it('runs every deadline kind as a timer that leaves a trace when it fires unmet', async () => {
    const short = Object.fromEntries(DEADLINE_KINDS.map((k) => [k, { after: 'PT2S', businessTime: false, rule: null, offHoursAfter: null }]));
    await stack.ok(SET_POLICY, { o: { deadlines: short } }, g.tokens.headOffice);
    // Undispatched: its forward clock runs out.
    const idle = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'all-idle') }, g.tokens.dispatcher)).submitComplaint;
    // A major repair handed to a contractor who is slow at every step.
    const repair = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'all-repair', { kind: 'REPAIR', householdsAffected: 5 }) }, g.tokens.dispatcher)).submitComplaint;
    expect(repair.severity).toBe('MAJOR');
    await stack.ok(act('dispatchComplaint', `id: "${repair.id}", assigneeId: "${contractor}"`), {}, g.tokens.dispatcher);
    const breachedKinds = async (id: string): Promise<string[]> =>
      (await get(id)).timeline.filter((e: { type: string }) => e.type === 'DEADLINE_BREACHED').map((e: { data: { kind: string } }) => e.data.kind);
    await eventually(async () => ((await breachedKinds(repair.id)).includes('CONTRACTOR_CONTACT') ? true : undefined), 15_000);
    const contractorToken = stack.token(contractor, g.tenantId);
    const acked = (await stack.ok(act('acknowledgeComplaint', `id: "${repair.id}"`), {}, contractorToken)).acknowledgeComplaint;
    expect(deadline(acked, 'CONTRACTOR_CONTACT').metAt).not.toBeNull();
    await eventually(async () => ((await breachedKinds(repair.id)).includes('PROGRESS_REPLY') ? true : undefined), 15_000);
    await stack.ok(act('resolveComplaint', `id: "${repair.id}", resolution: "Replaced the pump", customerSigned: true`), {}, contractorToken);
    await eventually(async () => ((await breachedKinds(repair.id)).includes('CALLBACK') ? true : undefined), 15_000);

    const kinds = new Set([...(await breachedKinds(repair.id)), ...(await eventually(async () => {
      const k = await breachedKinds(idle.id);
      return k.includes('FORWARD') ? k : undefined;
    }, 15_000))]);
    expect([...kinds].sort()).toEqual([...DEADLINE_KINDS].sort());

    const final = await get(repair.id);
    for (const e of final.timeline.filter((x: { type: string }) => x.type === 'DEADLINE_BREACHED')) {
      expect(['BRANCH_MANAGER', 'ASSIGNEE', 'COMPANY_GM']).toContain(e.data.notify);
      expect(e.actor).toBe('system');
    }
    const report = final.timeline.find((e: { type: string; data: { kind: string } }) => e.type === 'DEADLINE_BREACHED' && e.data.kind === 'REPORT');
    expect(report.data).toMatchObject({ notify: 'COMPANY_GM', task: 'SPECIAL_REPORT' });
    // Met late is still met, and shows it.
    const lateAck = final.timeline.find((e: { type: string; data: { kind: string } }) => e.type === 'DEADLINE_MET' && e.data.kind === 'ACKNOWLEDGE');
    expect(lateAck.data.late).toBe(true);
    const overdue = (await stack.ok(`query { complaints(filter: { overdue: true, text: "lift" }) { edges { node { id } } } }`, {}, g.tokens.headOffice)).complaints;
    expect(overdue.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(expect.arrayContaining([idle.id, repair.id]));
  });

  it('keeps a major complaint open for its special report before archiving it', async () => {
    await stack.ok(SET_POLICY, { o: {} }, g.tokens.headOffice);
    const c = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'special-1', { householdsAffected: 6, mediaExposure: true }) }, g.tokens.dispatcher)).submitComplaint;
    expect(c.severity).toBe('MAJOR');
    expect(c.deadlines.map((d: Deadline) => d.kind)).toContain('REPORT');
    await stack.ok(act('dispatchComplaint', `id: "${c.id}", assigneeId: "${g.handler}"`), {}, g.tokens.dispatcher);
    await stack.ok(act('acknowledgeComplaint', `id: "${c.id}"`), {}, g.tokens.handler);
    await stack.ok(act('resolveComplaint', `id: "${c.id}", resolution: "Water restored"`), {}, g.tokens.handler);
    await stack.ok(act('recordCallback', `id: "${c.id}", method: PHONE, satisfied: true`), {}, g.tokens.dispatcher);
    const waiting = await eventually(async () => {
      const x = await get(c.id);
      return x.timeline.some((e: { type: string }) => e.type === 'SPECIAL_REPORT_REQUIRED') ? x : undefined;
    });
    expect(waiting.status).toBe('ANALYSIS_PENDING');
    const r = (await stack.ok(`mutation { submitSpecialReport(id: "${c.id}", whatHappened: "Main valve burst", rootCause: "Aged pipe", preventiveMeasures: "Replace risers by Q2") { status specialReport { rootCause submittedBy { id } } deadlines { kind metAt } } }`, {}, g.tokens.branchManager)).submitSpecialReport;
    expect(r.specialReport).toEqual({ rootCause: 'Aged pipe', submittedBy: { id: g.branchManager } });
    expect(r.deadlines.find((d: { kind: string }) => d.kind === 'REPORT').metAt).not.toBeNull();
    await eventually(async () => ((await get(c.id)).status === 'CLOSED' ? true : undefined));

    const general = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'special-general') }, g.tokens.dispatcher)).submitComplaint;
    const refused = await stack.gql(`mutation { submitSpecialReport(id: "${general.id}", whatHappened: "a", rootCause: "b", preventiveMeasures: "c") { id } }`, {}, g.tokens.branchManager);
    expect(refused.errors?.[0].extensions.code).toBe('INVALID_TRANSITION');
  });

  it("takes the customer's own deadline when it is earlier than the policy's (pm-branch resolution)", async () => {
    const own = new Date(Date.now() + 5 * 3600_000).toISOString();
    const c = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'own-deadline', { customerDeadline: own }) }, g.tokens.dispatcher)).submitComplaint;
    expect(Date.parse(deadline(c, 'RESOLUTION').dueAt)).toBe(Date.parse(own));
    const bad = await stack.gql(SUBMIT, { input: complaintInput(g.branchId, 'own-deadline-bad', { customerDeadline: new Date(Date.now() - 3600_000).toISOString() }) }, g.tokens.dispatcher);
    expect(bad.errors?.[0].extensions.fields?.[0].field).toBe('input.customerDeadline');
  });

  it("reviews last week's open complaints every Monday on the tenant's schedule", async () => {
    const old = new Date(Date.now() - 8 * 24 * 3600_000).toISOString();
    const stale = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'stale-1', { receivedAt: old }) }, g.tokens.dispatcher)).submitComplaint;
    const connection = await Connection.connect({ address: temporalAddress() });
    try {
      const client = new Client({ connection });
      const schedule = client.schedule.getHandle(weeklyReviewScheduleId(g.tenantId));
      const described = await schedule.describe();
      expect(described.spec.calendars?.[0]).toMatchObject({ dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY' }], hour: [{ start: 9, end: 9 }] });
      await schedule.trigger();
    } finally {
      await connection.close();
    }
    const review = await eventually(async () => {
      const r = (await stack.ok(`query { weeklyReviews { weekStart openCount overdueCount byBranch complaintIds } }`, {}, g.tokens.headOffice)).weeklyReviews;
      return r.length ? r[0] : undefined;
    });
    expect(review.complaintIds).toContain(stale.id);
    expect(review.openCount).toBe(review.complaintIds.length);
    expect(review.byBranch.PC01.open).toBeGreaterThanOrEqual(1);
    const denied = await stack.gql(`query { weeklyReviews { weekStart } }`, {}, g.tokens.dispatcher);
    expect(denied.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});
