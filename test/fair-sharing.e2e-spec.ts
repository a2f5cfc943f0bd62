import { Client, Connection } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { CALENDAR_CHANGE_ID_SQL } from '../apps/gateway/src/calendar/services/calendar.service';
import { addDaysToLocalDate, localDate } from '../libs/domain/src/calendar/zoned-time.util';
import { CalendarPropagationProgress } from '../workflows/shared/calendar-propagation';
import { calendarPropagationWorkflowId, complaintWorkflowId } from '../workflows/shared/ids';
import { Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack, eventually, temporalAddress } from './support/stack';

const SET_CALENDAR = `mutation($b: ID!, $c: BranchCalendarInput!) { setBranchCalendar(branchId: $b, calendar: $c) { id calendar { holidays } } }`;
const ALL_DAY = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));
const TZ = 'Asia/Shanghai';
const OPEN_COMPLAINTS = 60;

type Deadline = { kind: string; dueAt: string };
type Changed = { complaint_id: string; seq: number; data: { rescheduled: { kind: string; to: string }[] } };

describe('fair sharing: a calendar change on many open complaints', () => {
  let stack: Stack;
  let a: Group;
  let b: Group;
  let temporal: Client;
  let connection: Connection;
  const bComplaints: string[] = [];

  beforeAll(async () => {
    stack = await Stack.start('fair_sharing');
    a = await provisionGroup(stack, 'Quiet Group', 'pm-branch', 'QA01');
    b = await provisionGroup(stack, 'Busy Group', 'pm-branch', 'BB01');
    connection = await Connection.connect({ address: temporalAddress() });
    temporal = new Client({ connection });
    let next = 0;
    await Promise.all(Array.from({ length: 6 }, async () => {
      for (let i = next++; i < OPEN_COMPLAINTS; i = next++) {
        bComplaints.push((await stack.ok(SUBMIT, { input: complaintInput(b.branchId, `busy-${i}`) }, b.tokens.dispatcher)).submitComplaint.id);
      }
    }));
  });
  afterAll(async () => {
    await connection?.close();
    await stack?.stop();
  });

  const changeId = async (branchId: string): Promise<string> =>
    (await stack.db.query(`SELECT ${CALENDAR_CHANGE_ID_SQL} AS id FROM branches WHERE id = $1`, [branchId]))[0].id;
  const propagation = (changedId: string) => temporal.workflow.getHandle(calendarPropagationWorkflowId(b.tenantId, b.branchId, changedId));
  const forwardDue = async (): Promise<Map<string, string>> => {
    const rows: { id: string; deadlines: Deadline[] }[] = await stack.db.query(`SELECT id, deadlines FROM complaints WHERE tenant_id = $1`, [b.tenantId]);
    return new Map(rows.map((r) => [r.id, r.deadlines.find((d) => d.kind === 'FORWARD')!.dueAt]));
  };

  it('brings every complaint to the last of three calendars, each once, while another tenant keeps taking complaints', async () => {
    const before = await forwardDue();
    expect(before.size).toBe(OPEN_COMPLAINTS);
    const today = localDate(Date.now(), TZ);
    const tomorrow = addDaysToLocalDate(today, 1);
    // Each calendar moves the FORWARD deadline (30 working minutes; off-hours: 1 h into the next working day).
    const calendars = [
      { timezone: TZ, workingHours: ALL_DAY, holidays: [] },
      { timezone: TZ, workingHours: ALL_DAY, holidays: [today] },
      { timezone: TZ, workingHours: ALL_DAY, holidays: [today, tomorrow] },
    ];

    // Tenant A submits complaints the whole time; every one must be accepted.
    let quietDone = false;
    const accepted: string[] = [];
    const quiet = (async () => {
      for (let i = 0; !quietDone || i < 3; i++) {
        accepted.push((await stack.ok(SUBMIT, { input: complaintInput(a.branchId, `quiet-${i}`) }, a.tokens.dispatcher)).submitComplaint.reference);
      }
    })();

    // Three replacements in a row; the mutation does not wait for the complaints.
    const changes: string[] = [];
    for (const c of calendars) {
      const r = await stack.ok(SET_CALENDAR, { b: b.branchId, c }, b.tokens.headOffice);
      expect(r.setBranchCalendar.calendar.holidays).toEqual(c.holidays);
      changes.push(await changeId(b.branchId));
    }
    expect(new Set(changes).size).toBe(3);

    let results: CalendarPropagationProgress[];
    try {
      results = await Promise.all(changes.map((id) => propagation(id).result()));
    } finally {
      quietDone = true;
      await quiet;
    }
    expect(accepted.length).toBeGreaterThanOrEqual(3);
    expect(new Set(accepted).size).toBe(accepted.length);

    // The last change reached every open complaint; the earlier ones either finished or stopped when superseded.
    const last = results[2];
    expect(last).toMatchObject({ status: 'DONE', total: OPEN_COMPLAINTS, signalled: OPEN_COMPLAINTS, skipped: 0, done: OPEN_COMPLAINTS });
    for (const r of results.slice(0, 2)) {
      expect(['DONE', 'SUPERSEDED']).toContain(r.status);
      expect(r.signalled).toBeLessThanOrEqual(OPEN_COMPLAINTS);
    }
    await expect(propagation(changes[2]).query<CalendarPropagationProgress>('calendarPropagationProgress')).resolves.toMatchObject({ status: 'DONE', done: OPEN_COMPLAINTS });

    // Every signal sent became exactly one CALENDAR_CHANGED event: none lost, none duplicated.
    const sent = results.reduce((n, r) => n + r.signalled, 0);
    const events = await eventually(async () => {
      const rows: Changed[] = await stack.db.query(
        `SELECT complaint_id, seq, data FROM complaint_events WHERE tenant_id = $1 AND type = 'CALENDAR_CHANGED' ORDER BY complaint_id, seq`, [b.tenantId],
      );
      return rows.length === sent ? rows : undefined;
    }, 60_000);
    const byComplaint = new Map<string, Changed[]>();
    for (const e of events) byComplaint.set(e.complaint_id, [...(byComplaint.get(e.complaint_id) ?? []), e]);
    expect([...byComplaint.keys()].sort()).toEqual([...bComplaints].sort());
    for (const list of byComplaint.values()) expect(list.length).toBeLessThanOrEqual(3);

    // All received during the two holidays: FORWARD is due 01:00 on the day after tomorrow, for everyone,
    // and the last event of each complaint says so.
    const after = await eventually(async () => {
      const due = await forwardDue();
      return [...due.values()].every((d) => localDate(Date.parse(d), TZ) === addDaysToLocalDate(tomorrow, 1)) ? due : undefined;
    }, 60_000);
    expect(new Set(after.values()).size).toBe(1);
    for (const [id, due] of after) {
      expect(due).not.toBe(before.get(id));
      const lastEvent = byComplaint.get(id)!.at(-1)!;
      expect(lastEvent.data.rescheduled).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'FORWARD', to: due })]));
    }

    // Repeating the last request (a client retry) attaches to the finished propagation: nothing is sent again.
    const run = (await propagation(changes[2]).describe()).runId;
    await stack.ok(SET_CALENDAR, { b: b.branchId, c: calendars[2] }, b.tokens.headOffice);
    expect(await changeId(b.branchId)).toBe(changes[2]);
    const again = await propagation(changes[2]).describe();
    expect(again.runId).toBe(run);
    expect(again.status.name).toBe('COMPLETED');
  });

  it('skips complaints whose workflow has closed since the page was read, and pages through more than one page', async () => {
    // A branch of its own, with a small page size through the workflow input: three pages of 2, 2 and 1.
    const branch = (await stack.ok(`mutation($c: ID!) { createBranch(companyId: $c, code: "BB02", name: "Paged Estate") { id } }`, { c: b.companyId }, b.tokens.headOffice)).createBranch.id;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await stack.ok(SUBMIT, { input: complaintInput(branch, `paged-${i}`) }, b.tokens.headOffice)).submitComplaint.id);
    // One workflow ended under the read model's feet (as if it closed between the page read and the signal).
    await temporal.workflow.getHandle(complaintWorkflowId(b.tenantId, ids[4])).terminate('test: closed meanwhile');
    const calendar = { timezone: TZ, workingHours: ALL_DAY, holidays: [], makeUpWorkdays: [] };
    const handle = await temporal.workflow.start('calendarPropagationWorkflow', {
      workflowId: calendarPropagationWorkflowId(b.tenantId, branch, 'paged-test'), taskQueue: stack.taskQueue,
      args: [{ tenantId: b.tenantId, branchId: branch, changeId: 'paged-test', calendar, changedBy: b.headOffice, pageSize: 2, concurrency: 2, signalsPerSecond: 1000 }],
    });
    // The branch still has its old calendar, so this propagation is superseded from the start.
    await expect(handle.result()).resolves.toMatchObject({ status: 'SUPERSEDED', signalled: 0 });

    await stack.db.query(`UPDATE branches SET calendar = $2::jsonb WHERE id = $1`, [branch, JSON.stringify(calendar)]);
    const current = await temporal.workflow.start('calendarPropagationWorkflow', {
      workflowId: calendarPropagationWorkflowId(b.tenantId, branch, 'paged-test-2'), taskQueue: stack.taskQueue,
      args: [{ tenantId: b.tenantId, branchId: branch, changeId: 'paged-test-2', calendar, changedBy: b.headOffice, pageSize: 2, concurrency: 2, signalsPerSecond: 1000 }],
    });
    await expect(current.result()).resolves.toMatchObject({ status: 'DONE', total: 5, signalled: 4, skipped: 1, done: 5 });
    // One run per page, chained by continue-as-new: no history grows with the branch.
    const sizes: number[] = [];
    for (let runId: string | undefined = current.firstExecutionRunId; runId;) {
      const history: History = await temporal.workflow.getHandle(current.workflowId, runId).fetchHistory();
      const events = history.events ?? [];
      sizes.push(events.length);
      const next: string | null | undefined = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      runId = next ?? undefined;
    }
    expect(sizes).toHaveLength(3);
    for (const n of sizes) expect(n).toBeLessThan(40);
  });

  it("caps one tenant's complaint writes per second, so its flood is refused with RATE_LIMITED while another tenant's intake goes on", async () => {
    // A gateway with a small budget: 2 writes a second plus a burst of 3.
    const url = await stack.extraGateway({ limits: { tenantWritesPerSecond: 2, tenantWriteBurst: 3 } });
    const flood = await Promise.all(Array.from({ length: 15 }, (_, i) => stack.gql(SUBMIT, { input: complaintInput(b.branchId, `flood-${i}`) }, b.tokens.dispatcher, url)));
    const codes = flood.map((r) => r.errors?.[0]?.extensions.code ?? 'OK');
    const refused = flood.filter((r) => r.errors?.[0]?.extensions.code === 'RATE_LIMITED');
    expect(codes.filter((c) => c === 'OK').length).toBeGreaterThanOrEqual(2);
    expect(refused.length).toBeGreaterThan(0);
    expect(codes.every((c) => c === 'OK' || c === 'RATE_LIMITED')).toBe(true);
    expect(refused[0].errors![0].extensions.retryAfter).toBeGreaterThanOrEqual(1);
    expect(refused[0].errors![0].message).toMatch(/retry after \d+ s/);
    // A refused submission wrote nothing.
    const keys = flood.map((r, i) => (r.errors ? `flood-${i}` : null)).filter((k): k is string => k !== null);
    const rows = await stack.db.query(`SELECT count(*)::int AS n FROM complaints WHERE tenant_id = $1 AND idempotency_key = ANY($2)`, [b.tenantId, keys]);
    expect(rows[0].n).toBe(0);
    // The other tenant has its own budget.
    const other = await stack.gql(SUBMIT, { input: complaintInput(a.branchId, 'quiet-during-flood') }, a.tokens.dispatcher, url);
    expect(other.errors).toBeUndefined();
  });
});
