/**
 * The reports through the real stack: complaints driven through the API (submit, dispatch,
 * acknowledge, decide validity, resolve, call back satisfied and unsatisfied, an invalid one), then
 * monthlyReport, dailyReport and branchRanking show what was done; a branch manager gets only their
 * branch; another tenant gets nothing (zeros, NOT_FOUND for this tenant's branch); a handler is refused.
 */
import { localDate } from '../libs/domain/src/calendar/zoned-time.util';
import { COMPLAINT_FIELDS, Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack, eventually } from './support/stack';

const act = (mutation: string, args: string): string => `mutation { ${mutation}(${args}) { id status round } }`;

const FIGURES = `received valid invalid resolved closed processingRate timelinessRate callbackRate satisfactionRate reopenRate
  resolvedInPeriod validResolvedInPeriod calledBack callbacks satisfied reopened stagesCompleted stagesOnTime overdueOpen
  workOrdersCompleted firstTimeFixRate byCategory bySeverity from to timeZone branch { id code }`;

interface Deadline { kind: string; dueAt: string; metAt: string | null }

describe('reports over complaints handled through the API', () => {
  let stack: Stack;
  let g: Group;
  let outsider: Group;
  let month: string;
  let today: string;
  const ids: Record<string, string> = {};

  const monthly = (token: string, args = ''): Promise<any> =>
    stack.gql(`query($m: String!) { monthlyReport(month: $m${args}) { ${FIGURES} } }`, { m: month }, token);

  beforeAll(async () => {
    stack = await Stack.start('reports');
    g = await provisionGroup(stack, 'Report Group', 'pm-branch', 'RP01');
    outsider = await provisionGroup(stack, 'Outside Group', 'pm-branch', 'OX01');
    const now = Date.now();
    month = localDate(now, 'Asia/Shanghai').slice(0, 7);
    today = localDate(now, 'Asia/Shanghai');

    const submit = async (key: string, branchId = g.branchId, token = g.tokens.dispatcher): Promise<string> =>
      (await stack.ok(SUBMIT, { input: complaintInput(branchId, `reports-${key}`) }, token)).submitComplaint.id;
    const run = (token: string, mutation: string, args: string): Promise<unknown> => stack.ok(act(mutation, args), {}, token);
    const { dispatcher, handler, headOffice } = g.tokens;

    // Satisfied: resolved, called back, then closed by the workflow.
    ids.satisfied = await submit('satisfied');
    // Unsatisfied: reopened as round 2.
    ids.unsatisfied = await submit('unsatisfied');
    for (const id of [ids.satisfied, ids.unsatisfied]) {
      await run(dispatcher, 'dispatchComplaint', `id: "${id}", assigneeId: "${g.handler}"`);
      await run(handler, 'acknowledgeComplaint', `id: "${id}"`);
      await run(dispatcher, 'determineValidity', `id: "${id}", validity: VALID, responsibility: RESPONSIBLE, reason: "Our lift contract"`);
      await run(handler, 'resolveComplaint', `id: "${id}", resolution: "Lift motor replaced"`);
    }
    await run(dispatcher, 'recordCallback', `id: "${ids.satisfied}", method: PHONE, satisfied: true, comment: "Works now"`);
    await run(dispatcher, 'recordCallback', `id: "${ids.unsatisfied}", method: PHONE, satisfied: false, comment: "Still broken"`);
    // Invalid: explained and resolved.
    ids.invalid = await submit('invalid');
    await run(dispatcher, 'dispatchComplaint', `id: "${ids.invalid}", assigneeId: "${g.handler}"`);
    await run(handler, 'acknowledgeComplaint', `id: "${ids.invalid}"`);
    await run(dispatcher, 'determineValidity', `id: "${ids.invalid}", validity: INVALID, responsibility: NON_RESPONSIBLE, reason: "The developer's warranty"`);
    await run(handler, 'resolveComplaint', `id: "${ids.invalid}", resolution: "Explained the developer's warranty"`);
    // The other branch: received and dispatched only.
    ids.other = await submit('other', g.otherBranchId, headOffice);
    await run(headOffice, 'dispatchComplaint', `id: "${ids.other}", assigneeId: "${g.otherBranchManager}"`);
  }, 180_000);

  afterAll(() => stack?.stop());

  /** What was done, read back from the complaints: statuses and met deadlines. */
  async function done(): Promise<{ closed: number; stages: number; onTime: number }> {
    let closed = 0;
    let stages = 0;
    let onTime = 0;
    for (const id of Object.values(ids)) {
      const c = (await stack.ok(`query { complaint(id: "${id}") { ${COMPLAINT_FIELDS} } }`, {}, g.tokens.headOffice)).complaint;
      if (c.status === 'CLOSED') closed += 1;
      for (const d of c.deadlines as Deadline[]) {
        if (d.metAt === null) continue;
        stages += 1;
        if (Date.parse(d.metAt) <= Date.parse(d.dueAt)) onTime += 1;
      }
    }
    return { closed, stages, onTime };
  }

  it('the month\'s figures for head office are what was done', async () => {
    // The satisfied complaint closes once its analysis ran (a workflow step after the callback).
    await eventually(async () => {
      const c = (await stack.ok(`query { complaint(id: "${ids.satisfied}") { status } }`, {}, g.tokens.headOffice)).complaint;
      return c.status === 'CLOSED' ? true : undefined;
    }, 30_000, 200);
    const expected = await done();
    const f = await eventually(async () => {
      const r = (await monthly(g.tokens.headOffice)).data?.monthlyReport;
      return r && r.callbacks === 2 && r.closed === expected.closed && r.stagesCompleted === expected.stages ? r : undefined;
    }, 30_000, 200);
    expect(f).toMatchObject({
      received: 4, // three in the branch, one in the other
      valid: 2,
      invalid: 1, // the fourth is undetermined
      resolved: 2, // both valid ones were resolved (the unsatisfied one first resolved before its reopen)
      processingRate: 1,
      closed: expected.closed,
      resolvedInPeriod: 3, // the two valid and the invalid one
      reopened: 1,
      reopenRate: 1 / 3,
      validResolvedInPeriod: 2,
      calledBack: 2,
      callbackRate: 1,
      callbacks: 2,
      satisfied: 1,
      satisfactionRate: 1 / 2,
      stagesCompleted: expected.stages,
      stagesOnTime: expected.onTime,
      timelinessRate: expected.onTime / expected.stages,
      workOrdersCompleted: 0,
      firstTimeFixRate: 0,
      overdueOpen: 0,
      timeZone: 'Asia/Shanghai',
      branch: null,
    });
    expect(expected.stages).toBeGreaterThan(0);
    expect(f.byCategory.PROPERTY_MANAGEMENT).toMatchObject({ received: 4, valid: 2, resolved: 2, callbacks: 2, satisfied: 1, satisfactionRate: 0.5 });
  });

  it('the day\'s report for the branch, and the ranking of the two branches', async () => {
    const day = (await stack.ok(`query($d: String!, $b: ID) { dailyReport(date: $d, branchId: $b) { ${FIGURES} } }`, { d: today, b: g.branchId }, g.tokens.branchManager)).dailyReport;
    expect(day).toMatchObject({ received: 3, valid: 2, invalid: 1, resolved: 2, callbacks: 2, satisfied: 1, reopened: 1, branch: { id: g.branchId, code: 'RP01' } });
    const quarter = `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;
    const ranking = (await stack.ok(
      `query($p: String!) { branchRanking(period: $p) { rank bottomThree topImprover branch { id } figures { satisfactionRate received } } }`, { p: quarter }, g.tokens.headOffice,
    )).branchRanking;
    expect(ranking).toEqual([
      { rank: 1, bottomThree: false, topImprover: false, branch: { id: g.branchId }, figures: { satisfactionRate: 0.5, received: 3 } },
      { rank: 2, bottomThree: false, topImprover: false, branch: { id: g.otherBranchId }, figures: { satisfactionRate: 0, received: 1 } },
    ]);
  });

  it('a branch manager gets only their branch; another branch is NOT_FOUND', async () => {
    const mine = (await monthly(g.tokens.branchManager)).data.monthlyReport;
    expect(mine).toMatchObject({ received: 3, callbacks: 2 });
    const theirs = (await monthly(g.tokens.otherBranchManager)).data.monthlyReport;
    expect(theirs).toMatchObject({ received: 1, callbacks: 0, resolved: 0 });
    const refused = await monthly(g.tokens.branchManager, `, branchId: "${g.otherBranchId}"`);
    expect(refused.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('another tenant gets nothing: zeros, and NOT_FOUND for this tenant\'s branch', async () => {
    const zeros = (await monthly(outsider.tokens.headOffice)).data.monthlyReport;
    expect(zeros).toMatchObject({ received: 0, valid: 0, resolved: 0, callbacks: 0, stagesCompleted: 0, overdueOpen: 0, satisfactionRate: 0 });
    const refused = await monthly(outsider.tokens.headOffice, `, branchId: "${g.branchId}"`);
    expect(refused.errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect(refused.data).toBeNull();
    const day = await stack.gql(`query($d: String!, $b: ID) { dailyReport(date: $d, branchId: $b) { received } }`, { d: today, b: g.branchId }, outsider.tokens.headOffice);
    expect(day.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('a handler is FORBIDDEN; a bad month names the field', async () => {
    const refused = await monthly(g.tokens.handler);
    expect(refused.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const bad = await stack.gql(`query { monthlyReport(month: "2026-13") { received } }`, {}, g.tokens.headOffice);
    expect(bad.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0].extensions.fields?.[0].field).toBe('month');
  });
});
