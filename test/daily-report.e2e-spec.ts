import { Client, Connection } from '@temporalio/client';
import { addDaysToLocalDate, localDate } from '../libs/domain/src/calendar/zoned-time.util';
import { tenantOfWorkflowId } from '../workflows/shared/ids';
import { dailyReportScheduleId } from '../workflows/shared/schedules';
import { Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { GqlResponse, Stack, eventually } from './support/stack';
import { temporalAddress } from './support/test-env';

// The daily complaint report with read receipts (003 八.1) through the real stack: the branch's
// schedule (made when the branch was created, at the policy's time in the branch's zone) is
// triggered, the report reaches the branch's staff, they mark it read, and after the (here: seconds-
// short) reading time the unread are reminded and named on the branch manager's report.

const RECEIPT = `user { id name } readAt due remindedAt date branch { id code }`;
const MARK_READ = `mutation($d: String!, $b: ID!) { markDailyReportRead(date: $d, branchId: $b) { ${RECEIPT} } }`;
const RECEIPTS = `query($d: String!, $b: ID!) { dailyReportReceipts(date: $d, branchId: $b) { ${RECEIPT} } }`;
const SNAPSHOT = `query($d: String!, $b: ID!) { dailyReportSnapshot(date: $d, branchId: $b) {
  date branch { id } figures { received valid timeZone from to branch { id } } builtAt due recipients read unreadAfterDue { id name } } }`;
const SET_POLICY = `mutation($o: JSON!) { setPolicy(overrides: $o) { policyVersion } }`;

type Receipt = { user: { id: string; name: string }; readAt: string | null; due: string; remindedAt: string | null; date: string; branch: { id: string; code: string } };
const codes = (r: GqlResponse): string[] => (r.errors ?? []).map((e) => e.extensions.code);

describe('daily report with read receipts', () => {
  let stack: Stack;
  let g: Group;
  let other: Group;
  let connection: Connection;
  let client: Client;
  let date: string;

  beforeAll(async () => {
    stack = await Stack.start('daily_report');
    connection = await Connection.connect({ address: temporalAddress() });
    client = new Client({ connection, namespace: 'default' });
    g = await provisionGroup(stack, 'Daily Report Group', 'pm-branch', 'DR01');
    other = await provisionGroup(stack, 'Other Group', 'pm-branch', 'DX01');
  });

  afterAll(async () => {
    for (const grp of [g, other]) {
      for (const b of grp ? [grp.branchId, grp.otherBranchId] : []) await client?.schedule.getHandle(dailyReportScheduleId(grp.tenantId, b)).delete().catch(() => undefined);
    }
    await connection?.close();
    await stack?.stop();
  });

  it('each branch gets its schedule when created: 08:00 every day in the branch\'s time zone, moved when the policy moves it', async () => {
    const d = await client.schedule.getHandle(dailyReportScheduleId(g.tenantId, g.branchId)).describe();
    expect(d.spec.timezone).toBe('Asia/Shanghai');
    expect(d.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 8 }], minute: [{ start: 0 }] });
    expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'dailyReportWorkflow', taskQueue: stack.taskQueue });
    expect(d.state.paused).toBe(false);
    // Head office moves the report to 07:30 and gives staff seconds (not an hour) to read it.
    await stack.ok(SET_POLICY, { o: { reports: { dailyReportAt: '07:30', readWithin: 'PT10S' } } }, g.tokens.headOffice);
    const moved = await client.schedule.getHandle(dailyReportScheduleId(g.tenantId, g.otherBranchId)).describe();
    expect(moved.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 7 }], minute: [{ start: 30 }] });
    // A bad time is refused, naming the field.
    const bad = await stack.gql(SET_POLICY, { o: { reports: { dailyReportAt: '7.30' } } }, g.tokens.headOffice);
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(JSON.stringify(bad.errors)).toContain('overrides.reports.dailyReportAt');
  });

  it('the triggered report reaches the branch\'s staff; reads count once; the unread are reminded and listed', async () => {
    // Yesterday's complaint (taken down by phone, entered this morning) is on the report; today's is not.
    const today = localDate(Date.now(), 'Asia/Shanghai');
    const yesterday = addDaysToLocalDate(today, -1);
    await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'daily-yesterday', { receivedAt: `${yesterday}T10:00:00+08:00` }) }, g.tokens.dispatcher);
    await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'daily-today') }, g.tokens.dispatcher);
    const handle = client.schedule.getHandle(dailyReportScheduleId(g.tenantId, g.branchId));
    await handle.trigger();
    // Yesterday in the branch's zone (the run may straddle midnight in Shanghai: take the date its report names).
    const candidates = [addDaysToLocalDate(today, -1), addDaysToLocalDate(today, -2)];
    const addressed = await eventually(async () => {
      for (const d of candidates) {
        const rows = (await stack.ok(RECEIPTS, { d, b: g.branchId }, g.tokens.branchManager)).dailyReportReceipts as Receipt[];
        if (rows.length > 0) return { d, rows };
      }
      return undefined;
    }, 30_000, 200);
    date = addressed.d;
    expect(addressed.rows.map((r) => r.user.id).sort()).toEqual([g.dispatcher, g.handler, g.branchManager].sort());
    expect(addressed.rows.every((r) => r.readAt === null && r.remindedAt === null && r.date === date && r.branch.id === g.branchId)).toBe(true);

    // The handler reads it — twice: the first read time stands.
    const first = (await stack.ok(MARK_READ, { d: date, b: g.branchId }, g.tokens.handler)).markDailyReportRead as Receipt;
    expect(first).toMatchObject({ user: { id: g.handler }, date, branch: { id: g.branchId }, remindedAt: null });
    expect(first.readAt).not.toBeNull();
    const again = (await stack.ok(MARK_READ, { d: date, b: g.branchId }, g.tokens.handler)).markDailyReportRead as Receipt;
    expect(again.readAt).toBe(first.readAt);

    // A manager of another branch has no copy of this branch's report; another tenant cannot see the branch at all.
    expect(codes(await stack.gql(MARK_READ, { d: date, b: g.branchId }, g.tokens.otherBranchManager))).toEqual(['NOT_FOUND']);
    expect(codes(await stack.gql(RECEIPTS, { d: date, b: g.branchId }, other.tokens.headOffice))).toEqual(['NOT_FOUND']);
    expect(codes(await stack.gql(MARK_READ, { d: date, b: g.branchId }, other.tokens.branchManager))).toEqual(['NOT_FOUND']);
    // A day with no report: nothing addressed to them.
    expect(codes(await stack.gql(MARK_READ, { d: '2020-01-01', b: g.branchId }, g.tokens.handler))).toEqual(['NOT_FOUND']);
    // A handler cannot list who has read it; the branch manager can.
    expect(codes(await stack.gql(RECEIPTS, { d: date, b: g.branchId }, g.tokens.handler))).toEqual(['FORBIDDEN']);
    // A malformed date is refused, naming the field.
    const bad = await stack.gql(MARK_READ, { d: '2026-02-30', b: g.branchId }, g.tokens.handler);
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(JSON.stringify(bad.errors)).toContain('date');

    // After the reading time: the dispatcher and the branch manager (unread) are reminded, the handler not.
    const after = await eventually(async () => {
      const rows = (await stack.ok(RECEIPTS, { d: date, b: g.branchId }, g.tokens.headOffice)).dailyReportReceipts as Receipt[];
      return rows.filter((r) => r.remindedAt !== null).length === 2 ? rows : undefined;
    }, 30_000, 250);
    const byUser = new Map(after.map((r) => [r.user.id, r]));
    expect(byUser.get(g.handler)).toMatchObject({ readAt: first.readAt, remindedAt: null });
    expect(byUser.get(g.dispatcher)).toMatchObject({ readAt: null, remindedAt: expect.any(String) });
    expect(byUser.get(g.branchManager)).toMatchObject({ readAt: null, remindedAt: expect.any(String) });

    // The line on the branch manager's report: who had not read it when it fell due.
    const snap = (await stack.ok(SNAPSHOT, { d: date, b: g.branchId }, g.tokens.branchManager)).dailyReportSnapshot;
    expect(snap).toMatchObject({ date, branch: { id: g.branchId }, recipients: 3, read: 1 });
    expect(snap.unreadAfterDue.map((u: { id: string }) => u.id).sort()).toEqual([g.dispatcher, g.branchManager].sort());
    // Yesterday in the branch's zone: [date 00:00, next day 00:00) in Shanghai.
    expect(snap.figures).toMatchObject({
      timeZone: 'Asia/Shanghai', received: date === yesterday ? 1 : 0, branch: { id: g.branchId },
      from: new Date(`${date}T00:00:00+08:00`).toISOString(), to: new Date(`${addDaysToLocalDate(date, 1)}T00:00:00+08:00`).toISOString(),
    });
    // Reading it late is recorded, and the line stays as it was at the due time.
    const late = (await stack.ok(MARK_READ, { d: date, b: g.branchId }, g.tokens.dispatcher)).markDailyReportRead as Receipt;
    expect(late.readAt).not.toBeNull();
    expect(late.remindedAt).not.toBeNull();
    const snap2 = (await stack.ok(SNAPSHOT, { d: date, b: g.branchId }, g.tokens.dispatcher)).dailyReportSnapshot;
    expect(snap2).toMatchObject({ read: 2 });
    expect(snap2.unreadAfterDue).toHaveLength(2);
    // The other branch's manager cannot read this branch's report; a recipient of another tenant cannot either.
    expect(codes(await stack.gql(SNAPSHOT, { d: date, b: g.branchId }, g.tokens.otherBranchManager))).toEqual(['NOT_FOUND']);
    expect(codes(await stack.gql(SNAPSHOT, { d: date, b: g.branchId }, other.tokens.handler))).toEqual(['NOT_FOUND']);
  });

  it('a second run for the same day changes nothing', async () => {
    const before = (await stack.ok(RECEIPTS, { d: date, b: g.branchId }, g.tokens.headOffice)).dailyReportReceipts as Receipt[];
    const snap = (await stack.ok(SNAPSHOT, { d: date, b: g.branchId }, g.tokens.headOffice)).dailyReportSnapshot;
    const handle = client.schedule.getHandle(dailyReportScheduleId(g.tenantId, g.branchId));
    const runsBefore = (await handle.describe()).info.numActionsTaken;
    await handle.trigger();
    // Wait for the second run to finish (the report it finds is already due, so it ends at once).
    await eventually(async () => {
      const info = (await handle.describe()).info;
      if (info.numActionsTaken <= runsBefore) return undefined;
      const last = info.recentActions[info.recentActions.length - 1].action.workflow;
      // The schedule's run id names the tenant (the gateway checks it before addressing a workflow).
      expect(tenantOfWorkflowId(last.workflowId)).toBe(g.tenantId);
      const d = await client.workflow.getHandle(last.workflowId, last.firstExecutionRunId).describe();
      return d.status.name === 'COMPLETED' ? true : undefined;
    }, 30_000, 250);
    expect((await stack.ok(RECEIPTS, { d: date, b: g.branchId }, g.tokens.headOffice)).dailyReportReceipts).toEqual(before);
    expect((await stack.ok(SNAPSHOT, { d: date, b: g.branchId }, g.tokens.headOffice)).dailyReportSnapshot).toEqual(snap);
  });
});
