/**
 * The daily complaint report with read receipts (003 八.1) on a REAL Temporal dev server with the REAL
 * activities writing to PostgreSQL (application role, row-level security): a run builds the date's
 * report and a receipt for each of the branch's staff once, even when run twice; after the policy's
 * (here: seconds-short) reading time the unread are reminded and named on the report, the read are not.
 */
import { Worker } from '@temporalio/worker';
import { randomBytes, randomUUID } from 'crypto';
import { addDaysToLocalDate, localDate } from '../libs/domain/src/calendar/zoned-time.util';
import { DailyReportActivitiesService, dailyReportActivities } from '../apps/worker/src/activities/daily-report.activities';
import type { DailyReportActivities, DailyReportBuilt } from './shared/daily-report.activities.types';
import { dailyReportWorkflowId, tenantOfWorkflowId } from './shared/ids';
import { tenantSearchAttributes } from './shared/search-attributes';
import type { dailyReportWorkflow } from './daily-report.workflow';
import { ORG, USERS, WorkflowTestBed, createEnv } from './test-support/harness';
import { workflowBundlePath } from '../test/support/test-env';
import { ensureDailyReportSchedule, ensureDailyReportSchedules } from '../libs/temporal-client/src/daily-report.schedule';
import { dailyReportScheduleId } from './shared/schedules';

let bed: WorkflowTestBed;
let worker: { worker: Worker; running: Promise<void> };
const taskQueue = `daily-report-${randomBytes(5).toString('hex')}`;
const builds: DailyReportBuilt[] = [];
const OTHER_BRANCH = randomUUID();
const companyManager = randomUUID();
const elsewhere = randomUUID();

beforeAll(async () => {
  bed = await createEnv('daily_report_wf');
  const db = bed.db;
  await db.query(
    `INSERT INTO branches (id, tenant_id, company_id, code, name, timezone, calendar) SELECT $1, tenant_id, company_id, 'GZ02', 'Branch GZ02', timezone, calendar FROM branches WHERE id = $2`,
    [OTHER_BRANCH, ORG.branchId],
  );
  for (const [id, name] of [[companyManager, '公司经理'], [elsewhere, '别处处理人']]) {
    await db.query(`INSERT INTO users (id, tenant_id, name) VALUES ($1, $2, $3)`, [id, ORG.tenantId, name]);
  }
  const grant = (user: string, role: string, branch: string | null, company: string | null = null) => db.query(
    `INSERT INTO role_assignments (id, tenant_id, user_id, role, company_id, branch_id) VALUES ($1, $2, $3, $4, $5, $6)`,
    [randomUUID(), ORG.tenantId, user, role, company ?? ORG.companyId, branch],
  );
  // The branch's staff (the recipients), and three who are not: a contractor, the company's manager, a handler of another branch.
  await grant(USERS.manager, 'BRANCH_MANAGER', ORG.branchId);
  await grant(USERS.dispatcher, 'DISPATCHER', ORG.branchId);
  await grant(USERS.handler, 'HANDLER', ORG.branchId);
  await grant(USERS.dispatcher, 'HANDLER', ORG.branchId);
  await grant(USERS.firstContact, 'CONTRACTOR', ORG.branchId);
  await grant(companyManager, 'COMPANY_MANAGER', null);
  await grant(elsewhere, 'HANDLER', OTHER_BRANCH);
  // Three seconds to read it.
  await db.query(
    `UPDATE policy_versions SET document = jsonb_set(document, '{reports}', '{"dailyReportAt": "08:00", "readWithin": "PT3S", "enabled": true}') WHERE tenant_id = $1`,
    [ORG.tenantId],
  );
  const real = dailyReportActivities(new DailyReportActivitiesService(bed.app));
  const activities: DailyReportActivities = {
    ...real,
    buildDailyReport: async (args) => {
      const built = await real.buildDailyReport(args);
      builds.push(built);
      return built;
    },
  };
  const w = await Worker.create({
    connection: bed.env.nativeConnection, namespace: 'default', taskQueue, workflowBundle: { codePath: workflowBundlePath() }, activities,
  });
  worker = { worker: w, running: w.run() };
});

afterAll(async () => {
  worker?.worker.shutdown();
  await worker?.running;
  await bed?.teardown();
});

const start = (workflowId: string, args: Parameters<typeof dailyReportWorkflow>[0]) =>
  bed.env.client.workflow.start<typeof dailyReportWorkflow>('dailyReportWorkflow', {
    workflowId, taskQueue, args: [args], typedSearchAttributes: tenantSearchAttributes(args.tenantId),
  });

const receipts = async (date: string, branchId: string = ORG.branchId) =>
  (await bed.db.query(
    `SELECT user_id, due_at, read_at, reminded_at FROM daily_report_receipts WHERE tenant_id = $1 AND branch_id = $2 AND date = $3 ORDER BY user_id`,
    [ORG.tenantId, branchId, date],
  )) as { user_id: string; due_at: Date; read_at: Date | null; reminded_at: Date | null }[];

const report = async (date: string) =>
  (await bed.db.query(
    `SELECT figures, built_at, due_at, recipients, reminded_at, unread_after_due FROM daily_reports WHERE tenant_id = $1 AND branch_id = $2 AND date = $3`,
    [ORG.tenantId, ORG.branchId, date],
  ))[0] as { figures: Record<string, unknown>; built_at: Date; due_at: Date; recipients: number; reminded_at: Date | null; unread_after_due: string[] | null } | undefined;

describe('daily report workflow', () => {
  it('builds the report and the receipts once even when run twice; after the reading time the unread are reminded and listed, the read not', async () => {
    const date = '2026-11-20';
    const first = await start(dailyReportWorkflowId(ORG.tenantId, ORG.branchId, date), { tenantId: ORG.tenantId, branchId: ORG.branchId, timezone: 'Asia/Shanghai', date });
    // The report and its receipts, addressed to the branch manager, the dispatcher and the handler only.
    const staff = [USERS.manager, USERS.dispatcher, USERS.handler].sort();
    for (let i = 0; i < 100 && (await receipts(date)).length < 3; i += 1) await new Promise((r) => setTimeout(r, 100));
    const addressed = await receipts(date);
    expect(addressed.map((r) => r.user_id)).toEqual(staff);
    const built = await report(date);
    expect(built).toMatchObject({ recipients: 3, reminded_at: null, unread_after_due: null });
    // The figures are the day in the branch's zone: [2026-11-20T00:00+08:00, 2026-11-21T00:00+08:00).
    expect(built!.figures).toMatchObject({ fromMs: Date.parse('2026-11-19T16:00:00Z'), toMs: Date.parse('2026-11-20T16:00:00Z'), timeZone: 'Asia/Shanghai', received: 0 });
    expect(addressed.every((r) => r.due_at.getTime() === built!.built_at.getTime() + 3_000)).toBe(true);

    // The handler reads it in time (as markDailyReportRead does); a second run for the same date starts meanwhile.
    await bed.db.query(`UPDATE daily_report_receipts SET read_at = now() WHERE tenant_id = $1 AND user_id = $2 AND date = $3`, [ORG.tenantId, USERS.handler, date]);
    const second = await start(`${dailyReportWorkflowId(ORG.tenantId, ORG.branchId)}-again`, { tenantId: ORG.tenantId, branchId: ORG.branchId, timezone: 'Asia/Shanghai', date });

    const [a, b] = await Promise.all([first.result(), second.result()]);
    const unread = [USERS.manager, USERS.dispatcher].sort();
    expect(a).toEqual({ date, recipients: 3, unreadAfterDue: unread });
    expect(b).toEqual(a);
    // Built once: the second run found it (and changed nothing).
    expect(builds.filter((x) => x.date === date).map((x) => x.built)).toEqual([true, false]);
    const after = await report(date);
    expect(after!.built_at).toEqual(built!.built_at);
    expect(after!.figures).toEqual(built!.figures);
    expect(after!.unread_after_due!.slice().sort()).toEqual(unread);
    expect(after!.reminded_at).not.toBeNull();
    const final = await receipts(date);
    expect(final).toHaveLength(3);
    expect(final.filter((r) => r.reminded_at !== null).map((r) => r.user_id)).toEqual(unread);
    expect(final.find((r) => r.user_id === USERS.handler)).toMatchObject({ reminded_at: null, read_at: expect.any(Date) });
    // The other branch got nothing.
    expect(await receipts(date, OTHER_BRANCH)).toEqual([]);
  });

  it('started by the schedule (no date), reports on yesterday in the branch\'s time zone', async () => {
    const handle = await start(`${dailyReportWorkflowId(ORG.tenantId, ORG.branchId)}-2026-11-30T00:00:00Z`, { tenantId: ORG.tenantId, branchId: ORG.branchId, timezone: 'Asia/Shanghai' });
    const result = await handle.result();
    const yesterday = addDaysToLocalDate(localDate(Date.now(), 'Asia/Shanghai'), -1);
    // Around midnight in Shanghai the run may have started on the day before the check.
    expect([yesterday, addDaysToLocalDate(yesterday, -1)]).toContain(result.date);
    expect(result.recipients).toBe(3);
    expect((await receipts(result.date)).map((r) => r.user_id)).toEqual([USERS.manager, USERS.dispatcher, USERS.handler].sort());
  });

  it('names its tenant in each of its id shapes (the schedule\'s runs, a date built directly), and nothing in a malformed one', () => {
    const t = ORG.tenantId;
    const b = ORG.branchId;
    expect(tenantOfWorkflowId(dailyReportWorkflowId(t, b))).toBe(t);
    expect(tenantOfWorkflowId(`${dailyReportWorkflowId(t, b)}-2026-11-30T00:00:00Z`)).toBe(t);
    expect(tenantOfWorkflowId(dailyReportWorkflowId(t, b, '2026-11-20'))).toBe(t);
    expect(tenantOfWorkflowId(`daily-report/${t}/${b}/not-a-date`)).toBeNull();
    expect(tenantOfWorkflowId(`daily-report/${t}`)).toBeNull();
    expect(tenantOfWorkflowId(`daily-report/${t}/-2026-11-30T00:00:00Z`)).toBeNull();
    expect(tenantOfWorkflowId(`daily-report/${t}/${b}/2026-11-20/x`)).toBeNull();
  });

  it('builds nothing when the policy switches the daily report off', async () => {
    await bed.db.query(`UPDATE policy_versions SET document = jsonb_set(document, '{reports,enabled}', 'false') WHERE tenant_id = $1`, [ORG.tenantId]);
    try {
      const date = '2026-11-21';
      const result = await (await start(dailyReportWorkflowId(ORG.tenantId, ORG.branchId, date), { tenantId: ORG.tenantId, branchId: ORG.branchId, timezone: 'Asia/Shanghai', date })).result();
      expect(result).toEqual({ date, recipients: 0, unreadAfterDue: [] });
      expect(await report(date)).toBeUndefined();
      expect(await receipts(date)).toEqual([]);
    } finally {
      await bed.db.query(`UPDATE policy_versions SET document = jsonb_set(document, '{reports,enabled}', 'true') WHERE tenant_id = $1`, [ORG.tenantId]);
    }
  });

  it('the worker\'s start ensures every branch\'s schedule at the policy\'s time in the branch\'s zone, and follows the policy', async () => {
    const client = bed.env.client;
    await bed.db.query(`UPDATE branches SET timezone = 'Asia/Urumqi' WHERE id = $1`, [OTHER_BRANCH]);
    try {
      const targets = await ensureDailyReportSchedules(client, bed.app, ORG.tenantId, taskQueue);
      expect(targets.map((t) => [t.branchId, t.timezone, t.at, t.enabled])).toEqual([
        [ORG.branchId, 'Asia/Shanghai', '08:00', true], [OTHER_BRANCH, 'Asia/Urumqi', '08:00', true],
      ]);
      const other = await client.schedule.getHandle(dailyReportScheduleId(ORG.tenantId, OTHER_BRANCH)).describe();
      expect(other.spec.timezone).toBe('Asia/Urumqi');
      expect(other.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 8 }], minute: [{ start: 0 }] });
      expect(other.action).toMatchObject({ workflowType: 'dailyReportWorkflow', workflowId: dailyReportWorkflowId(ORG.tenantId, OTHER_BRANCH), taskQueue });
      // Again: nothing to change. A new time, or switched off: brought up to date (paused, not deleted).
      const target = targets[1];
      expect(await ensureDailyReportSchedule(client, target)).toBe('unchanged');
      expect(await ensureDailyReportSchedule(client, { ...target, at: '07:45' })).toBe('updated');
      expect((await client.schedule.getHandle(dailyReportScheduleId(ORG.tenantId, OTHER_BRANCH)).describe()).spec.calendars?.[0])
        .toMatchObject({ hour: [{ start: 7 }], minute: [{ start: 45 }] });
      expect(await ensureDailyReportSchedule(client, { ...target, at: '07:45', enabled: false })).toBe('updated');
      expect((await client.schedule.getHandle(dailyReportScheduleId(ORG.tenantId, OTHER_BRANCH)).describe()).state.paused).toBe(true);
    } finally {
      await bed.db.query(`UPDATE branches SET timezone = 'Asia/Shanghai' WHERE id = $1`, [OTHER_BRANCH]);
      for (const b of [ORG.branchId, OTHER_BRANCH]) await client.schedule.getHandle(dailyReportScheduleId(ORG.tenantId, b)).delete().catch(() => undefined);
    }
  });
});
