/**
 * Escalations that must be acknowledged (issue 10), on a REAL Temporal dev server with the REAL
 * activities writing to PostgreSQL: an emergency climbs branch manager → deputy GM → GM while nobody
 * acknowledges — with the worker stopped between two levels, so the timer fires while nobody polls —
 * and stops once someone acknowledges; no level is lost or raised twice. A level nobody holds is
 * skipped; a complaint that ends stops its escalation; continue-as-new never raises a trigger twice.
 */
import { Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { randomUUID } from 'crypto';
import { EscalationActivitiesService, escalationActivities } from '../apps/worker/src/activities/escalation.activities';
import type { EscalationPolicy } from '../libs/domain/src/policy/policy.types';
import { workflowBundlePath } from '../test/support/test-env';
import type { escalationWorkflow } from './escalation.workflow';
import type { ComplaintWorkflowInput } from './shared/complaint.types';
import { acknowledgeEscalationUpdate, escalationProgressQuery } from './shared/escalation';
import { escalationWorkflowId } from './shared/ids';
import { TENANT_ID_SEARCH_ATTRIBUTE } from './shared/search-attributes';
import { dispatchUpdate, followUpUpdate, withdrawUpdate } from './shared/updates';
import { complaintInput, createEnv, eventually, ORG, sleep, USERS, WorkerHarness, WorkflowTestBed } from './test-support/harness';

/** The level holders: one each, plus a dispatcher who holds no level. */
const PEOPLE = {
  branchManager: randomUUID(),
  deputyGm: randomUUID(),
  gm: randomUUID(),
  head: randomUUID(),
  otherCompanyGm: randomUUID(),
};
const OTHER_COMPANY = randomUUID();

/** Short timeouts: each level has 3 s to acknowledge (calendar time), the last repeats every 3 s. */
const STEP_MS = 3_000;
const EMERGENCY_ONLY: EscalationPolicy = {
  triggers: {
    EMERGENCY: {
      levels: [
        { level: 'BRANCH_MANAGER', ackWithin: 'PT3S' },
        { level: 'COMPANY_DEPUTY_GM', ackWithin: 'PT3S' },
        { level: 'COMPANY_GM', ackWithin: 'PT3S' },
        { level: 'HEAD_OFFICE', ackWithin: 'PT3S' },
      ],
      repeatLastEvery: 'PT3S',
    },
  },
};

interface Row {
  id: string; step: number; level: string; reason: string; notified: string[]; raisedAt: number; ackDueAt: number;
  acknowledgedAt: number | null; acknowledgedBy: string | null; superseded: boolean; workflowId: string;
}

let bed: WorkflowTestBed;
let h: WorkerHarness;
let worker: { worker: Worker; running: Promise<void> } | null = null;

async function startWorker(): Promise<void> {
  const w = await Worker.create({
    connection: bed.env.nativeConnection,
    namespace: 'default',
    taskQueue: h.taskQueue,
    workflowBundle: { codePath: workflowBundlePath() },
    activities: { ...h.recorder.activities, ...escalationActivities(new EscalationActivitiesService(bed.app)) },
  });
  worker = { worker: w, running: w.run() };
}

async function stopWorker(): Promise<void> {
  const w = worker;
  worker = null;
  if (!w) return;
  w.worker.shutdown();
  await w.running;
}

async function rows(complaintId: string): Promise<Row[]> {
  const r: Record<string, unknown>[] = await bed.db.query(
    `SELECT id, step, level, reason, notified_user_ids, raised_at, ack_due_at, acknowledged_at, acknowledged_by, superseded, workflow_id
       FROM escalations WHERE tenant_id = $1 AND complaint_id = $2 ORDER BY workflow_id, step`, [ORG.tenantId, complaintId],
  );
  const ms = (v: unknown): number | null => (v === null ? null : new Date(v as string).getTime());
  return r.map((x) => ({
    id: x.id as string, step: x.step as number, level: x.level as string, reason: x.reason as string, notified: x.notified_user_ids as string[],
    raisedAt: ms(x.raised_at) as number, ackDueAt: ms(x.ack_due_at) as number, acknowledgedAt: ms(x.acknowledged_at),
    acknowledgedBy: x.acknowledged_by as string | null, superseded: x.superseded as boolean, workflowId: x.workflow_id as string,
  }));
}

function emergencyInput(overrides: Partial<ComplaintWorkflowInput> = {}, escalation: EscalationPolicy = EMERGENCY_ONLY): ComplaintWorkflowInput {
  const input = complaintInput({ intake: { emergency: true } });
  input.policy.escalation = escalation;
  return { ...input, ...overrides };
}

const escalationHandle = (complaintId: string, trigger = 'EMERGENCY', round = 1) =>
  h.client.workflow.getHandle<typeof escalationWorkflow>(escalationWorkflowId(ORG.tenantId, complaintId, trigger, round));

beforeAll(async () => {
  bed = await createEnv('escalation_wf');
  await bed.db.query(`INSERT INTO companies (id, tenant_id, name) VALUES ($1, $2, 'Other company')`, [OTHER_COMPANY, ORG.tenantId]);
  for (const [name, id] of Object.entries(PEOPLE)) {
    await bed.db.query(`INSERT INTO users (id, tenant_id, name) VALUES ($1, $2, $3)`, [id, ORG.tenantId, name]);
  }
  const grant = (user: string, role: string, company: string | null, branch: string | null, position: string | null) => bed.db.query(
    `INSERT INTO role_assignments (id, tenant_id, user_id, role, company_id, branch_id, position) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [randomUUID(), ORG.tenantId, user, role, company, branch, position],
  );
  await grant(PEOPLE.branchManager, 'BRANCH_MANAGER', null, ORG.branchId, null);
  await grant(PEOPLE.deputyGm, 'COMPANY_MANAGER', ORG.companyId, null, 'DEPUTY_GM');
  await grant(PEOPLE.gm, 'COMPANY_MANAGER', ORG.companyId, null, 'GM');
  await grant(PEOPLE.head, 'HEAD_OFFICE', null, null, null);
  // The GM of another company never hears of this branch's escalations.
  await grant(PEOPLE.otherCompanyGm, 'COMPANY_MANAGER', OTHER_COMPANY, null, 'GM');
  await grant(USERS.dispatcher, 'DISPATCHER', null, ORG.branchId, null);
});
afterAll(async () => {
  await bed?.teardown();
});
beforeEach(async () => {
  h = new WorkerHarness(bed);
  await startWorker();
});
afterEach(async () => {
  await stopWorker();
  await h.stop();
});

test('an emergency climbs three levels while nobody acknowledges (the worker down between two), and stops when the GM acknowledges', async () => {
  const input = emergencyInput();
  await h.intake(input);

  // Level 1 at once: the branch manager, with 3 s to acknowledge.
  const first = await eventually(async () => (await rows(input.complaintId)).find((r) => r.step === 0));
  expect(first).toMatchObject({ level: 'BRANCH_MANAGER', reason: 'EMERGENCY', notified: [PEOPLE.branchManager], superseded: false, acknowledgedAt: null });
  expect(first.ackDueAt - first.raisedAt).toBe(STEP_MS);
  const d = await escalationHandle(input.complaintId).describe();
  expect(d.typedSearchAttributes.get(TENANT_ID_SEARCH_ATTRIBUTE)).toBe(ORG.tenantId);

  // The worker dies before the branch manager's time is up; the timer fires while nobody polls.
  await stopWorker();
  await sleep(STEP_MS + 1_500);
  expect((await rows(input.complaintId)).length).toBe(1);
  await startWorker();

  // Level 2 (deputy GM) once the worker is back, level 1 superseded; then level 3 (GM).
  const second = await eventually(async () => (await rows(input.complaintId)).find((r) => r.step === 1), 15_000);
  expect(second).toMatchObject({ level: 'COMPANY_DEPUTY_GM', notified: [PEOPLE.deputyGm] });
  const third = await eventually(async () => (await rows(input.complaintId)).find((r) => r.step === 2), 15_000);
  expect(third).toMatchObject({ level: 'COMPANY_GM', notified: [PEOPLE.gm] });
  expect(third.notified).not.toContain(PEOPLE.otherCompanyGm);

  // The GM acknowledges — twice with one request (a retry, as the gateway sends it): applied once, even
  // though the escalation has ended in between.
  const handle = escalationHandle(input.complaintId);
  const ack = { args: [{ tenantId: ORG.tenantId, escalationId: third.id, userId: PEOPLE.gm }] as const, updateId: `ack-${third.id}` };
  const ack1 = await handle.executeUpdate(acknowledgeEscalationUpdate, { args: [...ack.args], updateId: ack.updateId });
  const ack2 = await handle.executeUpdate(acknowledgeEscalationUpdate, { args: [...ack.args], updateId: ack.updateId });
  expect(ack1).toEqual({ escalationId: third.id, acknowledgedAt: expect.any(Number), acknowledgedBy: PEOPLE.gm });
  expect(ack2).toEqual(ack1);

  // Nothing more is raised: the escalation has ended with three levels, each once.
  await handle.result();
  await sleep(STEP_MS + 500);
  const all = await rows(input.complaintId);
  expect(all.map((r) => [r.step, r.level, r.superseded])).toEqual([
    [0, 'BRANCH_MANAGER', true], [1, 'COMPANY_DEPUTY_GM', true], [2, 'COMPANY_GM', false],
  ]);
  expect(all[2]).toMatchObject({ acknowledgedBy: PEOPLE.gm, acknowledgedAt: ack1.acknowledgedAt });
  expect(all[0].acknowledgedAt).toBeNull();
  // The levels follow one another in time: each raised no earlier than the previous one's due time.
  expect(all[1].raisedAt).toBeGreaterThanOrEqual(all[0].ackDueAt);
  expect(all[2].raisedAt).toBeGreaterThanOrEqual(all[1].ackDueAt);
  // One escalation workflow for the trigger, and the complaint still runs.
  expect(new Set(all.map((r) => r.workflowId))).toEqual(new Set([escalationWorkflowId(ORG.tenantId, input.complaintId, 'EMERGENCY', 1)]));
  expect((await h.runs(input)).status).toBe('RUNNING');
}, 90_000);

test('the last level repeats at its interval; an acknowledgement of another tenant is refused', async () => {
  const input = emergencyInput({}, {
    triggers: { EMERGENCY: { levels: [{ level: 'HEAD_OFFICE', ackWithin: 'PT2S' }], repeatLastEvery: 'PT2S' } },
  });
  await h.intake(input);
  await eventually(async () => ((await rows(input.complaintId)).length >= 3 ? true : undefined), 20_000);
  const handle = escalationHandle(input.complaintId);
  await expect(handle.executeUpdate(acknowledgeEscalationUpdate, { args: [{ tenantId: randomUUID(), escalationId: randomUUID(), userId: PEOPLE.head }] }))
    .rejects.toBeInstanceOf(WorkflowUpdateFailedError);
  const open = (await rows(input.complaintId)).find((r) => !r.superseded) as Row;
  await handle.executeUpdate(acknowledgeEscalationUpdate, { args: [{ tenantId: ORG.tenantId, escalationId: open.id, userId: PEOPLE.head }] });
  await handle.result();
  const all = await rows(input.complaintId);
  expect(all.every((r) => r.level === 'HEAD_OFFICE' && r.notified.length === 1 && r.notified[0] === PEOPLE.head)).toBe(true);
  expect(all.filter((r) => !r.superseded).length).toBe(1);
  expect(all.filter((r) => r.acknowledgedBy === PEOPLE.head).length).toBe(1);
  expect(all.map((r) => r.step)).toEqual(all.map((_, i) => i));
}, 60_000);

test('skip-level: with no branch manager the deputy GM is told first; a withdrawn complaint stops its escalation', async () => {
  await bed.db.query(`DELETE FROM role_assignments WHERE user_id = $1`, [PEOPLE.branchManager]);
  try {
    const input = emergencyInput();
    const { handle } = await h.intake(input);
    const first = await eventually(async () => (await rows(input.complaintId)).find((r) => r.step === 0));
    expect(first).toMatchObject({ level: 'COMPANY_DEPUTY_GM', notified: [PEOPLE.deputyGm] });

    await handle.executeUpdate(withdrawUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.dispatcher, reason: 'the customer withdrew' }] });
    const progress = await escalationHandle(input.complaintId).result();
    expect(progress.acknowledged).toBeNull();
    await sleep(STEP_MS + 500);
    // Stopped at once by the complaint's signal: no level after the first.
    expect((await rows(input.complaintId)).map((r) => r.level)).toEqual(['COMPANY_DEPUTY_GM']);
  } finally {
    await bed.db.query(
      `INSERT INTO role_assignments (id, tenant_id, user_id, role, company_id, branch_id) VALUES ($1, $2, $3, 'BRANCH_MANAGER', NULL, $4)`,
      [randomUUID(), ORG.tenantId, PEOPLE.branchManager, ORG.branchId],
    );
  }
}, 60_000);

test('continue-as-new of the complaint never raises a trigger twice', async () => {
  const input = emergencyInput({ maxHistoryEvents: 20 });
  const { handle } = await h.intake(input);
  await eventually(async () => (await rows(input.complaintId)).find((r) => r.step === 0));
  const firstRun = (await h.runs(input)).runId;
  // A dispatch and follow-ups grow the history past 20 events: the complaint continues as new.
  await handle.executeUpdate(dispatchUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.dispatcher, assigneeId: USERS.handler, note: null }] });
  for (let i = 0; i < 6; i += 1) {
    await handle.executeUpdate(followUpUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.dispatcher, note: `call ${i}`, customerInformed: false }] })
      .catch(() => undefined);
  }
  await eventually(async () => ((await h.runs(input)).runId !== firstRun ? true : undefined), 20_000);
  const progress = await escalationHandle(input.complaintId).query(escalationProgressQuery);
  expect(progress.step).toBeGreaterThanOrEqual(1);
  // Still one escalation for the trigger, climbing on its own.
  await eventually(async () => ((await rows(input.complaintId)).length >= 2 ? true : undefined), 15_000);
  expect(new Set((await rows(input.complaintId)).map((r) => r.workflowId)).size).toBe(1);
  const steps = (await rows(input.complaintId)).map((r) => r.step);
  expect(steps).toEqual(steps.map((_, i) => i));
}, 90_000);

test('MAJOR: reported at once, then a progress report after each interval until the complaint closes', async () => {
  const input = complaintInput({ intake: { injury: true } });
  input.policy.escalation = {
    triggers: { MAJOR: { levels: [{ level: 'COMPANY_GM', ackWithin: 'PT1H' }], repeatLastEvery: 'PT1H', progressReportEvery: 'PT3S' } },
  };
  const { handle } = await h.intake(input);
  const report = await eventually(async () => (await rows(input.complaintId)).find((r) => r.step === 0));
  expect(report).toMatchObject({ level: 'COMPANY_GM', reason: 'SEVERITY:MAJOR', notified: [PEOPLE.gm] });
  await escalationHandle(input.complaintId, 'MAJOR').executeUpdate(acknowledgeEscalationUpdate, {
    args: [{ tenantId: ORG.tenantId, escalationId: report.id, userId: PEOPLE.gm }],
  });
  // The progress report comes due: raised again to the GM, to be acknowledged in turn.
  const progress = await eventually(async () => (await rows(input.complaintId)).find((r) => r.step === 1), 15_000);
  expect(progress).toMatchObject({ level: 'COMPANY_GM', reason: 'SEVERITY:MAJOR:PROGRESS', superseded: false, acknowledgedAt: null });
  expect(progress.raisedAt - ((await rows(input.complaintId))[0].acknowledgedAt as number)).toBeGreaterThanOrEqual(STEP_MS - 50);
  // The complaint ends: no more progress reports.
  await handle.executeUpdate(withdrawUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.dispatcher, reason: 'settled' }] });
  await escalationHandle(input.complaintId, 'MAJOR').result();
  await sleep(STEP_MS + 500);
  expect((await rows(input.complaintId)).length).toBe(2);
}, 60_000);
