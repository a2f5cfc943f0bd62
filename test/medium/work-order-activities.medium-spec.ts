/**
 * The work orders' persistence against the real PostgreSQL, as the application role (row-level
 * security applies): the worker's persistWorkOrder (idempotent, never backwards, attempts and
 * timeline), nextContractor (the branch's list for a trade), the gateway's read side (contractor
 * lists, trades, the work orders blocking a resolution) and the scorecard against a hand-computed set.
 */
import { randomUUID } from 'crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { ComplaintActivitiesService } from '../../apps/worker/src/activities/complaint.activities';
import { WorkOrderActivitiesService } from '../../apps/worker/src/activities/work-order.activities';
import type { Category } from '../../libs/domain/src/enums';
import { periodBounds } from '../../libs/domain/src/work-order/period.util';
import type {
  WorkOrderAttempt, WorkOrderDeadline, WorkOrderEvent, WorkOrderState,
} from '../../libs/domain/src/work-order/work-order.types';
import { tenantTransaction } from '../../libs/persistence/src/tenant-transaction';
import {
  blockingWorkOrders, branchContractors, contractorScorecard, contractorTrades, setContractorTrades,
} from '../../libs/persistence/src/work-order.repository';
import { DATA_REJECTED } from '../../workflows/shared/complaint.types';
import { workOrderWorkflowId } from '../../workflows/shared/ids';
import type { PersistWorkOrderArgs } from '../../workflows/shared/work-order';
import { MediumDatabase, SeededOrganisation, insertBranch, insertOrganisation, openDatabase, registerArgs, thrown } from './medium-support';

const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;

let m: MediumDatabase;
let a: SeededOrganisation;
let b: SeededOrganisation;
let service: WorkOrderActivitiesService;
let complaints: ComplaintActivitiesService;

beforeAll(async () => {
  m = await openDatabase('medium_work_orders');
  a = await insertOrganisation(m.db, {
    branchCode: 'WA01', users: ['first', 'Zhao', 'An', 'Bai', 'Other', 'NoGrant', 'Handler', 'Xu', 'Yang', 'Issuer'],
  });
  b = await insertOrganisation(m.db, { branchCode: 'WB01', users: ['b-first', 'Bee'] });
  service = new WorkOrderActivitiesService(m.app);
  complaints = new ComplaintActivitiesService(m.app);
});
afterAll(async () => {
  await m?.close();
});

async function complaintOf(o: SeededOrganisation, branchId = o.branchId, code = o.branchCode): Promise<string> {
  const args = registerArgs(o, { branchId, branchCode: code });
  await complaints.registerComplaint(args);
  return args.complaintId;
}

async function grant(o: SeededOrganisation, userId: string, role: string, where: { branchId?: string | null; companyId?: string | null }): Promise<void> {
  await m.db.query(
    `INSERT INTO role_assignments (tenant_id, user_id, role, company_id, branch_id) VALUES ($1, $2, $3, $4, $5)`,
    [o.tenantId, userId, role, where.companyId ?? null, where.branchId ?? null],
  );
}

function attemptOf(p: Partial<WorkOrderAttempt> & Pick<WorkOrderAttempt, 'attempt' | 'contractorId' | 'startedAt'>): WorkOrderAttempt {
  return {
    cause: p.attempt === 1 ? 'ISSUED' : 'MISSED', contactDueAt: p.startedAt + 30 * MIN, contactedAt: null, bookedFor: null, onSiteAt: null,
    completionDueAt: null, completedAt: null, missed: null, ended: null, reopened: false, returnVisitSatisfied: null, ...p,
  };
}

function stateOf(attempts: WorkOrderAttempt[], over: Partial<WorkOrderState> = {}): WorkOrderState {
  const last = attempts[attempts.length - 1];
  return {
    status: 'ISSUED', attempt: last.attempt, contractorId: last.contractorId, trade: 'PLUMBING', description: 'Leaking pipe under the sink',
    issuedAt: attempts[0].startedAt, contactedAt: last.contactedAt, bookedFor: last.bookedFor, onSiteAt: last.onSiteAt,
    completedAt: last.completedAt, materials: [], chargeYuan: null, signature: null, returnVisit: null, awaitingDispatcher: false,
    cancelledReason: null, attempts, deadlines: [], seq: 1, ...over,
  };
}

function deadline(kind: WorkOrderDeadline['kind'], attempt: number, startedAt: number, dueAt: number, end: Partial<WorkOrderDeadline> = {}): WorkOrderDeadline {
  return { kind, attempt, startedAt, dueAt, metAt: null, breachedAt: null, cancelledAt: null, ...end };
}

function ev(seq: number, type: WorkOrderEvent['type'], at: number, actorId: string | null = null, payload: Record<string, unknown> = {}): WorkOrderEvent {
  return { seq, type, at, actorId, payload };
}

function args(
  o: SeededOrganisation, workOrderId: string, complaintId: string, state: WorkOrderState, events: WorkOrderEvent[],
  opts: { branchId?: string; category?: Category | null } = {},
): PersistWorkOrderArgs {
  return {
    tenantId: o.tenantId, workOrderId, complaintId, branchId: opts.branchId ?? o.branchId, companyId: o.companyId,
    workflowId: workOrderWorkflowId(o.tenantId, workOrderId), category: opts.category === undefined ? 'PROPERTY_MANAGEMENT' : opts.category,
    issuedBy: o.users.Issuer ?? null, state, events,
  };
}

const orderRow = async (id: string): Promise<Record<string, unknown>> =>
  (await m.db.query(`SELECT status, attempt, seq, contractor_id, contact_due_at, contacted_at, booked_for, completed_at, customer_signed,
                            signed_by_name, signed_at, charge_yuan, materials, return_visit_due_at, return_visit_at, return_visit_satisfied,
                            awaiting_dispatcher, issued_by, (state->>'seq')::int AS state_seq
                       FROM work_orders WHERE id = $1`, [id]))[0];

const attemptRows = async (id: string): Promise<Record<string, unknown>[]> =>
  m.db.query(`SELECT attempt, contractor_id, cause, category, trade, contacted_at, completion_due_at, missed, ended FROM work_order_attempts
               WHERE work_order_id = $1 ORDER BY attempt`, [id]);

const eventRows = async (id: string): Promise<{ seq: number; type: string; actor_id: string | null }[]> =>
  m.db.query(`SELECT seq, type, actor_id FROM work_order_events WHERE work_order_id = $1 ORDER BY seq`, [id]);

// The orders of the other tests are in 2026-Q2: the scorecard's quarter holds only its hand-computed set.
describe('persistWorkOrder', () => {
  it('is idempotent, never moves the row backwards, and keeps one event per seq', async () => {
    const complaintId = await complaintOf(a);
    const id = randomUUID();
    const t0 = Date.parse('2026-05-04T02:00:00Z');
    const zhao = a.users.Zhao;
    const a1 = attemptOf({ attempt: 1, contractorId: zhao, startedAt: t0 });
    const first = args(a, id, complaintId, stateOf([a1], { seq: 1, deadlines: [deadline('CONTRACTOR_CONTACT', 1, t0, t0 + 30 * MIN)] }),
      [ev(1, 'ISSUED', t0, a.users.Issuer, { contractorId: zhao })]);
    await service.persistWorkOrder(first);
    await service.persistWorkOrder(first);
    expect(await eventRows(id)).toEqual([{ seq: 1, type: 'ISSUED', actor_id: a.users.Issuer }]);
    expect(await orderRow(id)).toMatchObject({ status: 'ISSUED', attempt: 1, seq: 1, contractor_id: zhao, issued_by: a.users.Issuer,
      contact_due_at: new Date(t0 + 30 * MIN), customer_signed: false });

    // Contacted and booked (seq 2), then the contact deadline met; the completion clock from the booking.
    const booked = t0 + D;
    const contacted = { ...a1, contactedAt: t0 + 10 * MIN, bookedFor: booked };
    const second = args(a, id, complaintId, stateOf([contacted], {
      status: 'BOOKED', seq: 2, deadlines: [
        deadline('CONTRACTOR_CONTACT', 1, t0, t0 + 30 * MIN, { metAt: t0 + 10 * MIN }),
        deadline('VISIT', 1, t0 + 10 * MIN, booked + 30 * MIN), deadline('COMPLETION', 1, t0 + 10 * MIN, booked + D),
      ],
    }), [ev(2, 'CONTACTED', t0 + 10 * MIN, zhao, { bookedFor: booked })]);
    await service.persistWorkOrder(second);
    // A retry of the older write arriving late: its event is already there, the row stays at seq 2.
    await service.persistWorkOrder(first);
    expect(await orderRow(id)).toMatchObject({ status: 'BOOKED', seq: 2, state_seq: 2, contacted_at: new Date(t0 + 10 * MIN), booked_for: new Date(booked),
      // No open contact clock: the latest one's due time.
      contact_due_at: new Date(t0 + 30 * MIN) });
    // The attempt's completion due time comes from its COMPLETION deadline when the attempt does not carry it.
    expect(await attemptRows(id)).toEqual([{ attempt: 1, contractor_id: zhao, cause: 'ISSUED', category: 'PROPERTY_MANAGEMENT', trade: 'PLUMBING',
      contacted_at: new Date(t0 + 10 * MIN), completion_due_at: new Date(booked + D), missed: null, ended: null }]);
    expect((await eventRows(id)).map((e) => e.seq)).toEqual([1, 2]);

    // The visit missed: attempt 1 recorded against Zhao, attempt 2 with An; the open contact clock is An's.
    const t2 = booked + 30 * MIN;
    const missed = { ...contacted, missed: 'VISIT' as const, ended: 'MISSED' as const };
    const a2 = attemptOf({ attempt: 2, contractorId: a.users.An, startedAt: t2 });
    const third = args(a, id, complaintId, stateOf([missed, a2], {
      status: 'REASSIGNED', seq: 4, contactedAt: null, bookedFor: null, deadlines: [
        ...second.state.deadlines.slice(0, 1), deadline('VISIT', 1, t0 + 10 * MIN, t2, { breachedAt: t2 }),
        deadline('COMPLETION', 1, t0 + 10 * MIN, booked + D, { cancelledAt: t2 }), deadline('CONTRACTOR_CONTACT', 2, t2, t2 + 30 * MIN),
      ],
    }), [ev(3, 'MISSED', t2, null, { kind: 'VISIT' }), ev(4, 'REASSIGNED', t2, 'system', { contractorId: a.users.An })]);
    await service.persistWorkOrder(third);
    await service.persistWorkOrder(second);
    expect(await orderRow(id)).toMatchObject({ status: 'REASSIGNED', attempt: 2, seq: 4, contractor_id: a.users.An, contact_due_at: new Date(t2 + 30 * MIN) });
    expect((await attemptRows(id)).map((r) => [r.attempt, r.contractor_id, r.missed, r.ended, r.cause])).toEqual([
      [1, zhao, 'VISIT', 'MISSED', 'ISSUED'], [2, a.users.An, null, null, 'MISSED'],
    ]);
    // A system event has no actor id (only a user id goes in actor_id).
    expect(await eventRows(id)).toEqual([
      { seq: 1, type: 'ISSUED', actor_id: a.users.Issuer }, { seq: 2, type: 'CONTACTED', actor_id: zhao },
      { seq: 3, type: 'MISSED', actor_id: null }, { seq: 4, type: 'REASSIGNED', actor_id: null },
    ]);
  });

  it('projects the completion: materials, charge, signature and the return visit', async () => {
    const complaintId = await complaintOf(a);
    const id = randomUUID();
    const t0 = Date.parse('2026-05-05T02:00:00Z');
    const done = attemptOf({ attempt: 1, contractorId: a.users.Bai, startedAt: t0, contactedAt: t0 + MIN, bookedFor: t0 + H, completionDueAt: t0 + D,
      completedAt: t0 + 2 * H, ended: 'COMPLETED', returnVisitSatisfied: true });
    const state = stateOf([done], {
      status: 'COMPLETED', seq: 5, chargeYuan: 120.5,
      materials: [{ name: 'Valve', source: 'COMPANY', amountYuan: 35, checkPassed: true }],
      signature: { signedBy: '张女士', signedAt: t0 + 2 * H, imageId: null },
      returnVisit: { at: t0 + 3 * D, actorId: a.users.Issuer, method: 'PHONE', satisfied: true, comment: null },
      deadlines: [deadline('RETURN_VISIT', 1, t0 + 2 * H, t0 + 2 * H + 3 * D, { metAt: t0 + 3 * D })],
    });
    await service.persistWorkOrder(args(a, id, complaintId, state, [ev(5, 'RETURN_VISIT', t0 + 3 * D, a.users.Issuer)]));
    expect(await orderRow(id)).toMatchObject({
      status: 'COMPLETED', customer_signed: true, signed_by_name: '张女士', signed_at: new Date(t0 + 2 * H), charge_yuan: '120.50',
      materials: [{ name: 'Valve', source: 'COMPANY', amountYuan: 35, checkPassed: true }], return_visit_due_at: new Date(t0 + 2 * H + 3 * D),
      return_visit_at: new Date(t0 + 3 * D), return_visit_satisfied: true, completed_at: new Date(t0 + 2 * H),
    });
  });

  it('rejects for good (DATA_REJECTED, not retried) a write that can never succeed, and writes nothing of it', async () => {
    const complaintId = await complaintOf(a);
    const id = randomUUID();
    const t0 = Date.parse('2026-05-06T02:00:00Z');
    const one = attemptOf({ attempt: 1, contractorId: a.users.Zhao, startedAt: t0 });
    // Caught before the database: a contractor that is no user id.
    const bad = await thrown(() => service.persistWorkOrder(args(a, id, complaintId, stateOf([one], { contractorId: 'nobody' }), [])));
    expect(bad).toBeInstanceOf(ApplicationFailure);
    expect((bad as ApplicationFailure).type).toBe(DATA_REJECTED);
    expect((bad as ApplicationFailure).nonRetryable).toBe(true);
    // Refused by the database (numeric overflow of the charge): classified deterministic, rolled back as a whole.
    const huge = await thrown(() => service.persistWorkOrder(args(a, id, complaintId, stateOf([one], { chargeYuan: 1e13 }), [ev(1, 'ISSUED', t0)])));
    expect((huge as ApplicationFailure).type).toBe(DATA_REJECTED);
    expect((huge as ApplicationFailure).nonRetryable).toBe(true);
    expect((huge as ApplicationFailure).message).not.toContain('10000000000000');
    expect(await orderRow(id)).toBeUndefined();
    expect(await eventRows(id)).toEqual([]);
  });
});

describe('the branch contractor list (nextContractor, branchContractors)', () => {
  let branch2: string;
  beforeAll(async () => {
    branch2 = await insertBranch(m.db, a, 'WA02');
    const u = a.users;
    await grant(a, u.Zhao, 'CONTRACTOR', { branchId: a.branchId, companyId: a.companyId });
    await grant(a, u.Bai, 'CONTRACTOR', { branchId: a.branchId, companyId: a.companyId });
    // Company-wide: reaches every branch of the company.
    await grant(a, u.An, 'CONTRACTOR', { companyId: a.companyId });
    await grant(a, u.Other, 'CONTRACTOR', { branchId: branch2, companyId: a.companyId });
    await grant(a, u.Handler, 'HANDLER', { branchId: a.branchId, companyId: a.companyId });
    await setContractorTrades(m.app, a.tenantId, u.Zhao, [{ trade: 'PLUMBING', rank: 1 }, { trade: 'ELECTRICAL', rank: 5 }]);
    await setContractorTrades(m.app, a.tenantId, u.Bai, [{ trade: 'PLUMBING', rank: 2 }]);
    await setContractorTrades(m.app, a.tenantId, u.An, [{ trade: 'PLUMBING', rank: 2 }]);
    // Better ranked, but not on this branch's list: another branch only, no contractor grant, not a contractor.
    for (const who of [u.Other, u.NoGrant, u.Handler]) await setContractorTrades(m.app, a.tenantId, who, [{ trade: 'PLUMBING', rank: 0 }]);
    // Another tenant's plumber (its own branch and grant) never reaches tenant A.
    await grant(b, b.users.Bee, 'CONTRACTOR', { branchId: b.branchId, companyId: b.companyId });
    await setContractorTrades(m.app, b.tenantId, b.users.Bee, [{ trade: 'PLUMBING', rank: 0 }]);
  });

  const next = (exclude: string[], branchId = a.branchId, trade: 'PLUMBING' | 'GREENING' | 'ELECTRICAL' = 'PLUMBING'): Promise<string | null> =>
    service.nextContractor({ tenantId: a.tenantId, branchId, companyId: a.companyId, trade, exclude });

  it('takes the list by rank, then name (An before Bai at rank 2), skipping who was tried, and answers null when nobody is left', async () => {
    const u = a.users;
    expect(await next([])).toBe(u.Zhao);
    expect(await next([u.Zhao])).toBe(u.An);
    expect(await next([u.Zhao, u.An])).toBe(u.Bai);
    expect(await next([u.Zhao, u.An, u.Bai])).toBeNull();
    expect(await next([], a.branchId, 'GREENING')).toBeNull();
    expect(await next([], a.branchId, 'ELECTRICAL')).toBe(u.Zhao);
    // The other branch: its own contractor and the company-wide one, not the first branch's.
    expect(await next([], branch2)).toBe(u.Other);
    expect(await next([u.Other], branch2)).toBe(u.An);
    expect(await next([u.Other, u.An], branch2)).toBeNull();
  });

  it('lists the branch\'s contractors with their trades, and each user\'s trades', async () => {
    const u = a.users;
    const list = await branchContractors(m.app, a.tenantId, { branchId: a.branchId, companyId: a.companyId, trade: 'PLUMBING' });
    expect(list).toEqual([
      { userId: u.Zhao, name: 'Zhao', trades: [{ trade: 'PLUMBING', rank: 1 }, { trade: 'ELECTRICAL', rank: 5 }] },
      { userId: u.An, name: 'An', trades: [{ trade: 'PLUMBING', rank: 2 }] },
      { userId: u.Bai, name: 'Bai', trades: [{ trade: 'PLUMBING', rank: 2 }] },
    ]);
    expect((await branchContractors(m.app, a.tenantId, { branchId: a.branchId, companyId: a.companyId, trade: 'ELECTRICAL' })).map((c) => c.name)).toEqual(['Zhao']);
    expect((await branchContractors(m.app, a.tenantId, { branchId: branch2, companyId: a.companyId })).map((c) => c.name)).toEqual(['Other', 'An']);
    const trades = await contractorTrades(m.app, a.tenantId, [u.Zhao, u.Xu]);
    expect([...trades.entries()]).toEqual([[u.Zhao, [{ trade: 'PLUMBING', rank: 1 }, { trade: 'ELECTRICAL', rank: 5 }]], [u.Xu, []]]);
    // Replacing: the old trades go.
    expect(await setContractorTrades(m.app, a.tenantId, u.Xu, [{ trade: 'GREENING', rank: 3 }, { trade: 'GREENING', rank: 9 }])).toEqual([{ trade: 'GREENING', rank: 3 }]);
    expect(await setContractorTrades(m.app, a.tenantId, u.Xu, [{ trade: 'CLEANING', rank: 1 }])).toEqual([{ trade: 'CLEANING', rank: 1 }]);
    expect(await setContractorTrades(m.app, a.tenantId, u.Xu, [])).toEqual([]);
  });

  it('never crosses tenants: tenant B finds nobody for tenant A\'s branch, and sees none of A\'s trades', async () => {
    expect(await service.nextContractor({ tenantId: b.tenantId, branchId: a.branchId, companyId: a.companyId, trade: 'PLUMBING', exclude: [] })).toBeNull();
    expect(await service.nextContractor({ tenantId: b.tenantId, branchId: b.branchId, companyId: b.companyId, trade: 'PLUMBING', exclude: [] })).toBe(b.users.Bee);
    expect([...(await contractorTrades(m.app, b.tenantId, [a.users.Zhao])).values()]).toEqual([[]]);
    expect(await branchContractors(m.app, b.tenantId, { branchId: a.branchId, companyId: a.companyId })).toEqual([]);
  });
});

describe('blockingWorkOrders', () => {
  it('names the open and the completed-but-unsigned work orders of the complaint, not the signed or cancelled ones', async () => {
    const complaintId = await complaintOf(a);
    const t0 = Date.parse('2026-05-10T02:00:00Z');
    const ids = { open: randomUUID(), unsigned: randomUUID(), signed: randomUUID(), cancelled: randomUUID() };
    const base = attemptOf({ attempt: 1, contractorId: a.users.Zhao, startedAt: t0 });
    await service.persistWorkOrder(args(a, ids.open, complaintId, stateOf([base], { status: 'BOOKED', issuedAt: t0 }), []));
    await service.persistWorkOrder(args(a, ids.unsigned, complaintId, stateOf([base], { status: 'COMPLETED', issuedAt: t0 + 1 }), []));
    await service.persistWorkOrder(args(a, ids.signed, complaintId, stateOf([base], {
      status: 'COMPLETED', issuedAt: t0 + 2, signature: { signedBy: '张女士', signedAt: t0 + 3, imageId: null },
    }), []));
    await service.persistWorkOrder(args(a, ids.cancelled, complaintId, stateOf([base], { status: 'CANCELLED', issuedAt: t0 + 3 }), []));
    expect(await blockingWorkOrders(m.app, a.tenantId, complaintId)).toEqual([
      { id: ids.open, status: 'BOOKED', customerSigned: false, trade: 'PLUMBING' },
      { id: ids.unsigned, status: 'COMPLETED', customerSigned: false, trade: 'PLUMBING' },
    ]);
    // Another tenant asking about this complaint sees nothing.
    expect(await blockingWorkOrders(m.app, b.tenantId, complaintId)).toEqual([]);
  });
});

describe('contractorScorecard against a hand-computed set (2026-Q3, Asia/Shanghai)', () => {
  const bounds = periodBounds('2026-Q3', 'Asia/Shanghai');
  if (!bounds) throw new Error('bounds');
  const T = Date.parse('2026-08-03T02:00:00Z');
  const now = Date.parse('2026-10-15T00:00:00Z');
  let branch3: string;
  let X: string;
  let Y: string;

  beforeAll(async () => {
    X = a.users.Xu;
    Y = a.users.Yang;
    branch3 = await insertBranch(m.db, a, 'WA03');
    const c1 = await complaintOf(a);
    const c3 = await complaintOf(a, branch3, 'WA03');
    const order = async (category: Category, attempts: WorkOrderAttempt[], branchId = a.branchId, complaintId = c1): Promise<void> => {
      await service.persistWorkOrder(args(a, randomUUID(), complaintId, stateOf(attempts, { seq: 9 }), [], { branchId, category }));
    };
    // WO1 (PROPERTY_MANAGEMENT): X on time, completed on time, reopened by an unsatisfied return visit;
    // X again (REOPENED): contact 10 min late, completion a day late, return visit satisfied.
    await order('PROPERTY_MANAGEMENT', [
      attemptOf({ attempt: 1, contractorId: X, startedAt: T, contactedAt: T + 10 * MIN, bookedFor: T + D, completionDueAt: T + 2 * D,
        completedAt: T + D + 2 * H, ended: 'COMPLETED', reopened: true, returnVisitSatisfied: false }),
      attemptOf({ attempt: 2, contractorId: X, cause: 'REOPENED', startedAt: T + 5 * D, contactedAt: T + 5 * D + 40 * MIN, bookedFor: T + 6 * D,
        completionDueAt: T + 7 * D, completedAt: T + 8 * D, ended: 'COMPLETED', returnVisitSatisfied: true }),
    ]);
    // WO2 (PROPERTY_MANAGEMENT): X misses the contact; Y (third party) contacts on time, completes on time, no return visit yet.
    await order('PROPERTY_MANAGEMENT', [
      attemptOf({ attempt: 1, contractorId: X, startedAt: T + D, missed: 'CONTRACTOR_CONTACT', ended: 'MISSED' }),
      attemptOf({ attempt: 2, contractorId: Y, startedAt: T + D + 30 * MIN, contactedAt: T + D + 50 * MIN, bookedFor: T + 2 * D,
        completionDueAt: T + 3 * D, completedAt: T + 2 * D + 3 * H, ended: 'COMPLETED' }),
    ]);
    // WO3 (CUSTOMER_SERVICE): Y contacts on time, misses the visit; X contacts on time, not completed, its completion due passed.
    await order('CUSTOMER_SERVICE', [
      attemptOf({ attempt: 1, contractorId: Y, startedAt: T + 10 * D, contactedAt: T + 10 * D + 20 * MIN, bookedFor: T + 11 * D,
        completionDueAt: T + 12 * D, missed: 'VISIT', ended: 'MISSED' }),
      attemptOf({ attempt: 2, contractorId: X, startedAt: T + 11 * D + H, contactedAt: T + 11 * D + H + 5 * MIN, bookedFor: T + 12 * D,
        completionDueAt: T + 13 * D }),
    ]);
    // WO4 (CUSTOMER_SERVICE, on branch WA03): X on time throughout, return visit satisfied.
    await order('CUSTOMER_SERVICE', [
      attemptOf({ attempt: 1, contractorId: X, startedAt: T + 20 * D, contactedAt: T + 20 * D + 5 * MIN, bookedFor: T + 21 * D,
        completionDueAt: T + 22 * D, completedAt: T + 21 * D + 4 * H, ended: 'COMPLETED', returnVisitSatisfied: true }),
    ], branch3, c3);
    // WO6 (CUSTOMER_SERVICE): Y's attempt starts exactly at the quarter's first instant (in) and is reassigned by staff
    // before the contact was due (nothing decided); X's attempt is cancelled before any contact (nothing decided).
    await order('CUSTOMER_SERVICE', [
      attemptOf({ attempt: 1, contractorId: Y, startedAt: bounds.fromMs, ended: 'REASSIGNED' }),
      attemptOf({ attempt: 2, contractorId: X, cause: 'STAFF_REASSIGNED', startedAt: bounds.fromMs + 10 * MIN, ended: 'CANCELLED' }),
    ]);
    // Outside the quarter: X one millisecond before it (perfect figures), Y exactly at its end (a miss).
    await order('PROPERTY_MANAGEMENT', [
      attemptOf({ attempt: 1, contractorId: X, startedAt: bounds.fromMs - 1, contactedAt: bounds.fromMs + MIN, bookedFor: bounds.fromMs + H,
        completionDueAt: bounds.fromMs + D, completedAt: bounds.fromMs + 2 * H, ended: 'COMPLETED', returnVisitSatisfied: true }),
    ]);
    await order('PROPERTY_MANAGEMENT', [attemptOf({ attempt: 1, contractorId: Y, startedAt: bounds.toMs, missed: 'CONTRACTOR_CONTACT', ended: 'MISSED' })]);
  });

  it('counts each contractor\'s attempts of the quarter exactly as computed by hand, and ranks them', async () => {
    const card = await contractorScorecard(m.app, a.tenantId, { ...bounds, nowMs: now });
    // X's attempts in the quarter: WO1#1, WO1#2, WO2#1, WO3#2, WO4#1, WO6#2 → orders 6.
    //   contact on time: WO1#1, WO3#2, WO4#1 = 3; decided (made or missed): WO1#1, WO1#2 (late), WO2#1 (missed), WO3#2, WO4#1 = 5 → 0.6
    //   completion on time: WO1#1, WO4#1 = 2; decided (booked and completed / due passed / visit missed):
    //     WO1#1, WO1#2 (late), WO3#2 (due T+13d passed), WO4#1 = 4 → 0.5
    //   completed: WO1#1, WO1#2, WO4#1 = 3; first-time fixes (not reopened): WO1#2, WO4#1 = 2 → 2/3
    //   return visits: WO1#1 (no), WO1#2 (yes), WO4#1 (yes) = 3, satisfied 2 → 2/3; misses: WO2#1 = 1
    // Y's: WO2#2, WO3#1, WO6#1 (at the first instant) → orders 3.
    //   contact on time: WO2#2, WO3#1 = 2; decided 2 (WO6#1 reassigned undecided) → 1
    //   completion on time: WO2#2 = 1; decided: WO2#2, WO3#1 (visit missed) = 2 → 0.5
    //   completed 1, first-time fixes 1 → 1; return visits 0 → satisfaction 0 (count 0 shown); misses: WO3#1 = 1
    // Ranking: satisfaction X 2/3 > Y 0, so X first although Y's first-time-fix rate is higher.
    expect(card.map((c) => ({ ...c, byCategory: undefined }))).toEqual([
      {
        contractorId: X, name: 'Xu', rank: 1, byCategory: undefined,
        orders: 6, contactsOnTime: 3, contactsDecided: 5, completionsOnTime: 2, completionsDecided: 4, completed: 3, firstTimeFixes: 2,
        returnVisits: 3, satisfied: 2, misses: 1,
        onTimeContactRate: 0.6, onTimeCompletionRate: 0.5, firstTimeFixRate: 2 / 3, satisfactionRate: 2 / 3,
      },
      {
        contractorId: Y, name: 'Yang', rank: 2, byCategory: undefined,
        orders: 3, contactsOnTime: 2, contactsDecided: 2, completionsOnTime: 1, completionsDecided: 2, completed: 1, firstTimeFixes: 1,
        returnVisits: 0, satisfied: 0, misses: 1,
        onTimeContactRate: 1, onTimeCompletionRate: 0.5, firstTimeFixRate: 1, satisfactionRate: 0,
      },
    ]);
    // Per category (the complaint's category at issue):
    // X, PROPERTY_MANAGEMENT (WO1#1, WO1#2, WO2#1): orders 3, contact on time 1 of 3 decided, completion on time 1 of 2,
    //   completed 2, first-time 1, return visits 2 (1 satisfied), misses 1.
    // X, CUSTOMER_SERVICE (WO3#2, WO4#1, WO6#2): orders 3, contact on time 2 of 2, completion on time 1 of 2 (WO3#2 late),
    //   completed 1, first-time 1, return visits 1 (satisfied), misses 0.
    // Y, PROPERTY_MANAGEMENT (WO2#2): everything 1 of 1, no return visit, no miss.
    // Y, CUSTOMER_SERVICE (WO3#1, WO6#1): orders 2, contact on time 1 of 1, completion 0 of 1 (visit missed), completed 0, misses 1.
    expect(card[0].byCategory).toEqual([
      { category: 'CUSTOMER_SERVICE', orders: 3, contactsOnTime: 2, contactsDecided: 2, completionsOnTime: 1, completionsDecided: 2, completed: 1,
        firstTimeFixes: 1, returnVisits: 1, satisfied: 1, misses: 0, onTimeContactRate: 1, onTimeCompletionRate: 0.5, firstTimeFixRate: 1, satisfactionRate: 1 },
      { category: 'PROPERTY_MANAGEMENT', orders: 3, contactsOnTime: 1, contactsDecided: 3, completionsOnTime: 1, completionsDecided: 2, completed: 2,
        firstTimeFixes: 1, returnVisits: 2, satisfied: 1, misses: 1, onTimeContactRate: 1 / 3, onTimeCompletionRate: 0.5, firstTimeFixRate: 0.5, satisfactionRate: 0.5 },
    ]);
    expect(card[1].byCategory).toEqual([
      { category: 'CUSTOMER_SERVICE', orders: 2, contactsOnTime: 1, contactsDecided: 1, completionsOnTime: 0, completionsDecided: 1, completed: 0,
        firstTimeFixes: 0, returnVisits: 0, satisfied: 0, misses: 1, onTimeContactRate: 1, onTimeCompletionRate: 0, firstTimeFixRate: 0, satisfactionRate: 0 },
      { category: 'PROPERTY_MANAGEMENT', orders: 1, contactsOnTime: 1, contactsDecided: 1, completionsOnTime: 1, completionsDecided: 1, completed: 1,
        firstTimeFixes: 1, returnVisits: 0, satisfied: 0, misses: 0, onTimeContactRate: 1, onTimeCompletionRate: 1, firstTimeFixRate: 1, satisfactionRate: 0 },
    ]);
  });

  it('narrows to one contractor, to branches in scope, and counts a completion not yet due as undecided', async () => {
    const onlyY = await contractorScorecard(m.app, a.tenantId, { ...bounds, nowMs: now, contractorId: Y });
    expect(onlyY.map((c) => [c.name, c.rank, c.orders, c.misses])).toEqual([['Yang', 1, 3, 1]]);
    // Branch WA03 holds only WO4: X's one on-time, satisfied attempt.
    const wa03 = await contractorScorecard(m.app, a.tenantId, { ...bounds, nowMs: now, branchIds: [branch3] });
    expect(wa03.map((c) => [c.name, c.orders, c.contactsOnTime, c.completionsDecided, c.satisfied, c.byCategory.length])).toEqual([['Xu', 1, 1, 1, 1, 1]]);
    expect(await contractorScorecard(m.app, a.tenantId, { ...bounds, nowMs: now, branchIds: [] })).toEqual([]);
    // Before WO3#2's completion fell due (T+13d), it is not yet decided: X's completions decided 3, not 4.
    const early = await contractorScorecard(m.app, a.tenantId, { ...bounds, nowMs: T + 12 * D + H, contractorId: X });
    expect([early[0].completionsOnTime, early[0].completionsDecided]).toEqual([2, 3]);
  });

  it('is tenant-isolated: another tenant\'s session sees no work-order rows of tenant A and an empty scorecard', async () => {
    expect(await contractorScorecard(m.app, b.tenantId, { ...bounds, nowMs: now })).toEqual([]);
    const tables = ['contractor_trades', 'work_orders', 'work_order_attempts', 'work_order_events', 'work_order_signatures'];
    const seenByB = await tenantTransaction(m.app, b.tenantId, async (t) => {
      const out: Record<string, number> = {};
      for (const table of tables) out[table] = (await t.query(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id <> $1`, [b.tenantId]))[0].n;
      return out;
    });
    expect(seenByB).toEqual(Object.fromEntries(tables.map((t) => [t, 0])));
    // While tenant A's rows are there (the owner sees them).
    const [{ n }] = await m.db.query(`SELECT count(*)::int AS n FROM work_order_attempts WHERE tenant_id = $1`, [a.tenantId]);
    expect(n).toBeGreaterThan(10);
    const [{ ownRows }] = await tenantTransaction(m.app, a.tenantId, (t) => t.query(`SELECT count(*)::int AS "ownRows" FROM work_order_attempts`));
    expect(ownRows).toBe(n);
  });
});
