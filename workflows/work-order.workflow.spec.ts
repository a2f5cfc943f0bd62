/**
 * Work orders to contractors (issue 11) on a REAL Temporal dev server with the REAL activities writing to
 * PostgreSQL: the work-order workflow issued by update-with-start as the gateway does, its clocks on short
 * calendar-time rules, the one chance (a missed contact goes to the next contractor of the trade, then to
 * the dispatcher when nobody is left), the return visit (satisfied: the order finishes; unsatisfied: a new
 * attempt, and a complaint waiting for its callback reopens), exactly-once Updates and tenant isolation.
 */
import { WithStartWorkflowOperation, WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { randomUUID } from 'crypto';
import { defaultBranchCalendar } from '../libs/domain/src/calendar/china-holidays.util';
import type { WorkOrderPolicy, WorkOrderState } from '../libs/domain/src/work-order/work-order.types';
import { acknowledgeUpdate, dispatchUpdate, resolveUpdate } from './shared/updates';
import { workOrderWorkflowId } from './shared/ids';
import { tenantSearchAttributes } from './shared/search-attributes';
import {
  WORK_ORDER_REFUSED, WorkOrderWorkflowInput, completeWorkOrderUpdate, contractorContactUpdate, onSiteUpdate, reassignWorkOrderUpdate,
  returnVisitUpdate, signWorkOrderUpdate, workOrderIssuedUpdate, workOrderReturnVisitSignal, workOrderStateQuery,
} from './shared/work-order';
import { TENANT_MISMATCH } from './shared/complaint.types';
import type { workOrderWorkflow } from './work-order.workflow';
import { ORG, USERS, complaintInput, eventually, sleep, workflowSuite } from './test-support/harness';

const suite = workflowSuite('work_order_wf');

/** Three plumbers on the branch's list (rank 1, 2, 3) and an electrician; the third plumber has no grant reaching the branch. */
const K = { plumber1: randomUUID(), plumber2: randomUUID(), plumberElsewhere: randomUUID(), electrician: randomUUID() };

beforeAll(async () => {
  const db = suite.env.db;
  const names: Record<string, string> = { plumber1: 'A 水电一队', plumber2: 'B 水电二队', plumberElsewhere: 'C 外区水电', electrician: 'D 电工' };
  for (const [key, id] of Object.entries(K)) {
    await db.query(`INSERT INTO users (id, tenant_id, name) VALUES ($1, $2, $3)`, [id, ORG.tenantId, names[key]]);
  }
  const grant = (user: string, branch: string | null, company: string | null) => db.query(
    `INSERT INTO role_assignments (id, tenant_id, user_id, role, company_id, branch_id) VALUES ($1, $2, $3, 'CONTRACTOR', $4, $5)`,
    [randomUUID(), ORG.tenantId, user, company, branch],
  );
  await grant(K.plumber1, ORG.branchId, null);
  await grant(K.plumber2, null, ORG.companyId);
  await grant(K.electrician, ORG.branchId, null);
  const trade = (user: string, t: string, rank: number) =>
    db.query(`INSERT INTO contractor_trades (tenant_id, user_id, trade, rank) VALUES ($1, $2, $3, $4)`, [ORG.tenantId, user, t, rank]);
  await trade(K.plumber1, 'PLUMBING', 1);
  await trade(K.plumber2, 'PLUMBING', 2);
  await trade(K.plumberElsewhere, 'PLUMBING', 0);
  await trade(K.electrician, 'ELECTRICAL', 1);
});

const started: string[] = [];
afterEach(async () => {
  for (const id of started.splice(0)) await suite.h.client.workflow.getHandle(id).terminate('test finished').catch(() => undefined);
});

const FAR = { after: 'P30D', businessTime: false } as const;
/** Clocks that never fall due mid-test unless a test shortens them. */
const POLICY: WorkOrderPolicy = {
  repairOrderWithin: FAR, visitGrace: 'P30D', completeWithin: FAR, returnVisitAfter: 'P30D', autoReassign: true, maxAttempts: 3,
};

interface Issued { input: WorkOrderWorkflowInput; handle: WorkflowHandle<typeof workOrderWorkflow> }

/** A complaint (its own workflow and row), as the gateway registers it. */
async function complaint() {
  const input = complaintInput();
  const { handle } = await suite.h.intake(input);
  return { input, handle };
}

/** Issues a work order exactly as the gateway does: update-with-start, answered once the row is written. */
async function issue(
  complaintId: string, opts: { policy?: Partial<WorkOrderPolicy>; contact?: string; contractorId?: string; maxHistoryEvents?: number } = {},
): Promise<Issued> {
  const workOrderId = randomUUID();
  const input: WorkOrderWorkflowInput = {
    tenantId: ORG.tenantId, workOrderId, branchId: ORG.branchId, companyId: ORG.companyId, issuedBy: USERS.dispatcher,
    contractorId: opts.contractorId ?? K.plumber1, trade: 'PLUMBING', description: '厨房水管漏水 — kitchen pipe leaking',
    context: {
      complaintId, complaintReceivedAt: Date.now(), complaintCategory: 'PROPERTY_MANAGEMENT', policy: { ...POLICY, ...opts.policy },
      contactRule: opts.contact ? { after: opts.contact, businessTime: false } : FAR,
    },
    calendar: defaultBranchCalendar(),
    ...(opts.maxHistoryEvents !== undefined ? { maxHistoryEvents: opts.maxHistoryEvents } : {}),
  };
  const workflowId = workOrderWorkflowId(ORG.tenantId, workOrderId);
  started.push(workflowId);
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof workOrderWorkflow>('workOrderWorkflow', {
    workflowId, taskQueue: suite.h.taskQueue, args: [input], workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: tenantSearchAttributes(ORG.tenantId),
  });
  const r = await suite.h.client.workflow.executeUpdateWithStart(workOrderIssuedUpdate, { startWorkflowOperation });
  expect(r).toEqual({ workOrderId, status: 'ISSUED', attempt: 1, seq: 1 });
  return { input, handle: suite.h.client.workflow.getHandle<typeof workOrderWorkflow>(workflowId) };
}

const base = (actorId: string) => ({ tenantId: ORG.tenantId, actorId });

async function orderRow(id: string) {
  const [r] = await suite.env.db.query(
    `SELECT status, attempt, contractor_id, awaiting_dispatcher, customer_signed, signed_by_name, return_visit_satisfied, seq, materials, charge_yuan
       FROM work_orders WHERE id = $1 AND tenant_id = $2`, [id, ORG.tenantId],
  );
  return r as Record<string, unknown> | undefined;
}

async function attempts(id: string) {
  return (await suite.env.db.query(
    `SELECT attempt, contractor_id, cause, missed, ended, reopened, return_visit_satisfied, contacted_at IS NOT NULL AS contacted
       FROM work_order_attempts WHERE work_order_id = $1 AND tenant_id = $2 ORDER BY attempt`, [id, ORG.tenantId],
  )) as Record<string, unknown>[];
}

async function eventTypes(id: string): Promise<string[]> {
  const rows: { type: string }[] = await suite.env.db.query(
    `SELECT type FROM work_order_events WHERE work_order_id = $1 AND tenant_id = $2 ORDER BY seq`, [id, ORG.tenantId],
  );
  return rows.map((r) => r.type);
}

test('issue → contact → on site → complete (signed) → a satisfied return visit finishes the order', async () => {
  const c = await complaint();
  const { input, handle } = await issue(c.input.complaintId);
  const id = input.workOrderId;
  expect(await orderRow(id)).toMatchObject({ status: 'ISSUED', attempt: 1, contractor_id: K.plumber1, seq: 1 });

  const bookedFor = Date.now() + 3_600_000;
  expect(await handle.executeUpdate(contractorContactUpdate, { args: [{ ...base(K.plumber1), bookedFor }] })).toMatchObject({ status: 'BOOKED' });
  await handle.executeUpdate(onSiteUpdate, { args: [base(K.plumber1)] });
  const signedAt = Date.now();
  expect(await handle.executeUpdate(completeWorkOrderUpdate, {
    args: [{
      ...base(K.plumber1), chargeYuan: 120, signature: { signedBy: '张女士', signedAt, imageId: null },
      materials: [{ name: '三通接头', source: 'CUSTOMER', amountYuan: null, checkPassed: true }],
    }],
  })).toMatchObject({ status: 'COMPLETED', attempt: 1 });
  expect(await orderRow(id)).toMatchObject({ status: 'COMPLETED', customer_signed: true, signed_by_name: '张女士' });

  await handle.executeUpdate(returnVisitUpdate, { args: [{ ...base(USERS.callbackAgent), method: 'PHONE', satisfied: true, comment: null }] });
  const final = await handle.result();
  expect(final).toMatchObject({ status: 'COMPLETED', attempt: 1, returnVisit: { satisfied: true } });
  expect(await orderRow(id)).toMatchObject({ status: 'COMPLETED', return_visit_satisfied: true, seq: final.seq });
  expect(await eventTypes(id)).toEqual(['ISSUED', 'CONTACTED', 'ON_SITE', 'COMPLETED', 'SIGNED', 'RETURN_VISIT']);
  expect(await attempts(id)).toEqual([expect.objectContaining({ attempt: 1, ended: 'COMPLETED', reopened: false, return_visit_satisfied: true, contacted: true })]);
}, 60_000);

test('a missed contact moves the job to the next contractor automatically (attempt 2); with nobody left the dispatcher is asked', async () => {
  const c = await complaint();
  const { input, handle } = await issue(c.input.complaintId, { contact: 'PT2S' });
  const id = input.workOrderId;

  // Plumber 1 misses the 2 s contact: plumber 2 (next on the branch's list; the one without a grant here is skipped).
  const second = await eventually(async () => {
    const r = await orderRow(id);
    return r?.attempt === 2 ? r : undefined;
  }, 20_000);
  expect(second).toMatchObject({ status: 'REASSIGNED', contractor_id: K.plumber2, awaiting_dispatcher: false });
  expect(await attempts(id)).toEqual([
    expect.objectContaining({ attempt: 1, contractor_id: K.plumber1, cause: 'ISSUED', missed: 'CONTRACTOR_CONTACT', ended: 'MISSED' }),
    expect.objectContaining({ attempt: 2, contractor_id: K.plumber2, cause: 'MISSED', missed: null, ended: null }),
  ]);
  // The order now belongs to plumber 2 (the gateway lets only the current contractor act on it).
  expect(await handle.query(workOrderStateQuery)).toMatchObject({ contractorId: K.plumber2, attempt: 2 });

  // Plumber 2 misses too: nobody of the trade is left on the branch's list → a dispatcher task.
  const waiting = await eventually(async () => {
    const r = await orderRow(id);
    return r?.awaiting_dispatcher === true ? r : undefined;
  }, 20_000);
  expect(waiting).toMatchObject({ attempt: 2, contractor_id: K.plumber2, status: 'REASSIGNED' });
  expect((await attempts(id)).map((a) => [a.attempt, a.missed, a.ended])).toEqual([[1, 'CONTRACTOR_CONTACT', 'MISSED'], [2, 'CONTRACTOR_CONTACT', 'MISSED']]);
  expect(await eventTypes(id)).toEqual([
    'ISSUED', 'DEADLINE_BREACHED', 'MISSED', 'REASSIGNED', 'DEADLINE_BREACHED', 'MISSED', 'AWAITING_DISPATCHER',
  ]);

  // The dispatcher reassigns (the electrician, say): attempt 3, waiting for their contact.
  const r = await handle.executeUpdate(reassignWorkOrderUpdate, { args: [{ ...base(USERS.dispatcher), contractorId: K.electrician, reason: '水电队都没联系' }] });
  expect(r).toMatchObject({ status: 'REASSIGNED', attempt: 3 });
  expect(await orderRow(id)).toMatchObject({ awaiting_dispatcher: false, contractor_id: K.electrician, attempt: 3 });
  expect((await attempts(id))[2]).toMatchObject({ cause: 'STAFF_REASSIGNED', contractor_id: K.electrician });
}, 60_000);

test('an unsatisfied return visit opens a new attempt with the same contractor and reopens the complaint waiting for its callback', async () => {
  const c = await complaint();
  const h = c.handle;
  await h.executeUpdate(dispatchUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.dispatcher, assigneeId: USERS.handler, note: null }] });
  await h.executeUpdate(acknowledgeUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.handler }] });
  const { input, handle } = await issue(c.input.complaintId);
  const id = input.workOrderId;
  await handle.executeUpdate(contractorContactUpdate, { args: [{ ...base(K.plumber1), bookedFor: Date.now() + 60_000 }] });
  await handle.executeUpdate(completeWorkOrderUpdate, { args: [{ ...base(K.plumber1), materials: [], chargeYuan: null, signature: null }] });
  // The customer signs later.
  await handle.executeUpdate(signWorkOrderUpdate, { args: [{ ...base(K.plumber1), signature: { signedBy: '张女士', signedAt: Date.now(), imageId: null } }] });
  expect(await orderRow(id)).toMatchObject({ customer_signed: true });
  await h.executeUpdate(resolveUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.handler, resolution: 'pipe replaced', customerSigned: true }] });
  expect((await suite.h.state(c.input)).status).toBe('CALLBACK_PENDING');

  const r = await handle.executeUpdate(returnVisitUpdate, {
    args: [{ ...base(USERS.callbackAgent), method: 'VISIT', satisfied: false, comment: '还在漏' }],
  });
  expect(r).toMatchObject({ status: 'ISSUED', attempt: 2 });
  expect(await attempts(id)).toEqual([
    expect.objectContaining({ attempt: 1, contractor_id: K.plumber1, ended: 'COMPLETED', reopened: true, return_visit_satisfied: false }),
    expect.objectContaining({ attempt: 2, contractor_id: K.plumber1, cause: 'REOPENED', ended: null }),
  ]);
  expect(await orderRow(id)).toMatchObject({ status: 'ISSUED', attempt: 2, customer_signed: false });
  const state: WorkOrderState = await handle.query(workOrderStateQuery);
  expect(state.signature).toBeNull();

  // The complaint recorded an unsatisfied callback and reopened (round 2, back with its handler).
  const complaintState = await eventually(async () => {
    const s = await suite.h.state(c.input);
    return s.status === 'DISPATCHED' ? s : undefined;
  });
  expect(complaintState).toMatchObject({ round: 2, satisfied: false, lastCallbackMethod: 'VISIT' });
  const callback = (await suite.h.timeline(c.input.complaintId)).find((e) => e.type === 'CALLBACK');
  expect(callback).toMatchObject({ actor: USERS.callbackAgent, data: { satisfied: false, method: 'VISIT', comment: `work order ${id} return visit unsatisfied: 还在漏` } });
  expect((await suite.h.timeline(c.input.complaintId)).map((e) => e.type)).toContain('REOPENED');
}, 60_000);

test('the same Update id twice is applied once; another tenant\'s Update and a refused status say why', async () => {
  const c = await complaint();
  const { input, handle } = await issue(c.input.complaintId);
  const id = input.workOrderId;
  const contact = { args: [{ ...base(K.plumber1), bookedFor: Date.now() + 60_000 }] as [never], updateId: `action-${id}-req-1` };
  const first = await handle.executeUpdate(contractorContactUpdate, contact);
  const again = await handle.executeUpdate(contractorContactUpdate, contact);
  expect(again).toEqual(first);
  expect(await eventTypes(id)).toEqual(['ISSUED', 'CONTACTED']);

  const failure = async (p: Promise<unknown>): Promise<ApplicationFailure> => {
    const err = await p.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    return (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
  };
  const other = await failure(handle.executeUpdate(onSiteUpdate, { args: [{ tenantId: randomUUID(), actorId: K.plumber1 }] }));
  expect(other.type).toBe(TENANT_MISMATCH);
  const refused = await failure(handle.executeUpdate(returnVisitUpdate, { args: [{ ...base(USERS.callbackAgent), method: 'PHONE', satisfied: true, comment: null }] }));
  expect(refused.type).toBe(WORK_ORDER_REFUSED);
  expect(refused.details).toEqual([{ code: 'NOT_ALLOWED_IN_STATUS' }]);
  // Nothing of it reached the order.
  await sleep(200);
  expect(await eventTypes(id)).toEqual(['ISSUED', 'CONTACTED']);
  expect(await orderRow(id)).toMatchObject({ status: 'BOOKED', seq: 2 });

  // Issuing again with the same id joins the running order (update-with-start, USE_EXISTING): no second row.
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof workOrderWorkflow>('workOrderWorkflow', {
    workflowId: workOrderWorkflowId(ORG.tenantId, id), taskQueue: suite.h.taskQueue, args: [input], workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: tenantSearchAttributes(ORG.tenantId),
  });
  expect(await suite.h.client.workflow.executeUpdateWithStart(workOrderIssuedUpdate, { startWorkflowOperation })).toMatchObject({ status: 'BOOKED', seq: 2 });
}, 60_000);

test('continue-as-new carries the state and the applied retry keys', async () => {
  const c = await complaint();
  const { input, handle } = await issue(c.input.complaintId, { maxHistoryEvents: 12 });
  const id = input.workOrderId;
  const firstRun = (await handle.describe()).runId;
  const contact = { args: [{ ...base(K.plumber1), bookedFor: Date.now() + 60_000 }] as [never], updateId: `action-${id}-contact` };
  const booked = await handle.executeUpdate(contractorContactUpdate, contact);
  await handle.executeUpdate(onSiteUpdate, { args: [base(K.plumber1)] });
  await handle.executeUpdate(completeWorkOrderUpdate, { args: [{ ...base(K.plumber1), materials: [], chargeYuan: null, signature: null }] });
  await eventually(async () => ((await handle.describe()).runId !== firstRun ? true : undefined));
  // The new run knows the order and the contact's retry key: the retry gets its first outcome, nothing is applied again.
  expect(await handle.query(workOrderStateQuery)).toMatchObject({ status: 'COMPLETED', attempt: 1 });
  expect(await handle.executeUpdate(contractorContactUpdate, contact)).toEqual(booked);
  await handle.executeUpdate(returnVisitUpdate, { args: [{ ...base(USERS.callbackAgent), method: 'PHONE', satisfied: true, comment: null }] });
  expect(await handle.result()).toMatchObject({ status: 'COMPLETED', returnVisit: { satisfied: true } });
  expect(await eventTypes(id)).toEqual(['ISSUED', 'CONTACTED', 'ON_SITE', 'COMPLETED', 'RETURN_VISIT']);
}, 60_000);

test('a complaint not waiting for its callback ignores the work order\'s signal, as it ignores another tenant\'s', async () => {
  const c = await complaint();
  await c.handle.executeUpdate(dispatchUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.dispatcher, assigneeId: USERS.handler, note: null }] });
  const sig = { workOrderId: randomUUID(), actorId: USERS.callbackAgent, method: 'PHONE' as const, comment: 'x' };
  await c.handle.signal(workOrderReturnVisitSignal, { ...sig, tenantId: ORG.tenantId });
  await c.handle.signal(workOrderReturnVisitSignal, { ...sig, tenantId: randomUUID() });
  await c.handle.signal(workOrderReturnVisitSignal, { ...sig, tenantId: ORG.tenantId, method: 'PIGEON' as never });
  await sleep(500);
  const s = await suite.h.state(c.input);
  expect(s).toMatchObject({ status: 'DISPATCHED', round: 1 });
  expect((await suite.h.timeline(c.input.complaintId)).map((e) => e.type)).not.toContain('CALLBACK');
}, 60_000);
