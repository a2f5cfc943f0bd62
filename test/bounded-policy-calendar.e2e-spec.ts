import { MAX_BUSINESS_DEADLINE_DAYS, MAX_CALENDAR_DEADLINE_DAYS } from '../libs/domain/src/policy/policy-duration.util';
import { MAX_DAYS_WITHOUT_WORK } from '../libs/domain/src/calendar/calendar-validation.util';
import { formatLocalDate, parseLocalDate } from '../libs/domain/src/calendar/zoned-time.util';
import { COMPLAINT_FIELDS, Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack } from './support/stack';

// Issue 7: a huge duration or an all-holiday calendar used to be accepted and then wedge the
// worker or every complaint of the branch. They are refused at the edge, with the field named,
// nothing stored, and every tenant keeps working.

const SET_POLICY = `mutation($o: JSON!) { setPolicy(overrides: $o) { id policyVersion policy } }`;
const SET_CALENDAR = `mutation($b: ID!, $c: BranchCalendarInput!) { setBranchCalendar(branchId: $b, calendar: $c) { id calendar { timezone workingHours { weekday start end } holidays makeUpWorkdays } } }`;
const WITH_CALENDAR = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) {
  ${COMPLAINT_FIELDS} branch { id calendar { timezone workingHours { weekday start end } holidays makeUpWorkdays } } } }`;

const days = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let d = parseLocalDate(from); d <= parseLocalDate(to); d++) out.push(formatLocalDate(d));
  return out;
};

const CALENDAR = {
  timezone: 'Asia/Shanghai',
  workingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '18:00' })),
  holidays: ['2026-10-01', '2026-10-02'],
  makeUpWorkdays: ['2026-10-10'],
};

describe('bounded policies and calendars (issue 7)', () => {
  let stack: Stack;
  let g: Group;
  let neighbour: Group;

  beforeAll(async () => {
    stack = await Stack.start('bounded_policy_calendar');
    g = await provisionGroup(stack, 'Bounded Group', 'pm-branch', 'BP01');
    neighbour = await provisionGroup(stack, 'Neighbour Group', 'vanke-sh', 'NB01');
  });
  afterAll(() => stack?.stop());

  const storedPolicy = async (tenantId: string): Promise<{ current: number; versions: number }> => {
    const [row] = await stack.db.query(
      `SELECT t.current_policy_version AS current, (SELECT count(*)::int FROM policy_versions v WHERE v.tenant_id = t.id) AS versions
         FROM tenants t WHERE t.id = $1`,
      [tenantId],
    );
    return row;
  };
  const storedCalendar = async (branchId: string): Promise<unknown> =>
    (await stack.db.query(`SELECT calendar FROM branches WHERE id = $1`, [branchId]))[0].calendar;

  it('accepts a policy and a calendar at the bounds', async () => {
    const t = (await stack.ok(SET_POLICY, {
      o: { deadlines: { REPORT: { after: `P${MAX_BUSINESS_DEADLINE_DAYS}D` }, CALLBACK: { after: `P${MAX_CALENDAR_DEADLINE_DAYS}D` } } },
    }, g.tokens.headOffice)).setPolicy;
    expect(t.policy.deadlines.REPORT).toEqual({ after: 'P90D', businessTime: true });
    expect(t.policy.deadlines.CALLBACK).toEqual({ after: 'P366D', businessTime: false });
    expect(await storedPolicy(g.tenantId)).toEqual({ current: t.policyVersion, versions: t.policyVersion });
    const b = (await stack.ok(SET_CALENDAR, { b: g.branchId, c: CALENDAR }, g.tokens.headOffice)).setBranchCalendar;
    expect(b.calendar).toEqual(CALENDAR);
  });

  it.each([
    ['CUSTOMER_REPLY', { after: 'P5000000D', businessTime: true }, /at most P90D/],
    ['CALLBACK', { after: 'P1Y', businessTime: true }, /years, months or weeks/],
    ['RESOLUTION', { after: 'P300000Y' }, /at most P366D/],
  ])('refuses %s %j with BAD_USER_INPUT naming its path, and stores nothing', async (kind, rule, message) => {
    const before = await storedPolicy(g.tenantId);
    const r = await stack.gql(SET_POLICY, { o: { deadlines: { [kind]: rule } } }, g.tokens.headOffice);
    expect(r.data).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(r.errors![0].extensions.fields).toEqual([{ field: `overrides.deadlines.${kind}.after`, message: expect.stringMatching(message) }]);
    expect(await storedPolicy(g.tenantId)).toEqual(before);
  });

  it('refuses holidays covering every day of 2026–2029, naming the field, and keeps the calendar', async () => {
    const before = await storedCalendar(g.branchId);
    expect(before).toEqual(CALENDAR);
    const r = await stack.gql(SET_CALENDAR, { b: g.branchId, c: { ...CALENDAR, holidays: days('2026-01-01', '2029-12-31'), makeUpWorkdays: [] } }, g.tokens.headOffice);
    expect(r.data).toBeNull();
    expect(r.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const fields = r.errors![0].extensions.fields!;
    expect(fields.length).toBeGreaterThan(0);
    for (const f of fields) {
      expect(f.field).toBe('calendar.holidays');
      expect(f.message.length).toBeGreaterThan(0);
    }
    expect(await storedCalendar(g.branchId)).toEqual(before);
  });

  it(`refuses a stretch of more than ${MAX_DAYS_WITHOUT_WORK} days without working time, and keeps the calendar`, async () => {
    const before = await storedCalendar(g.branchId);
    // Mon 2027-03-01 … Fri 2027-04-02 off: with the weekends around it, 37 days without work.
    const r = await stack.gql(SET_CALENDAR, { b: g.branchId, c: { ...CALENDAR, holidays: days('2027-03-01', '2027-04-02') } }, g.tokens.branchManager);
    expect(r.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(r.errors![0].extensions.fields).toEqual([{
      field: 'calendar.holidays',
      message: expect.stringContaining('2027-02-27 to 2027-04-04 is 37 consecutive days without working time: at most 31'),
    }]);
    expect(await storedCalendar(g.branchId)).toEqual(before);
  });

  it('the refused inputs leave the platform up: both tenants\' complaints are accepted and scheduled normally', async () => {
    const { current } = await storedPolicy(g.tenantId);
    const mine = (await stack.ok(WITH_CALENDAR, { input: complaintInput(g.branchId, 'after-refusals') }, g.tokens.dispatcher)).submitComplaint;
    expect(mine.status).toBe('RECEIVED');
    expect(mine.reference).toMatch(/^BP01-\d{4}-\d{6}$/);
    expect(mine.policyVersion).toBe(current);
    expect(mine.branch.calendar).toEqual(CALENDAR);
    expect(mine.deadlines.map((d: { kind: string }) => d.kind)).toEqual(expect.arrayContaining(['FORWARD', 'CUSTOMER_REPLY', 'RESOLUTION', 'WHOLE_PROCESS']));
    for (const d of mine.deadlines as { dueAt: string; breachedAt: string | null }[]) {
      expect(Number.isFinite(Date.parse(d.dueAt))).toBe(true);
      expect(d.breachedAt).toBeNull();
    }

    const theirs = (await stack.ok(SUBMIT, { input: complaintInput(neighbour.branchId, 'neighbour-after-refusals') }, neighbour.tokens.dispatcher)).submitComplaint;
    expect(theirs.status).toBe('RECEIVED');
    expect(theirs.reference).toMatch(/^NB01-\d{4}-\d{6}$/);
    expect(theirs.policyVersion).toBe(1);

    // And the workflows keep taking actions: dispatch the first tenant's complaint.
    const dispatched = (await stack.ok(`mutation($id: ID!, $a: ID!) { dispatchComplaint(id: $id, assigneeId: $a) { status deadlines { kind metAt } } }`,
      { id: mine.id, a: g.handler }, g.tokens.dispatcher)).dispatchComplaint;
    expect(dispatched.status).toBe('DISPATCHED');
    expect(dispatched.deadlines.find((d: { kind: string }) => d.kind === 'FORWARD').metAt).not.toBeNull();
  });
});
